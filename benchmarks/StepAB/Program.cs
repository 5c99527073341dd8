using System.Reflection;
using System.Runtime.Loader;

// Same-process A/B of the MLP training step between two builds of AutoDiff: each build (with its
// StepRunner) in its own AssemblyLoadContext, warmed up, then timed in short interleaved rounds (the
// order alternating every round), so both see the same machine load. Prints per-configuration medians
// and the median of the per-round ratios. On a shared machine an A/A run (one build twice) shows the noise.
// --backward times Tape.Backward alone within each step (the first-order reverse sweep), in thread CPU
// time at one thread, instead of the whole step.
bool backwardOnly = args.Contains("--backward");
args = args.Where(a => a != "--backward").ToArray();
if (args.Length < 2) { Console.Error.WriteLine("usage: StepAB <dir A> <dir B> [rounds] [--backward]"); return 2; }
int rounds = args.Length >= 3 ? int.Parse(args[2]) : 30;
var runs = args[..2].Select(dir =>
{
    var context = new FolderLoadContext(dir);
    var runner = context.LoadFromAssemblyPath(Path.Combine(dir, "StepRunner.dll")).GetType("StepRunner.Runner")!;
    return runner.GetMethod(backwardOnly ? "RunBackward" : "Run")!.CreateDelegate<Func<int, int, int, double>>();
}).ToArray();
(int Batch, int Threads)[] configs = backwardOnly // thread CPU time: one thread only
    ? [(1, 1), (32, 1), (128, 1), (1024, 1)]
    : [(1, 1), (32, 1), (128, 1), (1024, 1), (1, 2), (32, 2), (128, 2), (1024, 2)];
int Steps(int batch) => batch switch { 1 => 400, 32 => 150, 128 => 50, _ => 8 };
foreach (var c in configs) foreach (var run in runs) for (int w = 0; w < 5; w++) run(c.Batch, c.Threads, Steps(c.Batch));
var times = configs.ToDictionary(c => c, _ => new[] { new List<double>(), new List<double>() });
for (int round = 0; round < rounds; round++)
    foreach (var c in configs)
        for (int k = 0; k < 2; k++)
        {
            int v = (round + k) % 2;
            times[c][v].Add(runs[v](c.Batch, c.Threads, Steps(c.Batch)));
        }
Console.WriteLine(backwardOnly ? "Tape.Backward alone, per step (calling thread's CPU time, 1 thread):" : "The whole step (forward, Backward, SGD):");
Console.WriteLine($"| batch | threads | A: {Path.GetFileName(args[0].TrimEnd('/'))} (µs, median) | B: {Path.GetFileName(args[1].TrimEnd('/'))} (µs, median) | B/A (median of per-round ratios) |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var c in configs)
{
    var (a, b) = (times[c][0], times[c][1]);
    Console.WriteLine($"| {c.Batch} | {c.Threads} | {Median(a) * 1e6:F1} | {Median(b) * 1e6:F1} | {Median(a.Zip(b, (x, y) => y / x)):F3} |");
}
return 0;

static double Median(IEnumerable<double> values)
{
    var s = values.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

/// <summary>Resolves a build's assemblies from its own folder, so two builds of AutoDiff load side by side.</summary>
sealed class FolderLoadContext(string dir) : AssemblyLoadContext
{
    protected override Assembly? Load(AssemblyName name)
    {
        string path = Path.Combine(dir, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
