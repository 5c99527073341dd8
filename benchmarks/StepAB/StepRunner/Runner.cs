using System.Diagnostics;
using System.Runtime.InteropServices;
using AutoDiff;
using AutoDiff.Kernels;
using AutoDiff.Nn;

namespace StepRunner;

/// <summary>The training step of <c>AutoDiffMlpStepBenchmarks</c> (784→128→10, sigmoid, cross-entropy from logits, SGD, float32), timed.</summary>
public static class Runner
{
    private static readonly Dictionary<(int, int), (Tape Tape, Mlp<float> Mlp, Sgd<float> Sgd, float[] X, int[] Labels)> States = [];

    /// <summary>Seconds per step, over <paramref name="steps"/> steps at batch <paramref name="batch"/> on <paramref name="threads"/> threads.</summary>
    public static double Run(int batch, int threads, int steps) => Time(batch, threads, steps, backwardOnly: false);

    /// <summary>
    /// Seconds per step spent in <c>Tape.Backward</c> alone (the first-order reverse sweep), over the same
    /// steps as <see cref="Run"/>, in the calling thread's CPU time (which a descheduled thread does not
    /// accumulate: the least load-distorted figure at one thread; worker threads are not counted).
    /// </summary>
    public static double RunBackward(int batch, int threads, int steps) => Time(batch, threads, steps, backwardOnly: true);

    private static double Time(int batch, int threads, int steps, bool backwardOnly)
    {
        Parallelism.MaxThreads = threads;
        if (!States.TryGetValue((batch, threads), out var s))
        {
            var rng = new Random(2);
            s = (new Tape(), new Mlp<float>([784, 128, 10], [Activations.SigmoidFunction<float>(), null], seed: 1), new Sgd<float>(0.01),
                Enumerable.Range(0, batch * 784).Select(_ => (float)rng.NextDouble()).ToArray(), Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray());
            States[(batch, threads)] = s;
        }
        var shape = new Shape(batch, 784);
        var clock = Stopwatch.StartNew();
        long backward = 0;
        for (int i = 0; i < steps; i++)
        {
            s.Tape.Reset();
            var loss = Losses.CrossEntropyFromLogits(s.Mlp.Forward(s.Tape.Constant<float>(s.X, shape)), s.Labels);
            long start = backwardOnly ? ThreadCpuNanoseconds() : 0;
            s.Tape.Backward(loss);
            if (backwardOnly) backward += ThreadCpuNanoseconds() - start;
            s.Sgd.Step(s.Mlp.Parameters);
        }
        return backwardOnly ? backward * 1e-9 / steps : clock.Elapsed.TotalSeconds / steps;
    }

    /// <summary>The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>).</summary>
    private static long ThreadCpuNanoseconds()
    {
        clock_gettime(3, out var ts);
        return ts.Seconds * 1_000_000_000 + ts.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
