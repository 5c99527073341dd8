using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// One SGD training step of the digits demo's CNN (<see cref="CnnBenchData"/>, dropout on) at batch 32 in
/// TorchSharp (the baseline) and AutoDiff, from identical weights and data, 1 thread each.
/// </summary>
[MedianColumn, MemoryDiagnoser]
public class CnnStepBenchmarks
{
    [Params(32)]
    public int Batch { get; set; }

    TorchCnn? _torch;
    AutoDiffCnn? _autoDiff;

    [GlobalSetup]
    public void Setup()
    {
        global::TorchSharp.torch.set_num_threads(1);
        global::AutoDiff.Kernels.Parallelism.MaxThreads = 1;
        _torch = new TorchCnn(new CnnBenchData(Batch));
        _autoDiff = new AutoDiffCnn(new CnnBenchData(Batch));
    }

    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    [Benchmark(Baseline = true)]
    public float TorchSharp() => _torch!.Step();

    [Benchmark]
    public float AutoDiff() => _autoDiff!.Step();
}
