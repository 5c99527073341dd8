using AutoDiff;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks;

/// <summary>
/// Rosenbrock <c>f(x) = Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²</c>, value and gradient, written with scalar
/// tape operations (n = 1000), against the plain function and a hand-written gradient.
/// </summary>
[MemoryDiagnoser]
public class RosenbrockScalarBenchmarks
{
    private readonly Tape tape = new();
    private readonly Scalar[] vars = new Scalar[N];
    private readonly double[] x = Enumerable.Range(0, N).Select(i => 0.5 + 0.001 * i).ToArray();
    private readonly double[] grad = new double[N];
    private const int N = 1000;

    [Benchmark(Baseline = true)]
    public double PlainFunction() => Rosenbrock.Value(x);

    [Benchmark]
    public double HandWrittenGradient() => Rosenbrock.ValueAndGradient(x, grad);

    [Benchmark]
    public double TapeValueAndGradient()
    {
        tape.Reset();
        for (int i = 0; i < N; i++) vars[i] = tape.Variable(x[i]);
        var f = tape.Constant(0);
        for (int i = 0; i < N - 1; i++)
        {
            var xi = vars[i];
            var a = vars[i + 1] - xi * xi;
            var b = 1.0 - xi;
            f += 100.0 * (a * a) + b * b;
        }
        tape.Backward(f);
        for (int i = 0; i < N; i++) grad[i] = vars[i].Grad;
        return f.Value;
    }
}

/// <summary>Rosenbrock with tensor operations (n = 100,000): value and gradient, against the plain function.</summary>
[MemoryDiagnoser]
public class RosenbrockTensorBenchmarks
{
    private const int N = 100_000;
    private readonly Tape tape = new();
    private readonly Tensor<double> x = Tensor.From(Enumerable.Range(0, N).Select(i => 0.5 + 1e-6 * i).ToArray());
    private readonly double[] grad = new double[N];

    [Benchmark(Baseline = true)]
    public double PlainFunction() => Rosenbrock.Value(x.Data);

    [Benchmark]
    public double HandWrittenGradient() => Rosenbrock.ValueAndGradient(x.Data, grad);

    [Benchmark]
    public double TapeValueAndGradient()
    {
        tape.Reset();
        var v = tape.Track(x);
        var head = v.Slice(0, 0, N - 1);
        var tail = v.Slice(0, 1, N - 1);
        var a = tail - head * head;
        var b = 1.0 - head;
        var f = (a * a * 100.0 + b * b).Sum();
        tape.Backward(f);
        return f.Item + v.Grad[0];
    }
}

/// <summary>The plain Rosenbrock function and its gradient by hand.</summary>
public static class Rosenbrock
{
    public static double Value(ReadOnlySpan<double> x)
    {
        double f = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
            f += 100 * a * a + b * b;
        }
        return f;
    }

    // ∂f/∂xᵢ = −400 xᵢ (xᵢ₊₁ − xᵢ²) − 2(1 − xᵢ) + 200 (xᵢ − xᵢ₋₁²)
    public static double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        g.Clear();
        double f = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * x[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }
}
