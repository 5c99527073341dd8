using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Kernels;

public class GemmArgumentTests
{
    [Theory]
    [InlineData(-1, 2, 2)]
    [InlineData(2, -1, 2)]
    [InlineData(2, 2, -1)]
    public void Negative_dimensions_throw(int m, int n, int k)
    {
        var buffer = new float[16];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply<float>(false, false, m, n, k, buffer, buffer, buffer, false));
    }

    [Theory]
    [InlineData(false, false, "a", 11, 12)]
    [InlineData(true, true, "a", 11, 12)]
    [InlineData(false, false, "b", 19, 20)]
    [InlineData(false, true, "b", 0, 20)]
    [InlineData(true, false, "c", 14, 15)]
    public void Short_spans_throw_naming_expected_and_actual_lengths(bool transA, bool transB, string name, int length, int expected)
    {
        // m = 3, n = 5, k = 4: A needs 12, B needs 20, C needs 15.
        var a = new float[name == "a" ? length : 12];
        var b = new float[name == "b" ? length : 20];
        var c = new float[name == "c" ? length : 15];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(transA, transB, 3, 5, 4, a, b, c, false));
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"at least {expected}", e.Message);
        Assert.Contains($"length {length}", e.Message);
    }

    [Fact]
    public void Longer_spans_are_accepted()
    {
        var c = new double[10];
        Gemm.Multiply<double>(false, false, 1, 1, 1, [2.0, 9], [3.0, 9], c, false);
        Assert.Equal(6.0, c[0]);
        Assert.Equal(0.0, c[1]);
    }

    [Fact]
    public void Max_threads_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxThreads = 0);
        Assert.True(Parallelism.MaxThreads >= 1);
    }
}
