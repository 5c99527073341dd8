using Xunit;
using C = AutoDiff.Tests.WholeFunctions.Catalogue;
using T = AutoDiff.Tests.WholeFunctions.CatalogueOnTape;

namespace AutoDiff.Tests.WholeFunctions;

/// <summary>
/// One row per <see cref="Catalogue"/> function, its differentiated inputs flattened into one vector
/// <c>p</c> (each coordinate drawn from [Low, High]): the function, its generated Gradient and Tangent,
/// the same function on the tape, the generated float gradient where there is one, and which points
/// are smooth enough for central differences. A new function is a new row.
/// </summary>
public sealed record WholeCase(
    string Name,
    double[] Low,
    double[] High,
    Func<double[], double> F,
    Func<double[], double[], double> Gradient,
    Func<double[], double[], double> Tangent,
    Func<Scalar[], Scalar> OnTape,
    Func<float[], float[], float>? FloatGradient = null,
    Func<double[], bool>? Valid = null)
{
    public int Size => Low.Length;

    public override string ToString() => Name;
}

public static class CatalogueCases
{
    private static double[] Fill(int n, double v) => Enumerable.Repeat(v, n).ToArray();

    private static double[] Data(int n, int seed, double lo, double hi)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * rng.NextDouble()).ToArray();
    }

    private static float[] F32(double[] x) => x.Select(v => (float)v).ToArray();

    // constant data of the losses
    private static readonly double[] LogisticX = Data(18, 1, -1.5, 1.5);
    private static readonly double[] LogisticY = [1, 0, 0, 1, 1, 0];
    internal static readonly double[] MlpInput = [0.5, -1.25, 2.0];
    private static readonly double[] HuberY = Data(5, 2, -2, 2);
    private static readonly double[] Gaussian = Data(8, 3, -1, 3);
    private static readonly double[] Times = Data(7, 4, 0, 3);
    private static readonly double[] RidgeX = Data(15, 5, -1, 1);
    private static readonly double[] RidgeY = Data(5, 6, -2, 2);

    // |r| = δ is Huber's kink; keep the residuals 0.01 away from it
    private static bool HuberSmooth(double[] p) => Enumerable.Range(0, 5).All(i => Math.Abs(Math.Abs(p[i] - HuberY[i]) - p[5]) > 0.01);

    public static readonly WholeCase[] All =
    [
        new("rosenbrock (span, recomputed loop body)", Fill(6, -2), Fill(6, 2), p => C.Rosenbrock(p), (p, g) => C.RosenbrockGradient(p, g), (p, t) => C.RosenbrockTangent(p, t), T.Rosenbrock),
        new("himmelblau", Fill(2, -5), Fill(2, 5), p => C.Himmelblau(p[0], p[1]), (p, g) => C.HimmelblauGradient(p[0], p[1], out g[0], out g[1]),
            (p, t) => C.HimmelblauTangent(p[0], p[1], t[0], t[1]), x => T.Himmelblau(x[0], x[1])),
        new("beale (generic)", Fill(2, -4.5), Fill(2, 4.5), p => C.Beale(p[0], p[1]), (p, g) => C.BealeGradient(p[0], p[1], out g[0], out g[1]),
            (p, t) => C.BealeTangent(p[0], p[1], t[0], t[1]), x => T.Beale(x[0], x[1]), (p, g) => C.BealeGradient(p[0], p[1], out g[0], out g[1])),
        new("booth (generic, Pow)", Fill(2, -10), Fill(2, 10), p => C.Booth(p[0], p[1]), (p, g) => C.BoothGradient(p[0], p[1], out g[0], out g[1]),
            (p, t) => C.BoothTangent(p[0], p[1], t[0], t[1]), x => T.Booth(x[0], x[1]), (p, g) => C.BoothGradient(p[0], p[1], out g[0], out g[1])),
        new("logistic NLL over [Constant] data (stored inner loop)", Fill(3, -2), Fill(3, 2), p => C.LogisticNll(p, LogisticX, LogisticY),
            (p, g) => C.LogisticNllGradient(p, LogisticX, LogisticY, g), (p, t) => C.LogisticNllTangent(p, LogisticX, LogisticY, t), x => T.LogisticNll(x, LogisticX, LogisticY)),
        new("softmax cross-entropy with loops (generic, running max)", Fill(5, -3), Fill(5, 3), p => C.SoftmaxCrossEntropy<double>(p, 2),
            (p, g) => C.SoftmaxCrossEntropyGradient<double>(p, 2, g), (p, t) => C.SoftmaxCrossEntropyTangent<double>(p, 2, t), x => T.SoftmaxCrossEntropy(x, 2),
            (p, g) => C.SoftmaxCrossEntropyGradient<float>(p, 2, g), p => Untied(p)),
        new("MLP forward pass with loops over weight spans", Fill(22, -1), Fill(22, 1),
            p => C.MlpLoss(p.AsSpan(0, 12), p.AsSpan(12, 4), p.AsSpan(16, 4), p[20], MlpInput, p[21]),
            (p, g) => C.MlpLossGradient(p.AsSpan(0, 12), p.AsSpan(12, 4), p.AsSpan(16, 4), p[20], MlpInput, p[21], g.AsSpan(0, 12), g.AsSpan(12, 4), g.AsSpan(16, 4), out g[20], out g[21]),
            (p, t) => C.MlpLossTangent(p.AsSpan(0, 12), p.AsSpan(12, 4), p.AsSpan(16, 4), p[20], MlpInput, p[21], t.AsSpan(0, 12), t.AsSpan(12, 4), t.AsSpan(16, 4), t[20], t[21]),
            x => T.MlpLoss(x[..12], x[12..16], x[16..20], x[20], MlpInput, x[21])),
        new("horner polynomial (generic, checkpoint stack)", Fill(7, -1.5), Fill(7, 1.5), p => C.Horner<double>(p[0], p.AsSpan(1)),
            (p, g) => C.HornerGradient<double>(p[0], p.AsSpan(1), out g[0], g.AsSpan(1)), (p, t) => C.HornerTangent<double>(p[0], p.AsSpan(1), t[0], t.AsSpan(1)),
            x => T.Horner(x[0], x[1..]), (p, g) => C.HornerGradient<float>(p[0], p.AsSpan(1), out g[0], g.AsSpan(1))),
        new("huber loss (generic, branch in the loop)", [.. Fill(5, -3), 0.2], [.. Fill(5, 3), 2.0], p => C.HuberLoss<double>(p.AsSpan(0, 5), HuberY, p[5]),
            (p, g) => C.HuberLossGradient<double>(p.AsSpan(0, 5), HuberY, p[5], g.AsSpan(0, 5), out g[5]),
            (p, t) => C.HuberLossTangent<double>(p.AsSpan(0, 5), HuberY, p[5], t.AsSpan(0, 5), t[5]), x => T.HuberLoss(x[..5], HuberY, x[5]),
            (p, g) => C.HuberLossGradient<float>(p.AsSpan(0, 5), F32(HuberY), p[5], g.AsSpan(0, 5), out g[5]), HuberSmooth),
        new("normal CDF (hand-written, tail if)", [-4], [4], p => C.NormalCdf(p[0]), (p, g) => C.NormalCdfGradient(p[0], out g[0]),
            (p, t) => C.NormalCdfTangent(p[0], t[0]), x => T.NormalCdf(x[0]), Valid: p => Math.Abs(p[0]) > 0.01),
        new("black-scholes call: the five greeks", [60, 60, 0.1, 0, 0.1], [140, 140, 2, 0.1, 0.6],
            p => C.BlackScholes(p[0], p[1], p[2], p[3], p[4]), (p, g) => C.BlackScholesGradient(p[0], p[1], p[2], p[3], p[4], out g[0], out g[1], out g[2], out g[3], out g[4]),
            (p, t) => C.BlackScholesTangent(p[0], p[1], p[2], p[3], p[4], t[0], t[1], t[2], t[3], t[4]), x => T.BlackScholes(x[0], x[1], x[2], x[3], x[4]),
            Valid: p => Math.Abs(Math.Log(p[0] / p[1]) + (p[3] + 0.5 * p[4] * p[4]) * p[2]) > 1e-3 && Math.Abs(Math.Log(p[0] / p[1]) + (p[3] - 0.5 * p[4] * p[4]) * p[2]) > 1e-3),
        new("gaussian log-likelihood (generic, constant data)", [-1, -1], [2, 1], p => C.GaussianLogLikelihood<double>(p[0], p[1], Gaussian),
            (p, g) => C.GaussianLogLikelihoodGradient<double>(p[0], p[1], Gaussian, out g[0], out g[1]),
            (p, t) => C.GaussianLogLikelihoodTangent<double>(p[0], p[1], Gaussian, t[0], t[1]), x => T.GaussianLogLikelihood(x[0], x[1], Gaussian),
            (p, g) => C.GaussianLogLikelihoodGradient<float>(p[0], p[1], F32(Gaussian), out g[0], out g[1])),
        new("pair energy (triangular nested loops)", Fill(6, -2), Fill(6, 2), p => C.PairEnergy(p), (p, g) => C.PairEnergyGradient(p, g),
            (p, t) => C.PairEnergyTangent(p, t), T.PairEnergy),
        new("composite (calls between whole functions)", Fill(2, -2), Fill(2, 2), p => C.Composite(p[0], p[1]),
            (p, g) => C.CompositeGradient(p[0], p[1], out g[0], out g[1]), (p, t) => C.CompositeTangent(p[0], p[1], t[0], t[1]), x => T.Composite(x[0], x[1])),
        new("chained himmelblau (a call in a loop)", Fill(5, -4), Fill(5, 4), p => C.ChainedHimmelblau(p), (p, g) => C.ChainedHimmelblauGradient(p, g),
            (p, t) => C.ChainedHimmelblauTangent(p, t), T.ChainedHimmelblau),
        new("product (generic, p *= x)", Fill(5, -2), Fill(5, 2), p => C.Product<double>(p), (p, g) => C.ProductGradient<double>(p, g),
            (p, t) => C.ProductTangent<double>(p, t), T.Product, (p, g) => C.ProductGradient<float>(p, g)),
        new("log-sum-exp with a running max", Fill(6, -4), Fill(6, 4), p => C.LogSumExp(p), (p, g) => C.LogSumExpGradient(p, g), (p, t) => C.LogSumExpTangent(p, t),
            T.LogSumExp, Valid: Untied),
        new("power by a loop, int exponent", [-1.5], [1.5], p => C.Power(p[0], 5), (p, g) => C.PowerGradient(p[0], 5, out g[0]),
            (p, t) => C.PowerTangent(p[0], 5, t[0]), x => T.Power(x[0], 5)),
        new("ackley", Fill(4, -2), Fill(4, 2), p => C.Ackley(p), (p, g) => C.AckleyGradient(p, g), (p, t) => C.AckleyTangent(p, t), T.Ackley),
        new("rastrigin (and its float twin)", Fill(4, -2), Fill(4, 2), p => C.Rastrigin(p), (p, g) => C.RastriginGradient(p, g), (p, t) => C.RastriginTangent(p, t),
            T.Rastrigin, (p, g) => C.RastriginFGradient(p, g)),
        new("styblinski-tang (generic)", Fill(4, -4), Fill(4, 4), p => C.StyblinskiTang<double>(p), (p, g) => C.StyblinskiTangGradient<double>(p, g),
            (p, t) => C.StyblinskiTangTangent<double>(p, t), T.StyblinskiTang, (p, g) => C.StyblinskiTangGradient<float>(p, g)),
        new("euclidean norm (generic)", Fill(5, -2), Fill(5, 2), p => C.Norm2<double>(p), (p, g) => C.Norm2Gradient<double>(p, g),
            (p, t) => C.Norm2Tangent<double>(p, t), T.Norm2, (p, g) => C.Norm2Gradient<float>(p, g)),
        new("variance (a loop reads another's result)", Fill(6, -3), Fill(6, 3), p => C.Variance(p), (p, g) => C.VarianceGradient(p, g), (p, t) => C.VarianceTangent(p, t), T.Variance),
        new("compound assignments on a carried local", Fill(5, -1), Fill(5, 1), p => C.CompoundOps(p), (p, g) => C.CompoundOpsGradient(p, g), (p, t) => C.CompoundOpsTangent(p, t), T.CompoundOps),
        new("smooth |x| sum (generic, ?: in a loop)", Fill(5, -3), Fill(5, 3), p => C.SmoothAbsSum<double>(p), (p, g) => C.SmoothAbsSumGradient<double>(p, g),
            (p, t) => C.SmoothAbsSumTangent<double>(p, t), T.SmoothAbsSum, (p, g) => C.SmoothAbsSumGradient<float>(p, g), p => p.All(v => Math.Abs(Math.Abs(v) - 1) > 0.01)),
        new("ridge (array, double, int and [Constant] arrays)", Fill(4, -1), Fill(4, 1),
            p => C.Ridge(p[..3], p[3], RidgeX, RidgeY, 3),
            (p, g) => { var w = p[..3]; var dw = new double[3]; double v = C.RidgeGradient(w, p[3], RidgeX, RidgeY, 3, dw, out g[3]); dw.CopyTo(g, 0); return v; },
            (p, t) => C.RidgeTangent(p[..3], p[3], RidgeX, RidgeY, 3, t.AsSpan(0, 3), t[3]), x => T.Ridge(x[..3], x[3], RidgeX, RidgeY, 3)),
        new("piecewise (tail if over two variables)", Fill(2, -2), Fill(2, 2), p => C.Piecewise(p[0], p[1]), (p, g) => C.PiecewiseGradient(p[0], p[1], out g[0], out g[1]),
            (p, t) => C.PiecewiseTangent(p[0], p[1], t[0], t[1]), x => T.Piecewise(x[0], x[1]), Valid: p => Math.Abs(p[0] * p[0] + p[1] * p[1] - 1) > 0.01),
        new("oscillator (sin, cos, constant times)", [-2, -2, 0.2], [2, 2, 3], p => C.Oscillator(p[0], p[1], p[2], Times),
            (p, g) => C.OscillatorGradient(p[0], p[1], p[2], Times, out g[0], out g[1], out g[2]),
            (p, t) => C.OscillatorTangent(p[0], p[1], p[2], Times, t[0], t[1], t[2]), x => T.Oscillator(x[0], x[1], x[2], Times)),
        new("descending loop in steps of 2", Fill(7, -2), Fill(7, 2), p => C.EverySecondFromTheEnd(p), (p, g) => C.EverySecondFromTheEndGradient(p, g),
            (p, t) => C.EverySecondFromTheEndTangent(p, t), T.EverySecondFromTheEnd),
        new("inclusive bound from an int local, steps of 3", Fill(8, -2), Fill(8, 2), p => C.InclusiveBound(p), (p, g) => C.InclusiveBoundGradient(p, g),
            (p, t) => C.InclusiveBoundTangent(p, t), T.InclusiveBound),
        new("if in a loop assigning a carried local", Fill(5, -0.8), Fill(5, 0.8), p => C.SoftClampedWalk(p), (p, g) => C.SoftClampedWalkGradient(p, g),
            (p, t) => C.SoftClampedWalkTangent(p, t), T.SoftClampedWalk, Valid: WalkSmooth),
    ];

    // max ties are kinks: keep every pair of values 0.01 apart
    private static bool Untied(double[] p)
    {
        for (int i = 0; i < p.Length; i++)
            for (int j = i + 1; j < p.Length; j++)
                if (Math.Abs(p[i] - p[j]) < 0.01) return false;
        return true;
    }

    // the walk's branch switches where the position crosses 1: stay 0.01 away
    private static bool WalkSmooth(double[] x)
    {
        double position = 0;
        foreach (double e in x)
        {
            position += e;
            if (Math.Abs(position - 1) < 0.01) return false;
            position = position > 1 ? 1 + Math.Log(position) : position * (1 + 0.1 * position);
        }
        return true;
    }

    public static TheoryData<string> Names() => new(All.Select(c => c.Name));

    public static TheoryData<string> FloatNames() => new(All.Where(c => c.FloatGradient is not null).Select(c => c.Name));

    public static WholeCase Get(string name) => All.Single(c => c.Name == name);
}
