using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// One SGD training step of the 784→128→10 MLP in TorchSharp (the baseline) and in AutoDiff, both
/// from the same <see cref="MlpBenchData"/>, so the Ratio column is AutoDiff's time over TorchSharp's
/// measured in the same run.
/// </summary>
[MedianColumn, MemoryDiagnoser]
public class MlpStepBenchmarks
{
    [ParamsSource(nameof(Batches))]
    public int Batch { get; set; }

    /// <summary>Intra-op threads for TorchSharp (<c>torch.set_num_threads</c>) and AutoDiff (<c>Parallelism.MaxThreads</c>).</summary>
    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    /// <summary>1, 32, 128, 1024, or the comma-separated list in <c>MLP_BATCHES</c> (for quick runs).</summary>
    public static IEnumerable<int> Batches() => FromEnvironment("MLP_BATCHES", [1, 32, 128, 1024]);

    /// <summary>1 and 2, or the list in <c>MLP_THREADS</c>.</summary>
    public static IEnumerable<int> ThreadCounts() => FromEnvironment("MLP_THREADS", [1, 2]);

    static int[] FromEnvironment(string name, int[] fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } list ? list.Split(',').Select(int.Parse).ToArray() : fallback;

    TorchMlp? _torch;
    AutoDiffMlp? _autoDiff;

    [GlobalSetup]
    public void Setup()
    {
        global::TorchSharp.torch.set_num_threads(Threads);
        global::AutoDiff.Kernels.Parallelism.MaxThreads = Threads;
        _torch = new TorchMlp(new MlpBenchData(Batch), MlpBenchData.LearningRate);
        _autoDiff = new AutoDiffMlp(new MlpBenchData(Batch), MlpBenchData.LearningRate);
    }

    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    [Benchmark(Baseline = true)]
    public float TorchSharp() => _torch!.Step();

    [Benchmark]
    public float AutoDiff() => _autoDiff!.Step();
}
