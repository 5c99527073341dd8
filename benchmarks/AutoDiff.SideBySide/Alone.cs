namespace AutoDiff.SideBySide;

/// <summary>One configuration measured with each library alone in its own process: per-round steady medians and their ratio.</summary>
public sealed record AloneResult(int Batch, int Threads, double TorchUs, double AutoDiffUs, double Ratio, double RatioMin, double RatioMax, int Rounds);

/// <summary>
/// Steady state with each library alone in a process of its own (this program in <c>child</c> mode), the
/// way a user of one library runs it: nothing else in the process, so no other library's worker threads
/// share the cores. Interleaved rounds in one process are the fairer test at one thread, where all of a
/// step's work runs on the calling thread; at two threads they are not: after each TorchSharp step
/// libtorch's OpenMP workers spin for more work and take the second core from AutoDiff's worker. Here each
/// round starts one process per library (alternating which goes first), each runs long enough to pass its
/// warm-up, and its steady step is the median of its last quarter; the ratio is taken per round.
/// </summary>
public static class Alone
{
    public static List<AloneResult> Run(Options o, TextWriter output)
    {
        string self = typeof(Alone).Assembly.Location;
        var results = new List<AloneResult>();
        foreach (int threads in o.Threads)
            foreach (int batch in o.Batches)
            {
                int steps = o.Steps > 0 ? o.Steps : StepsFor(batch);
                var ours = new List<double>();
                var theirs = new List<double>();
                var ratios = new List<double>();
                for (int round = 0; round < o.Repeats; round++)
                {
                    string[] order = round % 2 == 0 ? ["autodiff", "torch"] : ["torch", "autodiff"];
                    var steady = order.ToDictionary(library => library, library => ColdStart.Launch(self, library, batch, threads, steps).SteadyUs);
                    ours.Add(steady["autodiff"]);
                    theirs.Add(steady["torch"]);
                    ratios.Add(steady["autodiff"] / steady["torch"]);
                    output.WriteLine($"  batch {batch,4}, {threads} thread(s), round {round + 1}: TorchSharp {steady["torch"],9:0.0} µs, AutoDiff {steady["autodiff"],9:0.0} µs, ratio {ratios[^1]:0.000}");
                }
                results.Add(new AloneResult(batch, threads, Stats.Median(theirs), Stats.Median(ours), Stats.Median(ratios), ratios.Min(), ratios.Max(), ratios.Count));
            }
        return results;
    }

    /// <summary>Steps per process: about 2 s at one thread, so the last quarter is past tiered compilation.</summary>
    static int StepsFor(int batch) => batch switch { <= 1 => 20000, <= 32 => 8000, <= 128 => 3000, _ => 600 };
}
