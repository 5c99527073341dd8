using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff.Nn;

/// <summary>
/// An element-wise optimiser's step over large parameters, split into one contiguous range per thread:
/// part p checks, then updates, elements [n·p/parts, n·(p+1)/parts) of each large parameter.
/// </summary>
/// <remarks>
/// Why: when a step's products ran on two threads, each core computed the rows of ∂W its part of the
/// product owned (<see cref="GemmPacked{T, TKernel}"/> splits ∂W = xᵀ·δ by rows, in equal halves for the
/// 784×128 weight), and both cores read all of W in the next forward. An update on the calling thread
/// alone then pulls the worker's half of ∂W across cores and leaves all of W modified in the caller's
/// cache, where the worker must fetch it. In the 784→128→10 MLP at batch 128 on two threads that cost
/// about 100 µs a step, a fifth of it (measured by timing forward + backward with and without an update
/// that rewrites W). Updating in the same halves keeps ∂W where it was computed and leaves half of W on
/// each core. The split is taken only when the thread pool ran work since the last step (the step's
/// products were split): after single-threaded products it would only move half of the weights away
/// from the core that reads them (at batch 32: 1.2× slower). The check runs before any update, as in
/// the single-threaded step, so a bad gradient still leaves every parameter unchanged.
/// </remarks>
internal sealed class OptimizerRanges<T>(Optimizer<T> owner) : PartitionedWork where T : IFloatingPointIeee754<T>
{
    /// <summary>Parameters shorter than this (2¹⁵ elements) are updated whole on the calling thread.</summary>
    internal const int MinLength = 1 << 15;

    private IReadOnlyList<Parameter<T>> parameters = [];
    private int[] firstBad = [];
    private int parts;
    private bool updating;
    private long poolRunsAtLastStep;

    /// <summary>
    /// Decides this step's split: itself with <see cref="IsSplit"/> true for the large parameters, or null
    /// (every parameter whole on the calling thread).
    /// </summary>
    public OptimizerRanges<T>? Plan(IReadOnlyList<Parameter<T>> list)
    {
        int threads = Parallelism.MaxThreads;
        if (threads <= 1 || WorkerPool.ParallelRuns == poolRunsAtLastStep) return null;
        long large = 0;
        for (int i = 0; i < list.Count; i++)
            if (list[i].Value.Length >= MinLength) large += list[i].Value.Length;
        parts = (int)Math.Min(threads, large / MinLength);
        if (parts <= 1) return null;
        parameters = list;
        if (firstBad.Length < list.Count * parts) firstBad = new int[list.Count * parts];
        return this;
    }

    /// <summary>Whether parameter <paramref name="i"/> is checked and updated in ranges.</summary>
    public bool IsSplit(int i) => parameters[i].Value.Length >= MinLength;

    /// <summary>Checks every range of the large gradients for NaN and ±∞.</summary>
    public void Check()
    {
        updating = false;
        WorkerPool.Run(this, parts);
    }

    /// <summary>The first non-finite element of parameter <paramref name="i"/>'s gradient, or −1 (after <see cref="Check"/>).</summary>
    public int FirstBad(int i)
    {
        for (int part = 0; part < parts; part++)
            if (firstBad[i * parts + part] >= 0) return firstBad[i * parts + part];
        return -1;
    }

    /// <summary>Updates every range of the large parameters.</summary>
    public void Update()
    {
        updating = true;
        WorkerPool.Run(this, parts);
    }

    /// <summary>Notes the pool's run count, so the next step splits only if the work between ran in parallel.</summary>
    public void EndStep()
    {
        poolRunsAtLastStep = WorkerPool.ParallelRuns;
        parameters = [];
    }

    public override void Run(int part, int parts)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            if (!IsSplit(i)) continue;
            var p = parameters[i];
            int n = p.Value.Length;
            int start = (int)((long)n * part / parts), end = (int)((long)n * (part + 1) / parts);
            var grad = p.Grad[start..end];
            if (updating)
                owner.UpdateWithDecay(i, start, p.Value.Span[start..end], grad);
            else
            {
                int bad = SpanMath.IndexOfNonFinite(grad);
                firstBad[i * parts + part] = bad < 0 ? -1 : start + bad;
            }
        }
    }
}
