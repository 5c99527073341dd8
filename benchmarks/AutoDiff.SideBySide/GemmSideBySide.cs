using System.Diagnostics;
using AutoDiff.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoDiff.SideBySide;

/// <summary>One GEMM shape's result: medians of GFLOP/s over interleaved rounds, and the median per-round ratio.</summary>
public sealed record GemmResult(string Shape, int Threads, double TorchGflops, double AutoDiffGflops, double Ratio, int Rounds);

/// <summary>
/// <c>C = A·B</c> in float32, AutoDiff's <see cref="Gemm.Multiply{T}"/> against libtorch's
/// <c>addmm_</c> into a preallocated C (β = 0), same operands, interleaved rounds after a warm-up.
/// </summary>
public static class GemmSideBySide
{
    public static readonly (string Name, int M, int K, int N, bool TransA)[] Shapes =
    [
        ("1024³ NN", 1024, 1024, 1024, false),
        ("fwd 1024×784·784×128", 1024, 784, 128, false),
        ("dW 784×1024ᵀ·1024×128", 784, 1024, 128, true),
        ("fwd 128×784·784×128", 128, 784, 128, false),
        ("dW 784×128ᵀ·128×128", 784, 128, 128, true),
    ];

    public static List<GemmResult> Run(Options o, TextWriter output)
    {
        var results = new List<GemmResult>();
        foreach (int threads in o.Threads)
            foreach (var s in Shapes)
            {
                var r = Measure(s, threads, o.Seconds);
                output.WriteLine($"  {r.Shape,-24} {threads} thread(s): libtorch {r.TorchGflops,6:0.0} GFLOP/s, AutoDiff {r.AutoDiffGflops,6:0.0} GFLOP/s, time ratio {r.Ratio:0.000} ({r.Rounds} rounds)");
                results.Add(r);
            }
        return results;
    }

    static GemmResult Measure((string Name, int M, int K, int N, bool TransA) s, int threads, double seconds)
    {
        set_num_threads(threads);
        Parallelism.MaxThreads = threads;
        var rng = new Random(42);
        var a = new float[s.M * s.K];
        var b = new float[s.K * s.N];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextSingle() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextSingle() - 0.5f;
        var c = new float[s.M * s.N];
        using var ta = s.TransA ? tensor(a, [s.K, s.M]).t() : tensor(a, [s.M, s.K]);
        using var tb = tensor(b, [s.K, s.N]);
        using var tc = zeros(s.M, s.N);
        void Ours() => Gemm.Multiply<float>(s.TransA, false, s.M, s.N, s.K, a, b, c, accumulate: false);
        void Theirs() => tc.addmm_(ta, tb, beta: 0, alpha: 1);

        // Same numbers, so neither side is timing a different problem.
        Ours();
        Theirs();
        var reference = tc.data<float>().ToArray();
        double worst = 0;
        for (int i = 0; i < c.Length; i++) worst = Math.Max(worst, Math.Abs(c[i] - reference[i]));
        if (worst > 1e-3) throw new InvalidOperationException($"{s.Name}: AutoDiff and libtorch differ by {worst}.");

        double flops = 2.0 * s.M * s.N * s.K;
        int reps = Math.Max(1, (int)(2e-3 * 100e9 / flops));   // ≈ 2 ms per block at 100 GFLOP/s
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds * 0.25) { Ours(); Theirs(); }
        var ours = new List<double>();
        var theirs = new List<double>();
        var ratios = new List<double>();
        clock.Restart();
        for (int round = 0; clock.Elapsed.TotalSeconds < 2 * seconds || round < 5; round++)
        {
            double x, y;
            if (round % 2 == 0) { x = Time(Ours, reps); y = Time(Theirs, reps); }
            else { y = Time(Theirs, reps); x = Time(Ours, reps); }
            ours.Add(flops / x / 1e3);
            theirs.Add(flops / y / 1e3);
            ratios.Add(x / y);
        }
        return new GemmResult(s.Name, threads, Stats.Median(theirs), Stats.Median(ours), Stats.Median(ratios), ratios.Count);
    }

    /// <summary>Mean µs per call over <paramref name="reps"/> calls.</summary>
    static double Time(Action f, int reps)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < reps; i++) f();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / reps;
    }
}
