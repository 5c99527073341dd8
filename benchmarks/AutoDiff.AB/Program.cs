using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

// Same-process A/B of two (or more) builds of AutoDiff: each build's Runner in its own AssemblyLoadContext,
// every workload warmed up, then timed in short interleaved rounds (which build goes first alternates),
// so all builds see the same machine load. Reports medians of the calling thread's CPU time per
// repetition and the median of the per-round ratios to the first build. Run by ab.sh.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: AutoDiffAB <workloads> <seconds> <build dir> <build dir> [...]\n" +
        "  workloads: comma-separated, each name:size[:threads], e.g. chain:10000,rosenbrock:1000,step:128:1");
    return 2;
}
var workloads = args[0].Split(',').Select(w => w.Split(':')).Select(p => (Name: p[0], Size: int.Parse(p[1]), Threads: p.Length > 2 ? int.Parse(p[2]) : 1)).ToArray();
double seconds = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
string[] dirs = args[2..];
var builds = dirs.Select(dir =>
{
    var context = new FolderLoadContext(Path.GetFullPath(dir));
    var runner = context.LoadFromAssemblyPath(Path.Combine(Path.GetFullPath(dir), "AutoDiffAB.Runner.dll")).GetType("AutoDiffAB.Runner")!;
    return runner.GetMethod("Run")!.CreateDelegate<Func<string, int, int, int, double>>();
}).ToArray();

Console.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}; {seconds} s per workload; builds: {string.Join(", ", dirs.Select(Name))}");
Console.WriteLine($"| workload | {string.Join(" | ", dirs.Select(d => Name(d) + " µs (CPU)"))} | {string.Join(" | ", dirs.Skip(1).Select(d => Name(d) + " / " + Name(dirs[0])))} | rounds |");
Console.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---:|", 2 * dirs.Length))}");
foreach (var w in workloads)
{
    // warm-up: 2 s of each build (past tier 0 and the tiered-PGO rejit), and a repetition count of ~2 ms
    int reps = 1;
    foreach (var run in builds)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed.TotalSeconds < 2) run(w.Name, w.Size, w.Threads, reps);
    }
    while (Time(builds[0], w, reps) < 0.002 && reps < 1 << 20) reps *= 2;
    var times = builds.Select(_ => new List<double>()).ToArray();
    var clock = Stopwatch.StartNew();
    for (int round = 0; clock.Elapsed.TotalSeconds < seconds; round++)
        for (int k = 0; k < builds.Length; k++)
        {
            int v = (round + k) % builds.Length;
            times[v].Add(Time(builds[v], w, reps) / reps);
        }
    var ratios = Enumerable.Range(1, builds.Length - 1).Select(v => Median(times[0].Zip(times[v], (a, b) => b / a)));
    Console.WriteLine($"| {w.Name} {w.Size}{(w.Name == "step" ? $" ×{w.Threads} thr" : "")} | {string.Join(" | ", times.Select(t => $"{Median(t) * 1e6:F2}"))} | {string.Join(" | ", ratios.Select(r => $"{r:F3}"))} | {times[0].Count} |");
}
Console.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}");
return 0;

static string Name(string dir) => Path.GetFileName(Path.GetFullPath(dir).TrimEnd('/'));

static double Time(Func<string, int, int, int, double> run, (string Name, int Size, int Threads) w, int reps)
{
    double start = ThreadCpuSeconds();
    run(w.Name, w.Size, w.Threads, reps);
    return ThreadCpuSeconds() - start;
}

static double Median(IEnumerable<double> values)
{
    var s = values.Order().ToArray();
    return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

static double ThreadCpuSeconds()
{
    clock_gettime(3, out var ts); // CLOCK_THREAD_CPUTIME_ID
    return ts.Seconds + ts.Nanoseconds * 1e-9;
}

[DllImport("libc", EntryPoint = "clock_gettime")]
static extern int clock_gettime(int clock, out TimeSpec time);

[StructLayout(LayoutKind.Sequential)]
struct TimeSpec { public long Seconds, Nanoseconds; }

/// <summary>Resolves a build's assemblies from its own folder, so two builds of AutoDiff load side by side.</summary>
sealed class FolderLoadContext(string dir) : AssemblyLoadContext
{
    protected override Assembly? Load(AssemblyName name)
    {
        string path = Path.Combine(dir, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
