using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// <c>--interleaved-hvp [seconds]</c>: <see cref="HvpBenchmarks"/>' four methods (both gradients, both
/// Hessian-vector products; 1 thread) timed in interleaved rounds, one block of each per round (the order
/// rotating), so a load that changes during the run weighs on both libraries alike; reports medians
/// (wall and the calling thread's CPU time: libtorch runs CPU autograd on the calling thread) and the
/// median of the per-round ratios AutoDiff Hvp ÷ TorchSharp Hvp (goal ≤ 1.0).
/// </summary>
public static class HvpInterleaved
{
    public static void Run(TextWriter output, double seconds)
    {
        output.WriteLine($"Hvp side by side, interleaved, 1 thread; load {File.ReadAllText("/proc/loadavg").Trim()}");
        string[] names = ["TorchSharp gradient", "TorchSharp Hvp", "AutoDiff gradient", "AutoDiff Hvp"];
        foreach (var function in new[] { "mlp", "rosenbrock" })
        {
            var b = new HvpBenchmarks { Function = function };
            b.Setup();
            Action[] methods = [() => b.TorchSharpGradient(), () => b.TorchSharpHvp(), () => b.AutoDiffGradient(), () => b.AutoDiffHvp()];
            foreach (var m in methods) for (int i = 0; i < 10; i++) m(); // past tiered compilation
            int reps = function == "mlp" ? 4 : 1;
            var wall = methods.Select(_ => new List<double>()).ToArray();
            var cpu = methods.Select(_ => new List<double>()).ToArray();
            var clock = Stopwatch.StartNew();
            for (int round = 0; clock.Elapsed.TotalSeconds < seconds || round < 10; round++)
                for (int k = 0; k < methods.Length; k++)
                {
                    int i = (k + round) % methods.Length;
                    long t0 = Stopwatch.GetTimestamp();
                    double c0 = CpuSeconds();
                    for (int r = 0; r < reps; r++) methods[i]();
                    cpu[i].Add((CpuSeconds() - c0) * 1e6 / reps);
                    wall[i].Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / reps);
                }
            output.WriteLine($"{function} ({wall[0].Count} rounds), µs per call, median wall / CPU:");
            for (int i = 0; i < methods.Length; i++) output.WriteLine($"  {names[i],-20} {Median(wall[i]),9:0} {Median(cpu[i]),9:0}");
            output.WriteLine($"  AutoDiff Hvp ÷ TorchSharp Hvp (median of per-round ratios): wall {Median(wall[3].Zip(wall[1], (a, t) => a / t)):0.00}, CPU {Median(cpu[3].Zip(cpu[1], (a, t) => a / t)):0.00}");
            output.WriteLine($"  Hvp ÷ gradient: TorchSharp {Median(cpu[1].Zip(cpu[0], (h, g) => h / g)):0.00}, AutoDiff {Median(cpu[3].Zip(cpu[2], (h, g) => h / g)):0.00} (CPU)");
            b.Cleanup();
        }
        output.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static double CpuSeconds()
    {
        clock_gettime(3, out var ts);
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
