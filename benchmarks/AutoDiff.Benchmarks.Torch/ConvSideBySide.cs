using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// <c>--side-by-side [rounds]</c>: the conv and CNN-step benchmarks' two steps in one process, 1 thread each,
/// in interleaved rounds (a block of ~5 ms of AutoDiff steps and one of TorchSharp steps, alternating which goes
/// first), so both see the same load on a shared machine. Prints per-step medians of wall time and of the calling
/// thread's CPU time (at one thread, all of a step's work), and the medians of the per-round ratios.
/// </summary>
public static class ConvSideBySide
{
    public static void Run(TextWriter output, int rounds)
    {
        global::TorchSharp.torch.set_num_threads(1);
        global::AutoDiff.Kernels.Parallelism.MaxThreads = 1;
        output.WriteLine("| step | TorchSharp wall µs | AutoDiff wall µs | wall ratio (p25–p75) | TorchSharp CPU µs | AutoDiff CPU µs | CPU ratio (p25–p75) | rounds × steps |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string shape in new[] { "1x28x28*8x1x5x5", "8x12x12*16x8x5x5" })
        {
            var data = ConvBenchData.ForShape(shape);
            using var torch = new TorchConv(data);
            Report(output, $"conv2d fwd+bwd [32, {shape.Replace("x", ", ").Replace("*", "] ∗ [")}]", new AutoDiffConv(data).Step, torch.Step, rounds);
        }
        using var torchCnn = new TorchCnn(new CnnBenchData(32));
        Report(output, "CNN training step, batch 32", new AutoDiffCnn(new CnnBenchData(32)).Step, torchCnn.Step, rounds);
    }

    private static void Report(TextWriter output, string name, Func<float> ours, Func<float> theirs, int rounds)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed.TotalSeconds < 1;) { ours(); theirs(); }
        int k = Math.Max(1, (int)(5000 / Math.Max(Block(ours, 3).Wall, Block(theirs, 3).Wall)));
        var (a, t) = (new List<(double Wall, double Cpu)>(), new List<(double Wall, double Cpu)>());
        for (int r = 0; r < rounds; r++)
        {
            if (r % 2 == 0) { a.Add(Block(ours, k)); t.Add(Block(theirs, k)); }
            else { t.Add(Block(theirs, k)); a.Add(Block(ours, k)); }
        }
        var wall = a.Zip(t, (x, y) => x.Wall / y.Wall).ToList();
        var cpu = a.Zip(t, (x, y) => x.Cpu / y.Cpu).ToList();
        output.WriteLine($"| {name} | {Median(t.Select(x => x.Wall)):0} | {Median(a.Select(x => x.Wall)):0} | {Median(wall):0.00} ({Quantile(wall, 0.25):0.00}–{Quantile(wall, 0.75):0.00}) " +
            $"| {Median(t.Select(x => x.Cpu)):0} | {Median(a.Select(x => x.Cpu)):0} | {Median(cpu):0.00} ({Quantile(cpu, 0.25):0.00}–{Quantile(cpu, 0.75):0.00}) | {rounds} × {k} |");
    }

    /// <summary>Per-step wall and thread-CPU microseconds over <paramref name="steps"/> steps.</summary>
    private static (double Wall, double Cpu) Block(Func<float> step, int steps)
    {
        double c0 = ThreadCpuSeconds();
        long w0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++) step();
        double wall = Stopwatch.GetElapsedTime(w0).TotalMicroseconds, cpu = (ThreadCpuSeconds() - c0) * 1e6;
        return (wall / steps, cpu / steps);
    }

    private static double Median(IEnumerable<double> v) => Quantile(v, 0.5);

    private static double Quantile(IEnumerable<double> values, double q)
    {
        var s = values.Order().ToArray();
        double pos = q * (s.Length - 1);
        int lo = (int)pos, hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    private static double ThreadCpuSeconds()
    {
        clock_gettime(3, out var ts); // CLOCK_THREAD_CPUTIME_ID
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
