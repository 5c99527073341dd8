using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// conv2d forward + backward (both gradients) in TorchSharp (the baseline) and AutoDiff on the same
/// <see cref="ConvBenchData"/>, 1 thread each, so the Ratio column is AutoDiff's time over TorchSharp's.
/// </summary>
[MedianColumn, MemoryDiagnoser]
public class ConvBenchmarks
{
    [Params("1x28x28*8x1x5x5", "8x12x12*16x8x5x5")]
    public string Shape { get; set; } = "";

    TorchConv? _torch;
    AutoDiffConv? _autoDiff;

    [GlobalSetup]
    public void Setup()
    {
        global::TorchSharp.torch.set_num_threads(1);
        global::AutoDiff.Kernels.Parallelism.MaxThreads = 1;
        var data = ConvBenchData.ForShape(Shape);
        _torch = new TorchConv(data);
        _autoDiff = new AutoDiffConv(data);
    }

    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    [Benchmark(Baseline = true)]
    public float TorchSharp() => _torch!.Step();

    [Benchmark]
    public float AutoDiff() => _autoDiff!.Step();
}
