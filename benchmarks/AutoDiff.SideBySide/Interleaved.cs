using System.Diagnostics;
using System.Runtime.CompilerServices;
using AutoDiff.Benchmarks.Torch;
using AutoDiff.Kernels;
using TorchSharp;

namespace AutoDiff.SideBySide;

/// <summary>One configuration's steady-state result: per-step medians and the median of the per-round ratios.</summary>
public sealed record SteadyResult(int Batch, int Threads, double TorchUs, double AutoDiffUs, double Ratio, double RatioP25, double RatioP75, int Rounds, int StepsPerBlock,
    double TorchCpuUs, double AutoDiffCpuUs, double CpuRatio);

/// <summary>
/// Steady state, one process: for each thread count and batch, both libraries train from the same
/// weights and batch; each round times a block of AutoDiff steps and a block of TorchSharp steps
/// (alternating which goes first), so both see the same machine load. A full warm-up pass over every
/// configuration runs first and is discarded.
/// </summary>
public static class Interleaved
{
    /// <summary>A block of steps lasts about this long, so the clock's overhead is negligible and load changes are shared.</summary>
    const double BlockMs = 2;

    public static List<SteadyResult> Run(Options o, TextWriter output)
    {
        if (o.Interop > 0) torch.set_num_interop_threads(o.Interop);
        output.WriteLine($"warm-up pass ({o.Seconds * 0.25:0.##} s per library and configuration)...");
        foreach (int threads in o.Threads)
            foreach (int batch in o.Batches)
                Measure(batch, threads, o.Seconds * 0.25, o.GapMs);
        var results = new List<SteadyResult>();
        foreach (int threads in o.Threads)
            foreach (int batch in o.Batches)
            {
                var r = Measure(batch, threads, o.Seconds, o.GapMs);
                output.WriteLine($"  batch {batch,4}, {threads} thread(s): TorchSharp {r.TorchUs,9:0.0} µs, AutoDiff {r.AutoDiffUs,9:0.0} µs, ratio {r.Ratio:0.000} ({r.RatioP25:0.000}–{r.RatioP75:0.000}, {r.Rounds} rounds of {r.StepsPerBlock}); calling thread's CPU {r.TorchCpuUs:0.0} / {r.AutoDiffCpuUs:0.0} µs, ratio {r.CpuRatio:0.000}");
                results.Add(r);
            }
        return results;
    }

    public static SteadyResult Measure(int batch, int threads, double seconds, int gapMs)
    {
        torch.set_num_threads(threads);
        Parallelism.MaxThreads = threads;
        var data = new MlpBenchData(batch);
        var ours = new AutoDiffMlp(data, MlpBenchData.LearningRate);
        using var theirs = new TorchMlp(data, MlpBenchData.LearningRate);
        CheckSameLoss(batch, ours.Step(), theirs.Step());

        double a1 = Block(ours, 3).Wall, t1 = Block(theirs, 3).Wall;
        int k = Math.Max(1, (int)(BlockMs * 1000 / Math.Max(a1, t1)));
        var ourTimes = new List<double>();
        var theirTimes = new List<double>();
        var ratios = new List<double>();
        var ourCpu = new List<double>();
        var theirCpu = new List<double>();
        var cpuRatios = new List<double>();
        var clock = Stopwatch.StartNew();
        for (int round = 0; clock.Elapsed.TotalSeconds < 2 * seconds || round < 5; round++)
        {
            (double Wall, double Cpu) a, t;
            if (round % 2 == 0) { a = Block(ours, k); Gap(gapMs); t = Block(theirs, k); }
            else { t = Block(theirs, k); Gap(gapMs); a = Block(ours, k); }
            Gap(gapMs);
            ourTimes.Add(a.Wall);
            theirTimes.Add(t.Wall);
            ratios.Add(a.Wall / t.Wall);
            ourCpu.Add(a.Cpu);
            theirCpu.Add(t.Cpu);
            cpuRatios.Add(a.Cpu / t.Cpu);
        }
        return new SteadyResult(batch, threads, Stats.Median(theirTimes), Stats.Median(ourTimes),
            Stats.Median(ratios), Stats.Quantile(ratios, 0.25), Stats.Quantile(ratios, 0.75), ratios.Count, k,
            Stats.Median(theirCpu), Stats.Median(ourCpu), Stats.Median(cpuRatios));
    }

    /// <summary>Both start from the same weights and batch, so their first losses agree (float32 rounding aside).</summary>
    static void CheckSameLoss(int batch, float ours, float theirs)
    {
        double rel = Math.Abs(ours - theirs) / Math.Abs(theirs);
        if (!(rel <= 1e-4))
            throw new InvalidOperationException($"Batch {batch}: first losses differ, AutoDiff {ours:R} vs TorchSharp {theirs:R} (relative {rel:E2}); the two steps do not compute the same thing.");
    }

    /// <summary>
    /// Mean µs per step over <paramref name="steps"/> consecutive steps: wall time, and the calling
    /// thread's CPU time (all of a step's work at one thread; a busy machine does not inflate it).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static (double Wall, double Cpu) Block(AutoDiffMlp mlp, int steps)
    {
        long start = Stopwatch.GetTimestamp();
        double cpu = ThreadCpu.Seconds();
        for (int i = 0; i < steps; i++) mlp.Step();
        return (Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps, (ThreadCpu.Seconds() - cpu) * 1e6 / steps);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static (double Wall, double Cpu) Block(TorchMlp mlp, int steps)
    {
        long start = Stopwatch.GetTimestamp();
        double cpu = ThreadCpu.Seconds();
        for (int i = 0; i < steps; i++) mlp.Step();
        return (Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps, (ThreadCpu.Seconds() - cpu) * 1e6 / steps);
    }

    static void Gap(int ms)
    {
        if (ms > 0) Thread.Sleep(ms);
    }
}
