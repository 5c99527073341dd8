using System.Globalization;

namespace AutoDiff.SideBySide;

/// <summary>The harness's command line: <c>--name value</c> pairs, each with a default.</summary>
public sealed record Options
{
    /// <summary><c>steady</c> (interleaved rounds), <c>cold</c> (fresh processes), <c>all</c> (both), <c>alone</c> (steady state, each library in its own process), <c>gemm</c>, or <c>child</c> (one run, internal).</summary>
    public string Mode { get; init; } = "all";
    public int[] Batches { get; init; } = [1, 32, 128, 1024];
    public int[] Threads { get; init; } = [1, 2];

    /// <summary>Steady state: seconds of measured rounds per library and configuration.</summary>
    public double Seconds { get; init; } = 1.5;

    /// <summary>Steady state: a pause between the two libraries' blocks (lets spinning worker threads go to sleep).</summary>
    public int GapMs { get; init; }

    /// <summary>Steady state: TorchSharp's inter-op threads (<c>torch.set_num_interop_threads</c>), 0 = libtorch's default.</summary>
    public int Interop { get; init; }

    /// <summary>Steady state: measure on a newly created thread (as BenchmarkDotNet's in-process toolchain does) instead of the main thread.</summary>
    public bool NewThread { get; init; }

    /// <summary>Cold: fresh processes per library and batch.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Cold: which libraries to start (<c>autodiff</c>, <c>torch</c>).</summary>
    public string[] Libraries { get; init; } = ["autodiff", "torch"];

    /// <summary>Cold: thread count of the fresh processes.</summary>
    public int ColdThreads { get; init; } = 1;

    /// <summary>Cold: steps per process (0 = by batch: 5000 at batch 1 down to 300 at 1024).</summary>
    public int Steps { get; init; }

    /// <summary>Child: the library, batch and the parent's launch time (UTC ticks).</summary>
    public string Library { get; init; } = "";
    public int Batch { get; init; } = 1;
    public long LaunchTicks { get; init; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i], value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            o = name switch
            {
                "--mode" => o with { Mode = value },
                "--batches" => o with { Batches = Ints(value) },
                "--threads" => o with { Threads = Ints(value) },
                "--seconds" => o with { Seconds = double.Parse(value, CultureInfo.InvariantCulture) },
                "--gap-ms" => o with { GapMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--interop" => o with { Interop = int.Parse(value, CultureInfo.InvariantCulture) },
                "--new-thread" => o with { NewThread = value == "true" },
                "--repeats" => o with { Repeats = int.Parse(value, CultureInfo.InvariantCulture) },
                "--libraries" => o with { Libraries = value.Split(',') },
                "--cold-threads" => o with { ColdThreads = int.Parse(value, CultureInfo.InvariantCulture) },
                "--steps" => o with { Steps = int.Parse(value, CultureInfo.InvariantCulture) },
                "--library" => o with { Library = value },
                "--batch" => o with { Batch = int.Parse(value, CultureInfo.InvariantCulture) },
                "--launch-ticks" => o with { LaunchTicks = long.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {name}. Options: --mode steady|cold|alone|gemm|all, --batches 1,32, --threads 1,2, " +
                    "--seconds 1.5, --gap-ms 0, --interop 0, --new-thread false, --repeats 3, --libraries autodiff,torch, --cold-threads 1, --steps 0."),
            };
        }
        return o;
    }

    /// <summary>Steps of one cold process at <paramref name="batch"/>: enough to pass tiered compilation's warm-up.</summary>
    public int StepsFor(int batch) => Steps > 0 ? Steps : batch switch { <= 1 => 5000, <= 32 => 2000, <= 128 => 1000, _ => 300 };

    private static int[] Ints(string s) => s.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
}
