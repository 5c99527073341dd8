using AutoDiff.FsCheck;
using AutoDiff.Tests.Core;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>
/// The convolution and pooling primitives, one row each in the style of <see cref="TensorGradientTable"/>:
/// an FsCheck property over 100 random inputs of random odd sizes that the tape's gradient matches
/// central differences, for each stride, padding, dilation and group count.
/// </summary>
public class ConvGradientTable
{
    private static readonly Domain R = Domain.Real();

    /// <summary>One integer from each range, in order.</summary>
    private static Gen<int[]> Ints(params (int Min, int Max)[] ranges) =>
        ranges.Aggregate(Gen.Constant(Array.Empty<int>()), (g, r) => g.SelectMany(a => Gen.Choose(r.Min, r.Max).Select(v => (int[])[.. a, v])));

    /// <summary>x [N, C, H, W] and w [O, C/groups, KH, KW] of random sizes that fit the attributes (H and W from the smallest valid size up).</summary>
    private static Arbitrary<Tensor<double>[]> Conv(int stride, int padding, int dilation, int groups, int maxKernel = 3) =>
        TensorArb.Inputs(
            Ints((1, 2), (1, 2), (1, 3), (1, maxKernel), (1, maxKernel), (0, 3), (0, 4))
                .Select(p =>
                {
                    var (n, cg, og, kh, kw, extraH, extraW) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
                    int h = Math.Max(dilation * (kh - 1) + 1 - 2 * padding, 1) + extraH;
                    int w = Math.Max(dilation * (kw - 1) + 1 - 2 * padding, 1) + extraW;
                    return new[] { new Shape(n, cg * groups, h, w), new Shape(og * groups, cg, kh, kw) };
                }),
            R);

    /// <summary>An input [N, C, H, W] whose elements are all distinct, at least 0.05 apart (no ties in a max window), of random sizes ≥ the window.</summary>
    private static Arbitrary<Tensor<double>[]> Distinct(int kernel) =>
        Arb.From(Ints((1, 2), (1, 2), (0, 4), (0, 5), (0, int.MaxValue - 1))
            .Select(p =>
            {
                var (n, c, extraH, extraW, seed) = (p[0], p[1], p[2], p[3], p[4]);
                var shape = new Shape(n, c, kernel + extraH, kernel + extraW);
                var rng = new Random(seed);
                var values = Enumerable.Range(0, shape.Length).Select(i => (i - shape.Length / 2) * 0.05).OrderBy(_ => rng.Next()).ToArray();
                return new[] { new Tensor<double>(values, shape) };
            }));

    private static Arbitrary<Tensor<double>[]> Image(int kernel) =>
        TensorArb.Inputs(Ints((1, 2), (1, 3), (0, 4), (0, 5)).Select(p => new[] { new Shape(p[0], p[1], kernel + p[2], kernel + p[3]) }), R);

    private static TensorGradientTable.Row Conv2d(int stride, int padding, int dilation, int groups) =>
        new($"conv2d stride {stride} padding {padding} dilation {dilation} groups {groups}", Conv(stride, padding, dilation, groups),
            (t, x) => x[0].Conv2d(x[1], stride, padding, dilation, groups));

    public static readonly TensorGradientTable.Row[] Rows =
    [
        Conv2d(1, 0, 1, 1),
        Conv2d(2, 0, 1, 1),
        Conv2d(3, 1, 1, 1),
        Conv2d(1, 2, 1, 1),
        Conv2d(1, 0, 2, 1),
        Conv2d(2, 1, 2, 1),
        Conv2d(1, 1, 1, 2),
        Conv2d(2, 0, 1, 3),
        Conv2d(3, 2, 2, 2),
        new("conv2d depthwise (groups = channels) 3×3 padding 1",
            TensorArb.Inputs(Gen.Zip(TensorArb.Dim(1, 3), TensorArb.Dim(3, 6)).Select(p => new[] { new Shape(1, p.Item1, p.Item2, p.Item2 + 1), new Shape(p.Item1, 1, 3, 3) }), R),
            (t, x) => x[0].Conv2d(x[1], padding: 1, groups: x[0].Shape[1])),
        new("conv2d twice through the same weight", Conv(1, 1, 1, 1),
            (t, x) => x[0].Conv2d(x[1], padding: 1) + x[0].Conv2d(x[1], padding: 1) * x[0].Conv2d(x[1], padding: 1)),
        new("max pool 2 stride 2", Distinct(2), (t, x) => x[0].MaxPool2d(2, 2)),
        new("max pool 3 stride 2 (overlapping windows)", Distinct(3), (t, x) => x[0].MaxPool2d(3, 2)),
        new("max pool 2 stride 3 (gaps)", Distinct(2), (t, x) => x[0].MaxPool2d(2, 3)),
        new("max pool 1 stride 1", Distinct(1), (t, x) => x[0].MaxPool2d(1, 1)),
        new("avg pool 2 stride 2", Image(2), (t, x) => x[0].AvgPool2d(2, 2)),
        new("avg pool 3 stride 1 (overlapping windows)", Image(3), (t, x) => x[0].AvgPool2d(3, 1)),
        new("avg pool 2 stride 3 (gaps)", Image(2), (t, x) => x[0].AvgPool2d(2, 3)),
        new("flatten", Image(1), (t, x) => x[0].Flatten() * x[0].Flatten()),
        new("conv → tanh → avg pool → flatten → matmul", Conv(1, 1, 1, 1),
            (t, x) =>
            {
                var h = x[0].Conv2d(x[1], padding: 1).Apply(AutoDiff.Activations.TanhFunction<double>()).AvgPool2d(1, 1).Flatten();
                return h.MatMul(h.Transpose());
            }),
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
