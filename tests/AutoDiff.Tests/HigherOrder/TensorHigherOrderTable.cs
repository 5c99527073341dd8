using AutoDiff.FsCheck;
using AutoDiff.Nn;
using AutoDiff.Tests.Core;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Row = AutoDiff.Tests.Core.TensorGradientTable.Row;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>
/// Every row of the tensor gradient table (every primitive and composite) and every loss, each checked by
/// FsCheck on random inputs: Hvp against central differences of the gradient; the Hessian symmetric and
/// equal to the Jacobian of the recorded gradient (forward-over-reverse against reverse-over-reverse);
/// Jvp = J·v and Vjp = uᵀJ; the Jacobian against central differences. A row's inputs are packed into one
/// x; the scalar objective is <c>f(x) = Σ c ⊙ g(x)²</c> with fixed weights c of varied sign, so a linear
/// g still has a Hessian (2Jᵀ diag(c) J) and the row's rules are exercised both ways.
/// </summary>
public class TensorHigherOrderTable
{
    private static Arbitrary<Tensor<double>[]> Batch(Domain d) =>
        TensorArb.Inputs(Gen.Zip(TensorArb.Dim(1, 3), TensorArb.Dim(2, 4)).Select(p => new[] { new Shape(p.Item1, p.Item2) }), d);

    private static Tensor<double> Soft(Shape s)
    {
        var d = Checks.Weights(s);
        int n = s[0], k = s[1];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++) sum += d[i, j] = Math.Abs(d[i, j]) + 0.05;
            for (int j = 0; j < k; j++) d[i, j] /= sum;
        }
        return d;
    }

    private static Tensor<double> OneHot(Shape s)
    {
        var d = new Tensor<double>(s);
        for (int i = 0; i < s[0]; i++) d[i, (2 * i + 1) % s[1]] = 1;
        return d;
    }

    private static int[] Labels(Shape s) => Enumerable.Range(0, s[0]).Select(i => (2 * i + 1) % s[1]).ToArray();

    private static Tensor<double> Binary(Shape s)
    {
        var d = new Tensor<double>(s);
        for (int i = 0; i < d.Length; i++) d.Span[i] = i % 3 == 0 ? 1 : i % 3 == 1 ? 0 : 0.3;
        return d;
    }

    /// <summary>The losses, each of a batch x [n, k] against fixed targets.</summary>
    public static readonly Row[] LossRows =
    [
        new("loss: L2", Batch(Domain.Real()), (t, x) => Losses.L2(x[0], t.Constant(Checks.Weights(x[0].Shape)))),
        new("loss: mean squared error", Batch(Domain.Real()), (t, x) => Losses.MeanSquaredError(x[0], t.Constant(Checks.Weights(x[0].Shape)))),
        new("loss: binary cross-entropy", Batch(Domain.Real(0.05, 0.95)), (t, x) => Losses.BinaryCrossEntropy(x[0], t.Constant(Binary(x[0].Shape)))),
        new("loss: binary cross-entropy from logits", Batch(Domain.AwayFrom(0.05, -5, 5, 0)), (t, x) => Losses.BinaryCrossEntropyFromLogits(x[0], t.Constant(Binary(x[0].Shape)))),
        new("loss: cross-entropy on softmax, labels", Batch(Domain.Real()), (t, x) => Losses.CrossEntropy(x[0].Softmax(), Labels(x[0].Shape))),
        new("loss: cross-entropy from logits, labels", Batch(Domain.Real()), (t, x) => Losses.CrossEntropyFromLogits(x[0], Labels(x[0].Shape))),
        new("loss: cross-entropy from logits, one-hot", Batch(Domain.Real()), (t, x) => Losses.CrossEntropyFromLogits(x[0], t.Constant(OneHot(x[0].Shape)))),
        new("loss: KL, soft targets", Batch(Domain.Real()), (t, x) => Losses.KL(x[0].Softmax(), t.Constant(Soft(x[0].Shape)))),
        new("loss: KL from logits, soft targets", Batch(Domain.Real()), (t, x) => Losses.KLFromLogits(x[0], t.Constant(Soft(x[0].Shape)))),
    ];

    public static Row[] All => [.. TensorGradientTable.Rows, .. LossRows];

    public static TheoryData<string> Names() => new(All.Select(r => r.Name));

    private const int Cases = 12;

    private static void Check(string name, Func<Row, Tensor<double>[], string?> property)
    {
        var row = All.Single(r => r.Name == name);
        global::FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true),
            Prop.ForAll(row.Inputs, parts =>
            {
                string? failure = property(row, parts);
                return (failure is null).Label($"{failure} at inputs {string.Join("; ", parts.Select(p => p.ToString()))}");
            }));
    }

    private static Func<Tape, Var<double>, Var<double>> Output(Row row, Shape[] shapes) => (t, x) => row.F(t, Checks.Unpack(x, shapes));

    private static Func<Tape, Var<double>, Var<double>> Objective(Row row, Shape[] shapes) => (t, x) =>
    {
        var g = row.F(t, Checks.Unpack(x, shapes));
        return (t.Constant(Checks.Weights(g.Shape)) * g * g).Sum();
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_matches_central_differences_of_the_gradient(string name) => Check(name, (row, parts) =>
    {
        var f = Objective(row, parts.Select(p => p.Shape).ToArray());
        var x = Checks.Pack(parts);
        var v = Checks.Direction(x.Shape, x.Length);
        const double h = 1e-5;
        var up = Derivatives.Gradient(f, Checks.Step(x, v, h)).Data;
        var down = Derivatives.Gradient(f, Checks.Step(x, v, -h)).Data;
        var numeric = up.Zip(down, (a, b) => (a - b) / (2 * h)).ToArray();
        return Checks.Compare(Derivatives.Hvp(f, x, v).Data, numeric, 1e-5, 1e-5, "Hvp");
    });

    [Theory]
    [MemberData(nameof(Names))]
    public void Hessian_is_symmetric_and_equals_the_Jacobian_of_the_gradient(string name) => Check(name, (row, parts) =>
    {
        var f = Objective(row, parts.Select(p => p.Shape).ToArray());
        var x = Checks.Pack(parts);
        int n = x.Length;
        var h = Derivatives.Hessian(f, x);
        if (h.Shape != new Shape(n, n)) return $"Hessian shape {h.Shape}";
        var transposed = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) transposed[j * n + i] = h.Data[i * n + j];
        var jacobianOfGradient = Derivatives.Jacobian((t, v) => t.Differentiate(f(t, v), v)[0], x); // reverse over reverse
        return Checks.Compare(h.Data, transposed, 1e-9, 1e-9, "Hessian symmetry")
            ?? Checks.Compare(h.Data, jacobianOfGradient.Data, 1e-9, 1e-9, "Hessian vs Jacobian of the gradient");
    });

    [Theory]
    [MemberData(nameof(Names))]
    public void Jvp_is_J_times_v_and_Vjp_is_u_transposed_J(string name) => Check(name, (row, parts) =>
    {
        var g = Output(row, parts.Select(p => p.Shape).ToArray());
        var x = Checks.Pack(parts);
        var jacobian = Derivatives.Jacobian(g, x);
        int m = jacobian.Shape[0], n = jacobian.Shape[1];
        var v = Checks.Direction(x.Shape, n + 1);
        var (value, tangent) = Derivatives.Jvp(g, x, v);
        var u = Checks.Direction(value.Shape, m + 2);
        var (value2, cotangent) = Derivatives.Vjp(g, x, u);
        var jv = new double[m];
        var uj = new double[n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                jv[i] += jacobian.Data[i * n + j] * v.Data[j];
                uj[j] += u.Data[i] * jacobian.Data[i * n + j];
            }
        return Checks.Compare(tangent.Data, jv, 1e-10, 1e-9, "Jvp vs J·v")
            ?? Checks.Compare(cotangent.Data, uj, 1e-10, 1e-9, "Vjp vs uᵀJ")
            ?? Checks.Compare(value.Data, value2.Data, 0, 0, "values of Jvp and Vjp");
    });

    [Theory]
    [MemberData(nameof(Names))]
    public void Jacobian_matches_central_differences(string name) => Check(name, (row, parts) =>
    {
        var g = Output(row, parts.Select(p => p.Shape).ToArray());
        var x = Checks.Pack(parts);
        var jacobian = Derivatives.Jacobian(g, x);
        int m = jacobian.Shape[0], n = jacobian.Shape[1];
        var numeric = new double[m * n];
        const double h = 1e-6;
        for (int j = 0; j < n; j++)
        {
            var e = new Tensor<double>(x.Shape);
            e.Span[j] = 1;
            var up = Derivatives.Jvp(g, Checks.Step(x, e, h), e).Value.Data;
            var down = Derivatives.Jvp(g, Checks.Step(x, e, -h), e).Value.Data;
            for (int i = 0; i < m; i++) numeric[i * n + j] = (up[i] - down[i]) / (2 * h);
        }
        return Checks.Compare(jacobian.Data, numeric, 1e-5, 1e-4, "Jacobian vs central differences");
    });
}
