using System.Numerics;
using AutoDiff.Nn;
using Xunit;
using Xunit.Abstractions;
using Act = AutoDiff.Activations;
using R = AutoDiff.Tests.Reliability.ExtremeReference;

namespace AutoDiff.Tests.Reliability;

/// <summary>The functions under test: each activation, softmax form and loss, with its from-logits form.</summary>
public enum Fn
{
    Sigmoid, Softplus, Tanh, Softmax, LogSoftmax, LogSumExp,
    BinaryCrossEntropy, BinaryCrossEntropyFromLogits, CrossEntropyLabels, CrossEntropyFromLogitsLabels,
    CrossEntropy, CrossEntropyFromLogits, KL, KLFromLogits,
}

/// <summary>One row: a function at edge inputs <c>X</c> ([rows, Cols], row-major), with targets or labels for losses.</summary>
public sealed record EdgeCase(string Name, Fn Fn, double[] X, int Cols, double[]? Target = null, int[]? Labels = null)
{
    public int Rows => X.Length / Cols;

    public override string ToString() => $"{Fn}: {Name}";
}

/// <summary>
/// Numerics at the extremes: logits up to ±1e4, targets and probabilities of exactly 0 and 1, a
/// dominating logit; in float32 and float64. Values and gradients (Jᵀv with a fixed v, or ∂loss/∂x)
/// must be finite wherever the reference is, and within <c>16ε·(|ref| + S)</c> of a float64 reference
/// (<see cref="ExtremeReference"/>). S = 0 for the activations' values (relative accuracy, down to
/// the smallest normal); S = 1 for probabilities, gradients of bounded functions and losses on
/// probabilities; S = 1 + max|x| for log-domain results (log-sum-exp, log-softmax, losses on logits),
/// whose absolute error is bounded by the size of the logits they contain; S = 1/N scales a loss's
/// gradient.
/// </summary>
public class ExtremeValueTests(ITestOutputHelper output)
{
    private static readonly double[] Logits =
        [-1e4, -1000, -745, -710, -100, -88.8, -50, -30, -20, -17, -10, -1, -1e-8, -0.0,
         0, 1e-8, 1, 10, 17, 20, 30, 50, 88.8, 100, 710, 745, 1000, 1e4];

    // [rows, 3]: a dominating logit either way, all equal at ±1e4, near-ties at 1e4, exp over/underflow.
    private static readonly double[] Rows3 =
    [
        1e4, 0, -1e4,   -1e4, -1e4, -1e4,   1e4, 1e4, 1e4,   0, 0, 0,   40, 0, 0,   0, 40, -40,
        1e4, 9999, 9998,   -1e4, 1e4, 0,   1, 2, 3,   -745, 0, 745,   100, 100, -100,
    ];
    private static readonly int[] Labels3 = [0, 1, 2, 0, 0, 2, 2, 0, 1, 0, 1];
    private static readonly double[] OneHot3 = Labels3.SelectMany(c => Enumerable.Range(0, 3).Select(j => j == c ? 1.0 : 0.0)).ToArray();
    private static readonly double[] Soft3 = Enumerable.Range(0, 11).SelectMany(r => (r % 3) switch
    {
        0 => new[] { 0.5, 0.5, 0.0 },
        1 => new[] { 0.0, 0.0, 1.0 },
        _ => new[] { 0.25, 0.25, 0.5 },
    }).ToArray();

    private static readonly double[] Probabilities = [0, 1e-300, 1e-30, 1e-7, 0.25, 0.5, 1 - 1e-7, 1];
    private static readonly double[] ProbRows3 = [1, 0, 0,   0, 1, 0,   0.5, 0.5, 0,   1e-300, 1, 0,   0.2, 0.3, 0.5,   0, 0, 1];
    private static readonly int[] ProbLabels3 = [0, 0, 2, 0, 2, 2];
    private static readonly double[] ProbSoft3 = [1, 0, 0,   0.5, 0.5, 0,   0, 0, 1,   0.5, 0, 0.5,   0.2, 0.3, 0.5,   0, 0, 1];

    private static double[] Fill(int n, double v) => Enumerable.Repeat(v, n).ToArray();

    public static readonly EdgeCase[] Cases =
    [
        new("logits ±1e4 and exp's overflow edges", Fn.Sigmoid, Logits, 1),
        new("logits ±1e4 and exp's overflow edges", Fn.Softplus, Logits, 1),
        new("logits ±1e4 and exp's overflow edges", Fn.Tanh, Logits, 1),
        new("dominating logits, ±1e4 rows", Fn.Softmax, Rows3, 3),
        new("dominating logits, ±1e4 rows", Fn.LogSoftmax, Rows3, 3),
        new("dominating logits, ±1e4 rows", Fn.LogSumExp, Rows3, 3),
        new("one column of logits", Fn.LogSumExp, Logits, 1),
        new("logits ±1e4, targets 0", Fn.BinaryCrossEntropyFromLogits, Logits, 1, Fill(Logits.Length, 0)),
        new("logits ±1e4, targets 1", Fn.BinaryCrossEntropyFromLogits, Logits, 1, Fill(Logits.Length, 1)),
        new("logits ±1e4, targets ½", Fn.BinaryCrossEntropyFromLogits, Logits, 1, Fill(Logits.Length, 0.5)),
        new("probabilities 0…1, targets 0", Fn.BinaryCrossEntropy, Probabilities, 1, Fill(Probabilities.Length, 0)),
        new("probabilities 0…1, targets 1", Fn.BinaryCrossEntropy, Probabilities, 1, Fill(Probabilities.Length, 1)),
        new("probabilities 0…1, targets ½", Fn.BinaryCrossEntropy, Probabilities, 1, Fill(Probabilities.Length, 0.5)),
        new("dominating logits, labels", Fn.CrossEntropyFromLogitsLabels, Rows3, 3, Labels: Labels3),
        new("dominating logits, one-hot", Fn.CrossEntropyFromLogits, Rows3, 3, OneHot3),
        new("dominating logits, soft targets with zeros", Fn.CrossEntropyFromLogits, Rows3, 3, Soft3),
        new("dominating logits, soft targets with zeros", Fn.KLFromLogits, Rows3, 3, Soft3),
        new("probabilities 0 and 1, labels", Fn.CrossEntropyLabels, ProbRows3, 3, Labels: ProbLabels3),
        new("probabilities 0 and 1, soft targets", Fn.CrossEntropy, ProbRows3, 3, ProbSoft3),
        new("probabilities 0 and 1, soft targets", Fn.KL, ProbRows3, 3, ProbSoft3),
    ];

    public static TheoryData<int, bool> Rows()
    {
        var data = new TheoryData<int, bool>();
        for (int i = 0; i < Cases.Length; i++) { data.Add(i, false); data.Add(i, true); }
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Values_and_gradients_are_finite_and_accurate(int row, bool single)
    {
        var c = Cases[row];
        int checks = single ? Check<float>(c) : Check<double>(c);
        output.WriteLine($"{c} ({(single ? "float32" : "float64")}): {checks} edge values checked");
    }

    /// <summary>Every comparison of the table, counted (value and gradient elements, both element types).</summary>
    [Fact]
    public void Count_of_edge_values()
    {
        int total = Cases.Sum(c => Check<float>(c) + Check<double>(c));
        output.WriteLine($"edge values checked: {total} over {Cases.Length} rows × 2 element types");
        Assert.True(total > 1000);
    }

    private static int Check<T>(EdgeCase c) where T : IFloatingPointIeee754<T>
    {
        // The reference sees the inputs exactly as T holds them.
        double[] x = c.X.Select(v => double.CreateTruncating(T.CreateTruncating(v))).ToArray();
        double[]? d = c.Target?.Select(v => double.CreateTruncating(T.CreateTruncating(v))).ToArray();
        var (value, grad, v) = Run<T>(c);
        bool single = typeof(T) == typeof(float);
        var (refValue, refGrad, sv, sg) = Reference(c, x, d, v, c.Labels, single);
        double eps = single ? 1.1920929e-7 : 2.220446049250313e-16;        // ulp of 1
        double tiny = single ? 1.17549435e-38 : 2.2250738585072014e-308;  // smallest normal
        Compare("value", value, refValue, 16 * eps, Math.Max(16 * eps * sv, tiny));
        Compare("gradient", grad, refGrad, 16 * eps, Math.Max(16 * eps * sg, tiny));
        int checks = value.Length + grad.Length;
        if (c.Fn is Fn.Sigmoid or Fn.Softplus or Fn.Tanh) checks += CheckScalarForms<T>(c.Fn, x, 16 * eps, tiny);
        return checks;

        void Compare(string what, double[] got, double[] want, double rtol, double atol)
        {
            Assert.Equal(want.Length, got.Length);
            for (int i = 0; i < got.Length; i++)
            {
                string where = $"{c} in {typeof(T).Name}: {what} [{i}] (x = {x[Math.Min(i, x.Length - 1)]:R})";
                if (!double.IsFinite(want[i])) { Assert.True(want[i].Equals(got[i]), $"{where}: {got[i]:R}, expected {want[i]:R}"); continue; }
                Assert.True(double.IsFinite(got[i]), $"{where}: {got[i]:R} is not finite (expected {want[i]:R})");
                double err = Math.Abs(got[i] - want[i]);
                Assert.True(err <= rtol * Math.Abs(want[i]) + atol, $"{where}: {got[i]:R}, expected {want[i]:R} (error {err:G3}, tolerance {rtol * Math.Abs(want[i]) + atol:G3})");
            }
        }
    }

    /// <summary>The generated scalar functions f&lt;T&gt; and f'&lt;T&gt; at the same inputs.</summary>
    private static int CheckScalarForms<T>(Fn fn, double[] x, double rtol, double tiny) where T : IFloatingPointIeee754<T>
    {
        foreach (double xi in x)
        {
            T t = T.CreateTruncating(xi);
            var (f, df, rf, rdf) = fn switch
            {
                Fn.Sigmoid => (Act.Sigmoid(t), Act.SigmoidDerivative(t), R.Sigmoid(xi), R.SigmoidDerivative(xi)),
                Fn.Softplus => (Act.Softplus(t), Act.SoftplusDerivative(t), R.Softplus(xi), R.Sigmoid(xi)),
                _ => (Act.Tanh(t), Act.TanhDerivative(t), Math.Tanh(xi), R.TanhDerivative(xi)),
            };
            double fv = double.CreateTruncating(f), dv = double.CreateTruncating(df);
            Assert.True(Math.Abs(fv - rf) <= rtol * Math.Abs(rf) + tiny, $"{fn}<{typeof(T).Name}>({xi:R}) = {fv:R}, expected {rf:R}");
            Assert.True(Math.Abs(dv - rdf) <= rtol * Math.Abs(rdf) + rtol, $"{fn}Derivative<{typeof(T).Name}>({xi:R}) = {dv:R}, expected {rdf:R}");
        }
        return 2 * x.Length;
    }

    private static Var<T> Apply<T>(Fn fn, Var<T> x, Var<T> d, int[]? labels) where T : IFloatingPointIeee754<T> => fn switch
    {
        Fn.Sigmoid => x.Sigmoid(),
        Fn.Softplus => x.Softplus(),
        Fn.Tanh => x.Tanh(),
        Fn.Softmax => x.Softmax(),
        Fn.LogSoftmax => x.LogSoftmax(),
        Fn.LogSumExp => x.LogSumExp(),
        Fn.BinaryCrossEntropy => Losses.BinaryCrossEntropy(x, d),
        Fn.BinaryCrossEntropyFromLogits => Losses.BinaryCrossEntropyFromLogits(x, d),
        Fn.CrossEntropyLabels => Losses.CrossEntropy(x, labels),
        Fn.CrossEntropyFromLogitsLabels => Losses.CrossEntropyFromLogits(x, labels),
        Fn.CrossEntropy => Losses.CrossEntropy(x, d),
        Fn.CrossEntropyFromLogits => Losses.CrossEntropyFromLogits(x, d),
        Fn.KL => Losses.KL(x, d),
        _ => Losses.KLFromLogits(x, d),
    };

    /// <summary>The library's value and the gradient Jᵀv (v = 1 for a one-element output).</summary>
    private static (double[] Value, double[] Grad, double[] V) Run<T>(EdgeCase c) where T : IFloatingPointIeee754<T>
    {
        var tape = new Tape();
        var shape = new Shape(c.Rows, c.Cols);
        var x = tape.Track(new Tensor<T>(c.X.Select(T.CreateTruncating).ToArray(), shape));
        var d = c.Target is null ? default : tape.Constant(new Tensor<T>(c.Target.Select(T.CreateTruncating).ToArray(), shape));
        var y = Apply(c.Fn, x, d, c.Labels);
        int n = y.Shape.Length;
        // v in {−1, −½, 0, ½, 1}: exact in both types
        var v = Enumerable.Range(0, n).Select(i => n == 1 ? 1.0 : ((i * 7) % 5 - 2) / 2.0).ToArray();
        if (n == 1) tape.Backward(y);
        else tape.Backward(y, new Tensor<T>(v.Select(T.CreateTruncating).ToArray(), y.Shape));
        return (ToDouble(y.Value), ToDouble(x.Grad), v);
    }

    private static double[] ToDouble<T>(ReadOnlySpan<T> s) where T : IFloatingPointIeee754<T>
    {
        var r = new double[s.Length];
        for (int i = 0; i < r.Length; i++) r[i] = double.CreateTruncating(s[i]);
        return r;
    }

    /// <summary>Value, gradient and their scales S (see the class summary) from the float64 references.</summary>
    private static (double[] Value, double[] Grad, double SValue, double SGrad) Reference(EdgeCase c, double[] x, double[]? d, double[] v, int[]? labels, bool single)
    {
        int rows = c.Rows, k = c.Cols;
        double n = rows, logScale = 1 + x.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        double tiny = single ? 1.17549435e-38 : 2.2250738585072014e-308;
        var g = new double[x.Length];
        ReadOnlySpan<double> Row(int r) => x.AsSpan(r * k, k);
        switch (c.Fn)
        {
            case Fn.Sigmoid: return (x.Select(R.Sigmoid).ToArray(), x.Select((z, i) => v[i] * R.SigmoidDerivative(z)).ToArray(), 0, 1);
            case Fn.Softplus: return (x.Select(R.Softplus).ToArray(), x.Select((z, i) => v[i] * R.Sigmoid(z)).ToArray(), 0, 1);
            case Fn.Tanh: return (x.Select(Math.Tanh).ToArray(), x.Select((z, i) => v[i] * R.TanhDerivative(z)).ToArray(), 0, 1);
            case Fn.Softmax:
            case Fn.LogSoftmax:
            case Fn.LogSumExp:
            {
                var value = new List<double>();
                for (int r = 0; r < rows; r++)
                {
                    var p = R.Softmax(Row(r));
                    var vr = c.Fn == Fn.LogSumExp ? Enumerable.Repeat(v[r], k).ToArray() : v.AsSpan(r * k, k).ToArray();
                    double vp = 0, vs = 0;
                    for (int j = 0; j < k; j++) { vp += vr[j] * p[j]; vs += vr[j]; }
                    for (int j = 0; j < k; j++)
                        g[r * k + j] = c.Fn switch
                        {
                            Fn.Softmax => p[j] * (vr[j] - vp),
                            Fn.LogSoftmax => vr[j] - p[j] * vs,
                            _ => v[r] * p[j],
                        };
                    if (c.Fn == Fn.Softmax) value.AddRange(p);
                    else if (c.Fn == Fn.LogSoftmax) for (int j = 0; j < k; j++) value.Add(-R.NegLogSoftmax(Row(r), j));
                    else value.Add(R.LogSumExp(Row(r)));
                }
                return (value.ToArray(), g, c.Fn == Fn.Softmax ? 1 : logScale, k);
            }
            case Fn.BinaryCrossEntropyFromLogits:
            {
                double loss = 0;
                for (int i = 0; i < x.Length; i++) { loss += R.BinaryKLFromLogit(x[i], d![i]); g[i] = (R.Sigmoid(x[i]) - d[i]) / n; }
                return ([loss / n], g, logScale, 1 / n);
            }
            case Fn.BinaryCrossEntropy:
            {
                // log is taken of max(p, smallest normal), as documented; a clamped term passes no gradient
                double loss = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double y = x[i], q = single ? (double)(1f - (float)y) : 1 - y; // 1 − y as the library rounds it
                    loss -= d![i] * Math.Log(Math.Max(y, tiny)) + (1 - d[i]) * Math.Log(Math.Max(q, tiny));
                    g[i] = (y >= tiny ? -d[i] / y : 0) + (q >= tiny ? (1 - d[i]) / q : 0);
                    g[i] /= n;
                }
                return ([loss / n], g, 1, 1 / n);
            }
            case Fn.CrossEntropyLabels:
            case Fn.CrossEntropy:
            case Fn.KL:
            {
                double loss = 0, entropy = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double di = labels is null ? d![i] : labels[i / k] == i % k ? 1 : 0;
                    if (di > 0) { loss -= di * Math.Log(Math.Max(x[i], tiny)); entropy -= di * Math.Log(di); }
                    g[i] = x[i] >= tiny ? -di / x[i] / n : 0;
                }
                return ([(c.Fn == Fn.KL ? loss - entropy : loss) / n], g, 1 + loss / n, 1 / n);
            }
            default: // the multiclass KL on logits, against labels, one-hot or soft targets
            {
                double loss = 0, entropy = 0;
                for (int r = 0; r < rows; r++)
                {
                    var p = R.Softmax(Row(r));
                    double sum = 0;
                    for (int j = 0; j < k; j++)
                    {
                        double dj = labels is null ? d![r * k + j] : labels[r] == j ? 1 : 0;
                        sum += dj;
                        if (dj > 0) { loss += dj * R.NegLogSoftmax(Row(r), j); entropy -= dj * Math.Log(dj); }
                        g[r * k + j] = -dj / n;
                    }
                    for (int j = 0; j < k; j++) g[r * k + j] += p[j] * sum / n;
                }
                return ([(c.Fn == Fn.KLFromLogits ? loss - entropy : loss) / n], g, logScale + loss / n, 1 / n);
            }
        }
    }

    [Theory]
    [InlineData(-20.0)]
    [InlineData(-5.0)]
    [InlineData(-1e-3)]
    [InlineData(0.5)]
    [InlineData(7.0)]
    [InlineData(20.0)]
    public void The_references_agree_with_28_digit_decimal_arithmetic(double z)
    {
        decimal m = (decimal)z, e = R.Exp(m), en = R.Exp(-Math.Abs(m) * 2);
        decimal sigmoid = e / (1 + e), softplus = R.Log(1 + e), sech2 = 4 * en / ((1 + en) * (1 + en));
        static double Tol(decimal want) => Math.Abs((double)want) * 4e-16 + 1e-25; // decimal holds 28 places
        Assert.Equal((double)sigmoid, R.Sigmoid(z), Tol(sigmoid));
        Assert.Equal((double)softplus, R.Softplus(z), Tol(softplus));
        Assert.Equal((double)sech2, R.TanhDerivative(z), Tol(sech2));
        decimal lse = R.Log(R.Exp(m) + 1 + R.Exp(-m / 2));
        Assert.Equal((double)lse, R.LogSumExp([z, 0, -z / 2]), Tol(lse));
    }
}
