using AutoDiff;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AutoDiff.Benchmarks;

/// <summary>
/// A generated scalar derivative against its primal, 1024 doubles per call (the target: the
/// derivative costs at most 2× the primal; Clad's generated derivatives cost 2–3×).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MedianColumn]
public class DerivativeBenchmarks
{
    private const int N = 1024;
    private readonly double[] x = new double[N];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        for (int i = 0; i < N; i++) x[i] = random.NextDouble() * 16 - 8;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Sigmoid")]
    public double Sigmoid()
    {
        double s = 0;
        foreach (double v in x) s += Activations.Sigmoid(v);
        return s;
    }

    [Benchmark, BenchmarkCategory("Sigmoid")]
    public double SigmoidDerivative()
    {
        double s = 0;
        foreach (double v in x) s += Activations.SigmoidDerivative(v);
        return s;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Tanh")]
    public double Tanh()
    {
        double s = 0;
        foreach (double v in x) s += Activations.Tanh(v);
        return s;
    }

    [Benchmark, BenchmarkCategory("Tanh")]
    public double TanhDerivative()
    {
        double s = 0;
        foreach (double v in x) s += Activations.TanhDerivative(v);
        return s;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Softplus")]
    public double Softplus()
    {
        double s = 0;
        foreach (double v in x) s += Activations.Softplus(v);
        return s;
    }

    [Benchmark, BenchmarkCategory("Softplus")]
    public double SoftplusDerivative()
    {
        double s = 0;
        foreach (double v in x) s += Activations.SoftplusDerivative(v);
        return s;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Elu")]
    public double Elu()
    {
        double s = 0;
        foreach (double v in x) s += Activations.Elu(v);
        return s;
    }

    [Benchmark, BenchmarkCategory("Elu")]
    public double EluDerivative()
    {
        double s = 0;
        foreach (double v in x) s += Activations.EluDerivative(v);
        return s;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("LeakyRelu")]
    public double LeakyRelu()
    {
        double s = 0;
        foreach (double v in x) s += Activations.LeakyRelu(v);
        return s;
    }

    [Benchmark, BenchmarkCategory("LeakyRelu")]
    public double LeakyReluDerivative()
    {
        double s = 0;
        foreach (double v in x) s += Activations.LeakyReluDerivative(v);
        return s;
    }
}
