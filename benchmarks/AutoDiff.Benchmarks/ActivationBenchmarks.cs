using System.Numerics.Tensors;
using AutoDiff;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AutoDiff.Benchmarks;

/// <summary>
/// The generated, vectorised activation kernels on 4096 floats against TensorPrimitives (the target:
/// within 1.5× for sigmoid and tanh), and each backward kernel against its forward.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ActivationBenchmarks
{
    private const int N = 4096;
    private readonly float[] x = new float[N], y = new float[N], dy = new float[N], dx = new float[N];
    private readonly ElementwiseFunction<float> sigmoid = Activations.SigmoidFunction<float>();
    private readonly ElementwiseFunction<float> tanh = Activations.TanhFunction<float>();
    private readonly ElementwiseFunction<float> softplus = Activations.SoftplusFunction<float>();
    private readonly ElementwiseFunction<float> elu = Activations.EluFunction<float>();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < N; i++)
        {
            x[i] = (float)(random.NextDouble() * 16 - 8);
            dy[i] = (float)random.NextDouble();
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Sigmoid")]
    public void TensorPrimitivesSigmoid() => TensorPrimitives.Sigmoid(x, y);

    [Benchmark, BenchmarkCategory("Sigmoid")]
    public void GeneratedSigmoid() => sigmoid.Forward(x, y);

    [Benchmark, BenchmarkCategory("Sigmoid")]
    public void GeneratedSigmoidBackward() => sigmoid.Backward(x, y, dy, dx);

    [Benchmark(Baseline = true), BenchmarkCategory("Tanh")]
    public void TensorPrimitivesTanh() => TensorPrimitives.Tanh(x, y);

    [Benchmark, BenchmarkCategory("Tanh")]
    public void GeneratedTanh() => tanh.Forward(x, y);

    [Benchmark, BenchmarkCategory("Tanh")]
    public void GeneratedTanhBackward() => tanh.Backward(x, y, dy, dx);

    [Benchmark(Baseline = true), BenchmarkCategory("Softplus")]
    public void GeneratedSoftplus() => softplus.Forward(x, y);

    [Benchmark, BenchmarkCategory("Softplus")]
    public void GeneratedSoftplusBackward() => softplus.Backward(x, y, dy, dx);

    [Benchmark(Baseline = true), BenchmarkCategory("Elu")]
    public void GeneratedElu() => elu.Forward(x, y);

    [Benchmark, BenchmarkCategory("Elu")]
    public void GeneratedEluBackward() => elu.Backward(x, y, dy, dx);
}
