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
    [Params(1, 32, 128, 1024)]
    public int Batch { get; set; }

    /// <summary>Intra-op threads for TorchSharp (<c>torch.set_num_threads</c>).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

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
