using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>Bad input to the convolution and pooling operations and layers: each a clear exception naming both shapes or the argument, and nothing recorded.</summary>
public class ConvBadInputTests
{
    private static (Tape Tape, Var<double> X, Var<double> W) Operands(int[] x, int[] w)
    {
        var tape = new Tape();
        return (tape, tape.Track(Tensor.Zeros<double>(x)), tape.Track(Tensor.Zeros<double>(w)));
    }

    public static TheoryData<int[], int[], int, int, int, int, string> Mismatches() => new()
    {
        { [1, 1, 4, 4], [1, 1, 5, 5], 1, 0, 1, 1, "the kernel spans 5×5 (dilation 1) but the padded input is only 4×4 (padding 0)" },
        { [1, 1, 4, 6], [1, 1, 3, 3], 1, 0, 2, 1, "the kernel spans 5×5 (dilation 2) but the padded input is only 4×6" },
        { [1, 4, 5, 5], [3, 2, 3, 3], 1, 0, 1, 3, "the input's 4 channels are not divisible by groups = 3" },
        { [1, 6, 5, 5], [4, 2, 3, 3], 1, 0, 1, 3, "the weight's 4 output channels are not divisible by groups = 3" },
        { [1, 3, 5, 5], [2, 2, 3, 3], 1, 0, 1, 1, "the weight takes 2 input channels per group but the input has 3 channels in 1 group(s), 3 per group" },
        { [1, 3, 5], [2, 3, 3, 3], 1, 0, 1, 1, "the input must be [N, C, H, W] and the weight [O, C/groups, KH, KW]" },
        { [1, 3, 5, 5], [2, 3, 3], 1, 0, 1, 1, "the input must be [N, C, H, W]" },
        { [1, 3, 5, 5], [2, 3, 0, 3], 1, 0, 1, 1, "the kernel must be at least 1×1" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Shapes_that_do_not_fit_name_both_shapes_and_record_nothing(int[] x, int[] w, int stride, int padding, int dilation, int groups, string detail)
    {
        var (tape, xv, wv) = Operands(x, w);
        int before = tape.TensorCount<double>();
        var e = Assert.Throws<ShapeMismatchException>(() => xv.Conv2d(wv, stride, padding, dilation, groups));
        Assert.Contains(new Shape(x).ToString(), e.Message);
        Assert.Contains(new Shape(w).ToString(), e.Message);
        Assert.Contains(detail, e.Message);
        Assert.Equal(before, tape.TensorCount<double>());
    }

    [Theory]
    [InlineData(0, 0, 1, 1, "stride")]
    [InlineData(-1, 0, 1, 1, "stride")]
    [InlineData(1, -1, 1, 1, "padding")]
    [InlineData(1, 0, 0, 1, "dilation")]
    [InlineData(1, 0, 1, 0, "groups")]
    [InlineData(1, 40000, 1, 1, "padding")]
    public void Attributes_out_of_range_name_the_argument(int stride, int padding, int dilation, int groups, string name)
    {
        var (tape, x, w) = Operands([1, 1, 5, 5], [1, 1, 3, 3]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(w, stride, padding, dilation, groups));
        Assert.Equal(name, e.ParamName);
        Assert.Contains(name, e.Message);
        Assert.Equal(2, tape.TensorCount<double>());
    }

    [Fact]
    public void Pooling_refuses_bad_windows_and_shapes_naming_them()
    {
        var tape = new Tape();
        var x = tape.Track(Tensor.Zeros<double>(1, 2, 3, 4));
        Assert.Equal("kernel", Assert.Throws<ArgumentOutOfRangeException>(() => x.MaxPool2d(0, 1)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => x.AvgPool2d(2, 0)).ParamName);
        Assert.Contains("the 4×4 window is larger than the 3×4 image of input [1, 2, 3, 4]", Assert.Throws<ArgumentException>(() => x.MaxPool2d(4, 1)).Message);
        Assert.Equal(1, tape.TensorCount<double>()); // x alone: nothing recorded
        Assert.Contains("[N, C, H, W]; got [2, 3]", Assert.Throws<ArgumentException>(() => tape.Track(Tensor.Zeros<double>(2, 3)).AvgPool2d(1, 1)).Message);
        Assert.Throws<InvalidOperationException>(() => tape.Constant(Tensor.Scalar(1.0)).Flatten());
    }

    [Fact]
    public void Layers_refuse_inputs_and_settings_that_do_not_fit()
    {
        var tape = new Tape();
        var x = tape.Constant(Tensor.Zeros<double>(2, 3, 6, 6));
        var conv = new Conv2d<double>(4, 2, 3, new Random(1));
        var e = Assert.Throws<ShapeMismatchException>(() => conv.Forward(x));
        Assert.Contains("[2, 3, 6, 6]", e.Message);
        Assert.Contains("[2, 4, 3, 3]", e.Message);
        Assert.Throws<ArgumentException>(() => new Conv2d<double>(3, 2, 3, new Random(1), groups: 2));
        Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d<double>(3, 2, 3, new Random(1), padding: -1)).ParamName);
        Assert.Throws<ShapeMismatchException>(() => new Conv2d<double>(Tensor.Zeros<double>(2, 3, 3, 3), Tensor.Zeros<double>(3)));
        var bn = Assert.Throws<ShapeMismatchException>(() => new BatchNorm2d<double>(4).Forward(x));
        Assert.Contains("[2, 3, 6, 6]", bn.Message);
        Assert.Contains("[N, 4, H, W]", bn.Message);
        Assert.Contains("more than one value per channel",
            Assert.Throws<InvalidOperationException>(() => new BatchNorm2d<double>(3).Forward(tape.Constant(Tensor.Zeros<double>(1, 3, 1, 1)))).Message);
        Assert.Throws<ArgumentException>(() => new Sequential<double>());
        var dense = new Dense<double>(2, 2, null, new Random(1));
        Assert.Contains("belongs to two layers", Assert.Throws<ArgumentException>(() => new Sequential<double>(dense, dense)).Message);
    }
}
