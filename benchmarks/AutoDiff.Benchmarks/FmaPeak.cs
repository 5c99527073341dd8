using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace AutoDiff.Benchmarks;

/// <summary>
/// One core's float32 FMA peak: 16 independent <see cref="Vector512.FusedMultiplyAdd"/> chains
/// (enough to cover two FMA ports × 4 cycles of latency), 10 runs of 80 M FMAs, wall and thread CPU
/// time. Run: <c>dotnet run -c Release --project benchmarks/AutoDiff.Benchmarks -- --peak</c>.
/// </summary>
public static class FmaPeak
{
    public static void Run(TextWriter output)
    {
        output.WriteLine($"float32 FMA peak, one thread; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Chains(1000);
        for (int r = 0; r < 10; r++)
        {
            const long Iterations = 5_000_000;
            long t0 = Stopwatch.GetTimestamp();
            double c0 = StepProfile.ThreadCpuSeconds();
            Chains(Iterations);
            double flops = Iterations * 16.0 * 2 * Vector512<float>.Count;
            output.WriteLine($"wall {flops / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9,6:0.0} GFLOP/s, thread CPU {flops / (StepProfile.ThreadCpuSeconds() - c0) / 1e9,6:0.0} GFLOP/s");
        }
    }

    static float Chains(long iterations)
    {
        var x = Vector512.Create(1.0000001f);
        var y = Vector512.Create(0.9999999f);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(x, y, a0); a1 = Vector512.FusedMultiplyAdd(x, y, a1);
            a2 = Vector512.FusedMultiplyAdd(x, y, a2); a3 = Vector512.FusedMultiplyAdd(x, y, a3);
            a4 = Vector512.FusedMultiplyAdd(x, y, a4); a5 = Vector512.FusedMultiplyAdd(x, y, a5);
            a6 = Vector512.FusedMultiplyAdd(x, y, a6); a7 = Vector512.FusedMultiplyAdd(x, y, a7);
            a8 = Vector512.FusedMultiplyAdd(x, y, a8); a9 = Vector512.FusedMultiplyAdd(x, y, a9);
            a10 = Vector512.FusedMultiplyAdd(x, y, a10); a11 = Vector512.FusedMultiplyAdd(x, y, a11);
            a12 = Vector512.FusedMultiplyAdd(x, y, a12); a13 = Vector512.FusedMultiplyAdd(x, y, a13);
            a14 = Vector512.FusedMultiplyAdd(x, y, a14); a15 = Vector512.FusedMultiplyAdd(x, y, a15);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15).GetElement(0);
    }
}
