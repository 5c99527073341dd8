using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using AutoDiff.Benchmarks.Torch;
using AutoDiff.Kernels;

namespace AutoDiff.SideBySide;

/// <summary>One fresh process: when its steps ended, measured from the parent's launch.</summary>
public sealed record ColdRun(string Library, int Batch, double ToMainMs, double FirstStepEndMs, double[] StepUs, double[] CpuUs)
{
    /// <summary>The same, in the stepping thread's CPU time (what a busy machine's other processes do not inflate).</summary>
    public double SteadyCpuUs => Stats.Median(CpuUs[(CpuUs.Length * 3 / 4)..]);
    public double Around100CpuUs => Stats.Median(CpuUs[Math.Min(90, CpuUs.Length - 1)..Math.Min(110, CpuUs.Length)]);

    /// <summary>Median of the last quarter of the steps: the steady state this process reached.</summary>
    public double SteadyUs => Stats.Median(StepUs[(StepUs.Length * 3 / 4)..]);

    /// <summary>Step 100 alone (1-based), and the median of steps 91..110.</summary>
    public double Step100Us => StepUs[Math.Min(99, StepUs.Length - 1)];
    public double Around100Us => Stats.Median(StepUs[Math.Min(90, StepUs.Length - 1)..Math.Min(110, StepUs.Length)]);

    /// <summary>
    /// The first step from which the median of the next <see cref="Window"/> steps is within 1.2× of
    /// <see cref="SteadyUs"/> (1-based), and the time from launch to its end.
    /// </summary>
    public (int Step, double Ms) SteadyFrom()
    {
        int w = Window;
        double limit = 1.2 * SteadyUs, end = FirstStepEndMs;
        for (int s = 0; s + w <= StepUs.Length; s++)
        {
            if (s > 0) end += StepUs[s] / 1000;
            if (Stats.Median(StepUs[s..(s + w)]) <= limit) return (s + 1, end);
        }
        return (StepUs.Length, end);
    }

    int Window => Math.Max(5, Math.Min(50, StepUs.Length / 20));
}

/// <summary>
/// Cold start: a fresh process per library and batch (this program again, in <c>child</c> mode),
/// timing each of its first N steps; the parent alternates the libraries and repeats.
/// </summary>
public static class ColdStart
{
    public static List<ColdRun> Run(Options o, TextWriter output)
    {
        string self = typeof(ColdStart).Assembly.Location;
        var runs = new List<ColdRun>();
        foreach (int batch in o.Batches)
            for (int rep = 0; rep < o.Repeats; rep++)
            {
                var order = rep % 2 == 0 ? o.Libraries : o.Libraries.Reverse().ToArray();
                foreach (string library in order)
                {
                    var run = Launch(self, library, batch, o.ColdThreads, o.StepsFor(batch));
                    var (s, ms) = run.SteadyFrom();
                    output.WriteLine($"  {library,-8} batch {batch,4}: main at {run.ToMainMs,6:0} ms, step 1 ends at {run.FirstStepEndMs,6:0} ms ({run.StepUs[0] / 1000:0.0} ms), " +
                        $"step 100 {run.Step100Us,8:0.0} µs, steady {run.SteadyUs,8:0.0} µs, within 1.2× from step {s} ({ms:0} ms)");
                    runs.Add(run);
                }
            }
        return runs;
    }

    internal static ColdRun Launch(string self, string library, int batch, int threads, int steps)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { self, "--mode", "child", "--library", library, "--batch", Str(batch), "--threads", Str(threads), "--steps", Str(steps) })
            psi.ArgumentList.Add(a);
        long launch = DateTime.UtcNow.Ticks;
        psi.ArgumentList.Add("--launch-ticks");
        psi.ArgumentList.Add(Str(launch));
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the child process");
        string text = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"The {library} child (batch {batch}) exited with {child.ExitCode}: {text}");
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Split(' ');
        long main = long.Parse(fields[0], CultureInfo.InvariantCulture), firstStart = long.Parse(fields[1], CultureInfo.InvariantCulture);
        var stepUs = fields[2].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var cpuUs = fields[3].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new ColdRun(library, batch, (main - launch) / 1e4, (firstStart - launch) / 1e4 + stepUs[0] / 1000, stepUs, cpuUs);
    }

    /// <summary>
    /// The child's whole life: note when Main began, build the model, time each step, print one line
    /// "mainTicks firstStepStartTicks wallµs,… cpuµs,…". Only the chosen library is ever touched.
    /// </summary>
    public static int Child(Options o, long mainTicks)
    {
        int steps = o.Steps > 0 ? o.Steps : o.StepsFor(o.Batch);
        int threads = o.Threads[0];
        var times = new double[steps];
        var cpu = new double[steps];
        long firstStart = o.Library switch
        {
            "autodiff" => RunAutoDiff(o.Batch, threads, times, cpu),
            "torch" => RunTorch(o.Batch, threads, times, cpu),
            _ => throw new ArgumentException($"Unknown library {o.Library}: autodiff or torch."),
        };
        static string Join(double[] t) => string.Join(',', t.Select(x => x.ToString("0.0", CultureInfo.InvariantCulture)));
        Console.WriteLine($"{mainTicks} {firstStart} {Join(times)} {Join(cpu)}");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static long RunAutoDiff(int batch, int threads, double[] times, double[] cpu)
    {
        Parallelism.MaxThreads = threads;
        var mlp = new AutoDiffMlp(new MlpBenchData(batch), MlpBenchData.LearningRate);
        long firstStart = DateTime.UtcNow.Ticks;
        for (int i = 0; i < times.Length; i++)
        {
            long t = Stopwatch.GetTimestamp();
            double c = ThreadCpu.Seconds();
            mlp.Step();
            cpu[i] = (ThreadCpu.Seconds() - c) * 1e6;
            times[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        }
        return firstStart;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static long RunTorch(int batch, int threads, double[] times, double[] cpu)
    {
        TorchSharp.torch.set_num_threads(threads);
        using var mlp = new TorchMlp(new MlpBenchData(batch), MlpBenchData.LearningRate);
        long firstStart = DateTime.UtcNow.Ticks;
        for (int i = 0; i < times.Length; i++)
        {
            long t = Stopwatch.GetTimestamp();
            double c = ThreadCpu.Seconds();
            mlp.Step();
            cpu[i] = (ThreadCpu.Seconds() - c) * 1e6;
            times[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        }
        return firstStart;
    }

    static string Str(long x) => x.ToString(CultureInfo.InvariantCulture);
}
