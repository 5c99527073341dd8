using AutoDiff;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks;

/// <summary>
/// Rosenbrock, n = 1,000 and 100,000: the plain function (baseline), its generated Gradient and Tangent,
/// a hand-written gradient, the scalar tape op by op, and the tape with the whole function as one
/// operation (<c>RosenbrockOnTape</c>), side by side in one run.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class WholeFunctionRosenbrockBenchmarks
{
    private double[] x = [];
    private double[] gradient = [];
    private double[] direction = [];
    private Scalar[] vars = [];
    private readonly Tape tape = new();

    [Params(1_000, 100_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        x = Enumerable.Range(0, N).Select(i => 0.5 + 0.5 * Math.Sin(i)).ToArray();
        direction = Enumerable.Range(0, N).Select(i => Math.Cos(i)).ToArray();
        gradient = new double[N];
        vars = new Scalar[N];
    }

    [Benchmark(Baseline = true)]
    public double Plain() => WholeFunctionObjectives.Rosenbrock(x);

    [Benchmark]
    public double GeneratedGradient() => WholeFunctionObjectives.RosenbrockGradient(x, gradient);

    [Benchmark]
    public double GeneratedTangent() => WholeFunctionObjectives.RosenbrockTangent(x, direction);

    [Benchmark]
    public double HandWrittenGradient() => Rosenbrock.ValueAndGradient(x, gradient);

    [Benchmark]
    public double ScalarTape()
    {
        tape.Reset();
        for (int i = 0; i < N; i++) vars[i] = tape.Variable(x[i]);
        var f = tape.Constant(0);
        for (int i = 0; i < N - 1; i++)
        {
            var a = 1.0 - vars[i];
            var b = vars[i + 1] - vars[i] * vars[i];
            f += a * a + 100.0 * (b * b);
        }
        tape.Backward(f);
        for (int i = 0; i < N; i++) gradient[i] = vars[i].Grad;
        return f.Value;
    }

    /// <summary>The same tape program with Rosenbrock recorded as one operation (its generated Gradient as the backward rule).</summary>
    [Benchmark]
    public double GeneratedOnTape()
    {
        tape.Reset();
        for (int i = 0; i < N; i++) vars[i] = tape.Variable(x[i]);
        var f = WholeFunctionObjectives.RosenbrockOnTape(vars);
        double value = f.Value;
        tape.Backward(f);
        for (int i = 0; i < N; i++) gradient[i] = vars[i].Grad;
        return value;
    }
}

/// <summary>Black–Scholes: one price (baseline) against all five first-order Greeks from one generated Gradient call, and one Tangent.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class WholeFunctionBlackScholesBenchmarks
{
    // fields, not constants: with constants the JIT folds the whole price away
    private double s = 105, k = 100, t = 0.75, r = 0.03, sigma = 0.22;

    [Benchmark(Baseline = true)]
    public double Price() => WholeFunctionObjectives.BlackScholes(s, k, t, r, sigma);

    [Benchmark]
    public double FiveGreeks()
    {
        double price = WholeFunctionObjectives.BlackScholesGradient(s, k, t, r, sigma, out double delta, out double dualDelta, out double minusTheta, out double rho, out double vega);
        return price + delta + dualDelta + minusTheta + rho + vega;
    }

    [Benchmark]
    public double Tangent() => WholeFunctionObjectives.BlackScholesTangent(s, k, t, r, sigma, 1, 0, 0, 0, 0);
}

/// <summary>Logistic-regression negative log-likelihood over 10,000 × 50 constant data: the loss (baseline), its Gradient and a Tangent.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class WholeFunctionLogisticBenchmarks
{
    private const int Rows = 10_000, Columns = 50;
    private readonly double[] w = Enumerable.Range(0, Columns).Select(j => 0.05 * Math.Sin(j)).ToArray();
    private readonly double[] direction = Enumerable.Range(0, Columns).Select(j => Math.Cos(j)).ToArray();
    private readonly double[] gradient = new double[Columns];
    private readonly double[] x;
    private readonly double[] y;

    public WholeFunctionLogisticBenchmarks()
    {
        var rng = new Random(42);
        x = Enumerable.Range(0, Rows * Columns).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        y = Enumerable.Range(0, Rows).Select(_ => (double)rng.Next(2)).ToArray();
    }

    [Benchmark(Baseline = true)]
    public double Loss() => WholeFunctionObjectives.LogisticLoss(w, x, y);

    [Benchmark]
    public double GeneratedGradient() => WholeFunctionObjectives.LogisticLossGradient(w, x, y, gradient);

    [Benchmark]
    public double GeneratedTangent() => WholeFunctionObjectives.LogisticLossTangent(w, x, y, direction);
}
