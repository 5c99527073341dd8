namespace AutoDiff.SideBySide;

/// <summary>Markdown tables for RESULTS.md.</summary>
public static class Report
{
    /// <summary>The 1-, 5- and 15-minute load averages (Linux), as <c>uptime</c> prints them.</summary>
    public static string Load() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static void Write(TextWriter w, List<SteadyResult>? steady, List<ColdRun>? cold, List<GemmResult>? gemm, List<AloneResult>? alone = null)
    {
        if (alone is not null)
        {
            w.WriteLine();
            w.WriteLine("Each library alone in its own process (steady step: median of each process's last quarter; ratio per round):");
            w.WriteLine();
            w.WriteLine("| batch | threads | TorchSharp µs | AutoDiff µs | ratio (median of rounds) | lowest–highest | rounds |");
            w.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in alone)
                w.WriteLine($"| {r.Batch} | {r.Threads} | {r.TorchUs:0.0} | {r.AutoDiffUs:0.0} | **{r.Ratio:0.00}** | {r.RatioMin:0.00}–{r.RatioMax:0.00} | {r.Rounds} |");
        }
        if (gemm is not null)
        {
            w.WriteLine();
            w.WriteLine("| shape | threads | libtorch GFLOP/s | AutoDiff GFLOP/s | time ratio | AutoDiff 2-thread speed-up | libtorch 2-thread speed-up |");
            w.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in gemm)
            {
                var one = gemm.FirstOrDefault(x => x.Shape == r.Shape && x.Threads == 1);
                string up(double ours, double first) => r.Threads > 1 && one is not null ? $"{ours / first:0.00}×" : "";
                w.WriteLine($"| {r.Shape} | {r.Threads} | {r.TorchGflops:0.0} | {r.AutoDiffGflops:0.0} | {r.Ratio:0.00} | {up(r.AutoDiffGflops, one?.AutoDiffGflops ?? 1)} | {up(r.TorchGflops, one?.TorchGflops ?? 1)} |");
            }
        }
        if (steady is not null)
        {
            w.WriteLine();
            w.WriteLine("| batch | threads | TorchSharp µs | AutoDiff µs | ratio | ratio p25–p75 | rounds × steps | CPU µs (calling thread) | CPU ratio |");
            w.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in steady)
                w.WriteLine($"| {r.Batch} | {r.Threads} | {r.TorchUs:0.0} | {r.AutoDiffUs:0.0} | **{r.Ratio:0.00}** | {r.RatioP25:0.00}–{r.RatioP75:0.00} | {r.Rounds} × {r.StepsPerBlock} | {r.TorchCpuUs:0.0} / {r.AutoDiffCpuUs:0.0} | {(r.Threads == 1 ? r.CpuRatio.ToString("0.00") : "—")} |");
        }
        if (cold is not null)
        {
            w.WriteLine();
            w.WriteLine("Cold start, medians over the fresh processes (ms from launch; step times in µs):");
            w.WriteLine();
            w.WriteLine("| batch | library | runs | Main at | step 1 ends at | step 1 | step 100 | steps 91–110 | steady | step 100 / steady | within 1.2× from step | at | CPU: steps 91–110 / steady |");
            w.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var g in cold.GroupBy(r => (r.Batch, r.Library)))
            {
                var runs = g.ToList();
                double M(Func<ColdRun, double> f) => Stats.Median(runs.Select(f));
                double steadyUs = M(r => r.SteadyUs), step100 = M(r => r.Step100Us);
                w.WriteLine($"| {g.Key.Batch} | {g.Key.Library} | {runs.Count} | {M(r => r.ToMainMs):0} ms | {M(r => r.FirstStepEndMs):0} ms | {M(r => r.StepUs[0]) / 1000:0.0} ms | " +
                    $"{step100:0.0} | {M(r => r.Around100Us):0.0} | {steadyUs:0.0} | **{step100 / steadyUs:0.00}** | {M(r => r.SteadyFrom().Step):0} | {M(r => r.SteadyFrom().Ms):0} ms | {M(r => r.Around100CpuUs):0.0} / {M(r => r.SteadyCpuUs):0.0} |");
            }
        }
    }
}
