using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// One SGD training step of the 784→128→10 MLP, TorchSharp as the baseline. Add the AutoDiff
/// step as a second <c>[Benchmark]</c> method built in <see cref="Setup"/> from the same
/// <see cref="MlpBenchData"/>, and its ratio to TorchSharp appears in the same table.
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

    [GlobalSetup]
    public void Setup()
    {
        global::TorchSharp.torch.set_num_threads(Threads);
        _torch = new TorchMlp(new MlpBenchData(Batch), MlpBenchData.LearningRate);
    }

    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    [Benchmark(Baseline = true)]
    public float TorchSharp() => _torch!.Step();
}
