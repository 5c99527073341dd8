using AutoDiff.FsCheck;
using FsCheck;
using FsCheck.Fluent;
using Row = AutoDiff.Tests.Core.TensorGradientTable.Row;

namespace AutoDiff.Tests.Core;

/// <summary>
/// The rows of the NumPy/PyTorch tensor operations (permute, multi-axis sums, broadcasting where and
/// matmul, pow, clamp, min, max/min over an axis, concat, stack, index select): part of
/// <see cref="TensorGradientTable.Rows"/>, so each is checked against central differences there and, by
/// every table that reads those rows, at higher order (Hvp, Jvp = J·v, fused kernel = table rule).
/// Inputs stay away from the kinks (ties of max and min, the bounds of clamp) where finite differences
/// are meaningless; the conventions at the kinks are pinned by <see cref="TensorOpsValueTests"/>.
/// </summary>
public static class TensorOpsTable
{
    private static readonly Domain R = Domain.Real(), P = Domain.Positive(0.2, 3);

    private static Arbitrary<Tensor<double>[]> Of(Domain d, Func<int, int, int, Shape[]> make) => TensorArb.Inputs(Shapes(make), d);

    private static Arbitrary<Tensor<double>[]> Same(int count, Domain d) =>
        TensorArb.Inputs(TensorArb.Shape(0, 3, 4).Select(s => Enumerable.Repeat(s, count).ToArray()), d);

    private static Gen<Shape[]> Shapes(Func<int, int, int, Shape[]> make) =>
        Gen.Zip(TensorArb.Dim(1, 4), TensorArb.Dim(1, 4)).SelectMany(p => TensorArb.Dim(1, 4).Select(k => make(p.Item1, p.Item2, k)));

    /// <summary>Inputs whose elements differ pairwise by at least 0.14 (a random order of a spaced grid), so no max or min is near a tie.</summary>
    private static Arbitrary<Tensor<double>[]> Distinct(Func<int, int, int, Shape[]> make) =>
        Arb.From(Shapes(make).SelectMany(shapes => Gen.CollectToArray(shapes.Select(s =>
            Gen.ArrayOf(Gen.Choose(0, 999_999), s.Length).Select(keys =>
            {
                var order = Enumerable.Range(0, keys.Length).OrderBy(i => keys[i]).ThenBy(i => i).ToArray();
                var v = new double[keys.Length];
                for (int r = 0; r < order.Length; r++) v[order[r]] = (r - order.Length / 2.0) * 0.15 + keys[order[r]] % 1000 * 1e-5;
                return new Tensor<double>(v, s);
            })))));

    /// <summary>Pairs (a, b), b broadcast against a as a suffix of its shape, no element of a within 0.05 of the b it meets.</summary>
    private static Arbitrary<Tensor<double>[]> Untied(Func<int, int, int, Shape[]> make) =>
        Of(R, make).Filter(x => Enumerable.Range(0, x[0].Length).All(i => Math.Abs(x[0].Data[i] - x[1].Data[i % x[1].Length]) > 0.05));

    /// <summary>A fixed 0/1 pattern of the given shape (a condition for Where).</summary>
    private static Tensor<double> Pattern(params int[] dims)
    {
        var c = new Tensor<double>(new Shape(dims));
        for (int i = 0; i < c.Length; i++) c.Span[i] = (i * 7 + 3) % 5 < 2 ? 1 : 0;
        return c;
    }

    private static int[] Indices(int n, int count) => Enumerable.Range(0, count).Select(j => (j * 3 + n - 1) % n).ToArray();

    // lower = x₁ − 3.5 ∈ [−6.5, −0.5] and upper = x₂ + 3.5 ∈ [0.5, 6.5], none of them within 0.05 of x₀
    private static Arbitrary<Tensor<double>[]> Bounded() =>
        Of(R, (m, n, _) => [new(m, n), new(n), new(n)]).Filter(x =>
            Enumerable.Range(0, x[0].Length).All(i => Math.Abs(x[0].Data[i] - (x[1].Data[i % x[1].Length] - 3.5)) > 0.05
                && Math.Abs(x[0].Data[i] - (x[2].Data[i % x[2].Length] + 3.5)) > 0.05));

    public static readonly Row[] Rows =
    [
        new("pow 3 (any sign)", Same(1, R), (t, x) => x[0].Pow(3.0)),
        new("pow 2", Same(1, R), (t, x) => x[0].Pow(2.0)),
        new("pow 2.5 (positive base)", Same(1, P), (t, x) => x[0].Pow(2.5)),
        new("pow 0.5", Same(1, P), (t, x) => x[0].Pow(0.5)),
        new("pow -1.5", Same(1, P), (t, x) => x[0].Pow(-1.5)),
        new("pow 1 and pow 0", Same(1, R), (t, x) => x[0].Pow(1.0) + x[0].Pow(0.0) * x[0]),
        new("min", Untied((m, n, _) => [new(m, n), new(m, n)]), (t, x) => Var.Min(x[0], x[1])),
        new("min broadcast [m,n] with [n]", Untied((m, n, _) => [new(m, n), new(n)]), (t, x) => Var.Min(x[0], x[1])),
        new("min with constant", Same(1, Domain.AwayFrom(0.05, -3, 3, 0.5)), (t, x) => Var.Min(x[0], 0.5)),
        new("clamp", Same(1, Domain.AwayFrom(0.05, -3, 3, -1, 1.5)), (t, x) => x[0].Clamp(-1.0, 1.5)),
        new("clamp one-sided", Same(1, Domain.AwayFrom(0.05, -3, 3, 0.5)), (t, x) => x[0].Clamp(double.NegativeInfinity, 0.5)),
        new("clamp between tensors", Bounded(), (t, x) => x[0].Clamp(x[1] - 3.5, x[2] + 3.5)),
        new("where, condition [n] broadcast", Of(R, (m, n, _) => [new(m, n), new(m, n)]),
            (t, x) => Var.Where(t.Constant(Pattern(x[0].Shape[1])), x[0], x[1])),
        new("where, branches [m,1] and [n]", Of(R, (m, n, _) => [new(m, 1), new(n)]),
            (t, x) => Var.Where(t.Constant(Pattern(x[0].Shape[0], x[1].Shape[0])), x[0], x[1] * x[1])),
        new("where, rank-0 branch", Of(R, (m, n, _) => [new(m, n), Shape.ScalarShape]),
            (t, x) => Var.Where(t.Constant(Pattern(x[0].Shape.Dims.ToArray())), x[0], x[1])),
        new("sum over axes 0 and 2", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].Sum([0, 2])),
        new("sum over axes 1 and -1, keepDims", Of(R, (m, n, k) => [new(2, m, n, k)]), (t, x) => x[0].Sum([1, -1], keepDims: true)),
        new("mean over axes 0 and 1", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].Mean([1, 0]) * x[0].Mean([1, 0])),
        new("permute (2, 0, 1)", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].Permute(2, 0, 1)),
        new("permute 4-d (1, 3, 0, 2)", Of(R, (m, n, k) => [new(2, m, n, k)]), (t, x) => x[0].Permute(1, 3, 0, 2)),
        new("permute keeping the last axis", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].Permute(1, 0, -1).Square()),
        new("transpose axes 0 and 2", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].Transpose(0, 2)),
        new("transpose axes -1 and -2", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].Transpose(-1, -2)),
        new("concat three along axis 0", Of(R, (m, n, k) => [new(m, n), new(k, n), new(1, n)]), (t, x) => Var.Concat([x[0], x[1], x[2]])),
        new("concat along axis -1, one input twice", Of(R, (m, n, k) => [new(m, n), new(m, k)]), (t, x) => Var.Concat([x[0], x[1].Exp(), x[0]], axis: -1)),
        new("stack along axis 1", Of(R, (m, n, _) => [new(m, n), new(m, n)]), (t, x) => Var.Stack([x[0], x[1], x[0] * x[1]], axis: 1)),
        new("stack along the last axis", Of(R, (m, n, _) => [new(m, n), new(m, n)]), (t, x) => Var.Stack([x[0], x[1]], axis: -1)),
        new("index select rows, repeated", Of(R, (m, n, _) => [new(m, n)]), (t, x) => x[0].IndexSelect(0, Indices(x[0].Shape[0], 5))),
        new("index select along axis 1", Of(R, (m, n, k) => [new(m, n, k)]), (t, x) => x[0].IndexSelect(1, Indices(x[0].Shape[1], 3)) * x[0].Sum(1, keepDims: true)),
        new("max over axis 1", Distinct((m, n, k) => [new(m, n, k)]), (t, x) => x[0].Max(1)),
        new("max over axis 0, keepDims", Distinct((m, n, _) => [new(m, n)]), (t, x) => x[0].Max(0, keepDims: true) * x[0]),
        new("min over axis -1", Distinct((m, n, k) => [new(m, n, k)]), (t, x) => x[0].Min(-1)),
        new("max and min of all elements", Distinct((m, n, _) => [new(m, n)]), (t, x) => x[0].Max() * x[0].Min()),
        new("matmul [m,k]·[b,k,n]", Of(R, (m, k, n) => [new(m, k), new(2, k, n)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul [b,1,m,k]·[c,k,n]", Of(R, (m, k, n) => [new(2, 1, m, k), new(3, k, n)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul [b,m,k]·[1,k,n]", Of(R, (m, k, n) => [new(3, m, k), new(1, k, n)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul [k]·[k,n]", Of(R, (m, k, n) => [new(k), new(k, n)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul [m,k]·[k]", Of(R, (m, k, n) => [new(m, k), new(k)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul [k]·[k] (dot)", Of(R, (m, k, n) => [new(k), new(k)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul [b,m,k]·[k]", Of(R, (m, k, n) => [new(2, m, k), new(k)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul [k]·[b,k,n]", Of(R, (m, k, n) => [new(k), new(2, k, n)]), (t, x) => x[0].MatMul(x[1])),
        new("matmul of a permuted batch", Of(R, (m, k, n) => [new(k, 2, m), new(k, n)]), (t, x) => x[0].Permute(1, 2, 0).MatMul(x[1])),
    ];
}
