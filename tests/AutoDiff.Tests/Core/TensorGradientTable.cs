using AutoDiff.FsCheck;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>
/// Every tensor primitive and composite, one row each: (inputs, function, tolerance). Each row is an
/// FsCheck property over 100 random inputs that the tape's gradient matches central differences.
/// </summary>
public class TensorGradientTable
{
    public sealed record Row(string Name, Arbitrary<Tensor<double>[]> Inputs, Func<Tape, Var<double>[], Var<double>> F, GradCheckOptions? Options = null);

    private static Gen<Shape[]> Shapes(Func<int, int, int, Shape[]> make, int max = 4) =>
        Gen.Zip(TensorArb.Dim(1, max), TensorArb.Dim(1, max)).SelectMany(p => TensorArb.Dim(1, max).Select(k => make(p.Item1, p.Item2, k)));

    private static Arbitrary<Tensor<double>[]> Same(int count, Domain d) =>
        TensorArb.Inputs(TensorArb.Shape(0, 3, 4).Select(s => Enumerable.Repeat(s, count).ToArray()), d);

    private static Arbitrary<Tensor<double>[]> Of(Domain d, Func<int, int, int, Shape[]> make) => TensorArb.Inputs(Shapes(make), d);

    private static readonly Domain R = Domain.Real(), P = Domain.Positive(0.2, 3);

    // Pairs whose elements differ by at least 0.05, so max(a, b) is never within h of a tie.
    private static Arbitrary<Tensor<double>[]> Untied() =>
        TensorArb.Inputs(TensorArb.Shape(1, 2, 4).Select(s => new[] { s, s }), R).Filter(x =>
            x[0].Data.Zip(x[1].Data).All(p => Math.Abs(p.First - p.Second) > 0.05));

    /// <summary>y = x³, written by hand (with its chain 3x², 6x, 6, 0) to exercise the element-wise hook.</summary>
    private static readonly HigherOrder.Polynomial Cube = new("cube", 0, 0, 0, 1);

    public static readonly Row[] Rows =
    [
        new("add", Same(2, R), (t, x) => x[0] + x[1]),
        new("add broadcast [m,n]+[n]", Of(R, (m, n, _) => [new(m, n), new(n)]), (t, x) => x[0] + x[1]),
        new("add broadcast [m,1]+[1,n]", Of(R, (m, n, _) => [new(m, 1), new(1, n)]), (t, x) => x[0] + x[1]),
        new("sub broadcast [b,m,n]-[m,1]", Of(R, (b, m, n) => [new(b, m, n), new(m, 1)]), (t, x) => x[0] - x[1]),
        new("mul", Same(2, R), (t, x) => x[0] * x[1]),
        new("mul broadcast [m,n]*[m,1]", Of(R, (m, n, _) => [new(m, n), new(m, 1)]), (t, x) => x[0] * x[1]),
        new("mul by scalar tensor", Of(R, (m, n, _) => [new(m, n), Shape.ScalarShape]), (t, x) => x[0] * x[1]),
        new("div", TensorArb.Inputs(TensorArb.Shape(0, 3, 4).Select(s => new[] { s, s }), P), (t, x) => x[0] / x[1]),
        new("div broadcast [m,n]/[n]", Of(P, (m, n, _) => [new(m, n), new(n)]), (t, x) => x[0] / x[1]),
        new("neg", Same(1, R), (t, x) => -x[0]),
        new("scale", Same(1, R), (t, x) => x[0] * 2.5),
        new("constant mix", Same(1, P), (t, x) => (1.5 - x[0]) * (x[0] + 2.0) / (x[0] / 3.0) + 1.0 / x[0]),
        new("exp", Same(1, R), (t, x) => x[0].Exp()),
        new("log", Same(1, P), (t, x) => x[0].Log()),
        new("square", Same(1, R), (t, x) => x[0].Square()),
        new("max", Untied(), (t, x) => Var.Max(x[0], x[1])),
        new("max with constant (relu)", Same(1, Domain.AwayFrom(0.05, -3, 3, 0)), (t, x) => Var.Max(x[0], 0.0)),
        new("where (leaky relu)", Same(1, Domain.AwayFrom(0.05, -3, 3, 0)), (t, x) => Var.Where(Var.Greater(x[0], 0.0), x[0], x[0] * 0.01)),
        new("sum", Same(1, R), (t, x) => x[0].Sum()),
        new("sum axis 0", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].Sum(0)),
        new("sum axis 1 keepDims", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].Sum(1, keepDims: true)),
        new("sum axis -1", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].Sum(-1)),
        new("mean", Same(1, R), (t, x) => x[0].Mean()),
        new("mean axis 0", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].Mean(0)),
        new("reshape", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].Reshape(-1) * x[0].Reshape(-1)),
        new("slice axis 0", Of(R, (m, n, _) => [new(m + 1, n)]), (t, x) => x[0].Slice(0, 1, x[0].Shape[0] - 1)),
        new("slice axis -1 (shifted difference)", Of(R, (m, n, _) => [new(m, n + 1)]), (t, x) => x[0].Slice(-1, 1, x[0].Shape[1] - 1) - x[0].Slice(-1, 0, x[0].Shape[1] - 1).Square()),
        new("transpose", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].Transpose()),
        new("transpose batched", Of(R, (b, m, n) => [new(b, m, n)]), (t, x) => x[0].Transpose()),
        new("matmul", Of(R, (m, k, n) => [new(m, k), new(k, n)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul batch × matrix", Of(R, (m, k, n) => [new(2, m, k), new(k, n)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul batch × batch", Of(R, (m, k, n) => [new(3, m, k), new(3, k, n)]), (t, x) => x[0].MatMul(x[1])),
        new("elementwise hook (cube, a chain of derivatives)", Same(1, R), (t, x) => x[0].Apply(Cube)),
        new("elementwise hook, generated (tanh)", Same(1, R), (t, x) => x[0].Apply(AutoDiff.Activations.TanhFunction<double>())),
        new("elementwise hook, generated (sigmoid)", Same(1, R), (t, x) => x[0].Apply(AutoDiff.Activations.SigmoidFunction<double>())),
        new("elementwise hook, generated (softplus)", Same(1, R), (t, x) => x[0].Apply(AutoDiff.Activations.SoftplusFunction<double>())),
        new("tensor function (prelu, learnable slopes)", Of(Domain.AwayFrom(0.05, -3, 3, 0), (m, n, _) => [new(m, n), new(n)]),
            (t, x) => Var.Function(PReluWithRules.Instance, x[0], x[1]) * Var.Function(PReluWithRules.Instance, x[0] * 0.5, x[1])),
        new("logsumexp", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].LogSumExp()),
        new("logsumexp axis 0 keepDims", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].LogSumExp(0, keepDims: true)),
        new("log-softmax", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].LogSoftmax()),
        new("softmax", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].Softmax()),
        new("softmax axis 0", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].Softmax(0)),
        new("diamond: x·x + exp(x)·x", Same(1, R), (t, x) => x[0] * x[0] + x[0].Exp() * x[0]),
        new("dense layer: relu(xW + b)", Of(Domain.AwayFrom(0.02, -2, 2, 0), (m, k, n) => [new(m, k), new(k, n), new(n)]),
            (t, x) => (x[0].MatMul(x[1]) + x[2]).Relu(), new GradCheckOptions { AbsoluteTolerance = 1e-4 }),
        new("two-layer network: tanh(xW₁ + b₁)·W₂", Of(Domain.Real(-1.5, 1.5), (m, k, n) => [new(m, k), new(k, n), new(n), new(n, 2)]),
            (t, x) => (x[0].MatMul(x[1]) + x[2]).Tanh().MatMul(x[3])),
        new("transposed products: (aᵀa)·bᵀ", Of(R, (m, k, n) => [new(m, k), new(n, k)]), (t, x) => x[0].Transpose().MatMul(x[0]).MatMul(x[1].Transpose())),
        .. TensorOpsTable.Rows,
    ];

    public static TheoryData<string> Names() => new(Rows.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_matches_central_differences(string name)
    {
        var row = Rows.Single(r => r.Name == name);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true), GradProperty.ForAll(row.Inputs, row.F, row.Options));
    }

}
