using AutoDiff.Nn;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>
/// Any shapes and attributes, valid or not (ranks 2 to 5, mostly 4, sizes 0 to 6, attributes −1 to 4): conv2d and pooling
/// either give the output shape the formula gives and a gradient of each input's shape, or refuse with a
/// <see cref="ShapeMismatchException"/> or an argument exception, recording nothing. No other exception
/// (IndexOutOfRange, NullReference, DivideByZero, Overflow) escapes.
/// </summary>
public class ConvBadInputFuzzTests
{
    private static Gen<int[]> Dims => Gen.Elements(2, 3, 4, 4, 4, 4, 4, 4, 5).SelectMany(rank => Gen.ArrayOf(Gen.Choose(0, 6), rank));

    private static Gen<int[]> Attributes(int count) => Gen.ArrayOf(Gen.Choose(-1, 4), count);

    private static bool Refused(Exception e) => e is ShapeMismatchException or ArgumentException;

    /// <summary>Runs <paramref name="op"/> on x (and w): either a result of <paramref name="expected"/> shape whose gradients have the inputs' shapes, or a clean refusal.</summary>
    private static bool Holds(int[] x, int[]? w, Func<Var<double>, Var<double>, Var<double>> op, Func<int[]?> expected)
    {
        var tape = new Tape();
        var xv = tape.Track(Tensor.Full(1.0, x));
        var wv = tape.Track(Tensor.Full(1.0, w ?? [1]));
        int before = tape.TensorCount<double>();
        Var<double> y;
        try { y = op(xv, wv); }
        catch (Exception e) when (Refused(e)) { return tape.TensorCount<double>() == before && expected() is null; }
        if (expected() is not int[] dims || !y.Shape.Dims.SequenceEqual(dims)) return false;
        tape.Backward(y.Sum());
        return xv.Grad.Length == xv.Shape.Length && wv.Grad.Length == wv.Shape.Length && !y.Value.ToArray().Any(double.IsNaN);
    }

    /// <summary>The PyTorch output shape, or null where PyTorch refuses (it also refuses empty channel and spatial sizes).</summary>
    private static int[]? ConvShape(int[] x, int[] w, int stride, int padding, int dilation, int groups)
    {
        if (x.Length != 4 || w.Length != 4 || stride < 1 || padding < 0 || dilation < 1 || groups < 1) return null;
        if (w[2] < 1 || w[3] < 1 || x[1] % groups != 0 || w[0] % groups != 0 || w[1] != x[1] / groups) return null;
        int oh = (x[2] + 2 * padding - dilation * (w[2] - 1) - 1) / stride + 1, ow = (x[3] + 2 * padding - dilation * (w[3] - 1) - 1) / stride + 1;
        if (x[2] + 2 * padding < dilation * (w[2] - 1) + 1 || x[3] + 2 * padding < dilation * (w[3] - 1) + 1) return null;
        return [x[0], w[0], oh, ow];
    }

    private static int[]? PoolShape(int[] x, int kernel, int stride) =>
        x.Length != 4 || kernel < 1 || stride < 1 || x[2] < kernel || x[3] < kernel ? null
        : [x[0], x[1], (x[2] - kernel) / stride + 1, (x[3] - kernel) / stride + 1];

    [Fact]
    public void Conv2d_gives_the_formula_s_shape_or_refuses_cleanly()
    {
        var property = Prop.ForAll(Arb.From(Gen.Zip(Gen.Zip(Dims, Dims), Attributes(4), (xw, a) => (xw.Item1, xw.Item2, a))), p =>
        {
            var (x, w, a) = p;
            var expected = ConvShape(x, w, a[0], a[1], a[2], a[3]);
            // Where PyTorch has a shape but a size is 0 (no channels, an empty kernel tensor), refusing is also fine.
            bool ok = Holds(x, w, (xv, wv) => xv.Conv2d(wv, a[0], a[1], a[2], a[3]), () => expected)
                || (expected is not null && (x.Contains(0) || w.Contains(0)) && Holds(x, w, (xv, wv) => xv.Conv2d(wv, a[0], a[1], a[2], a[3]), () => null));
            return ok.Label($"x [{string.Join(", ", x)}], w [{string.Join(", ", w)}], stride {a[0]} padding {a[1]} dilation {a[2]} groups {a[3]}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true), property);
    }

    /// <summary>Zero-sized batches, channels and output channels (the fuzz property found a division by zero here): empty sums, so zeros.</summary>
    [Theory]
    [InlineData(new[] { 0, 2, 5, 5 }, new[] { 3, 2, 3, 3 }, 1)]
    [InlineData(new[] { 2, 0, 5, 5 }, new[] { 0, 0, 3, 3 }, 1)]
    [InlineData(new[] { 2, 3, 5, 5 }, new[] { 0, 3, 3, 3 }, 1)]
    [InlineData(new[] { 2, 4, 6, 5 }, new[] { 0, 2, 3, 3 }, 2)]
    public void Empty_sizes_give_empty_outputs_and_zero_gradients(int[] x, int[] w, int groups)
    {
        var tape = new Tape();
        var xv = tape.Track(Tensor.Full(1.0, x));
        var wv = tape.Track(Tensor.Full(1.0, w));
        var y = xv.Conv2d(wv, padding: 1, groups: groups);
        Assert.Equal([x[0], w[0], x[2], x[3]], y.Shape.Dims.ToArray());
        tape.Backward((y * y).Sum());
        Assert.All(xv.Grad.ToArray(), g => Assert.Equal(0.0, g));
        Assert.All(wv.Grad.ToArray(), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void Pooling_gives_the_formula_s_shape_or_refuses_cleanly()
    {
        var property = Prop.ForAll(Arb.From(Gen.Zip(Dims, Attributes(2), (x, a) => (x, a))), p =>
        {
            var (x, a) = p;
            var expected = PoolShape(x, a[0], a[1]);
            bool ok = Holds(x, null, (xv, _) => xv.MaxPool2d(a[0], a[1]), () => expected)
                && Holds(x, null, (xv, _) => xv.AvgPool2d(a[0], a[1]), () => expected);
            return ok.Label($"x [{string.Join(", ", x)}], kernel {a[0]} stride {a[1]}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true), property);
    }
}
