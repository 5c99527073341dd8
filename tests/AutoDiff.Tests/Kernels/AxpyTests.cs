using System.Numerics;
using System.Numerics.Tensors;
using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Kernels;

/// <summary>
/// The optimiser update kernels against the element-wise definition (multiply, round, add, round),
/// on every length from 0 past three 512-bit vectors, with NaN, ±∞, ±0 and subnormals among the values.
/// </summary>
public class AxpyTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 3 * 16 + 1; n++) data.Add(n);
        data.Add(1000);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddScaled_is_x_times_alpha_plus_y(int n)
    {
        Check<float>(n, -0.05f, (a, x, y) => Axpy.AddScaled(a, x, y), (a, x, y) => x * a + y);
        Check<double>(n, -0.05, (a, x, y) => Axpy.AddScaled(a, x, y), (a, x, y) => x * a + y);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ScaleAdd_is_y_times_beta_plus_x(int n)
    {
        Check<float>(n, 0.9f, (b, x, y) => Axpy.ScaleAdd(b, y, x), (b, x, y) => y * b + x);
        Check<double>(n, 0.9, (b, x, y) => Axpy.ScaleAdd(b, y, x), (b, x, y) => y * b + x);
    }

    [Fact]
    public void AddScaled_matches_TensorPrimitives_MultiplyAdd_bit_for_bit()
    {
        var rng = new Random(5);
        var x = Enumerable.Range(0, 100_000).Select(_ => rng.NextSingle() - 0.5f).ToArray();
        var y = Enumerable.Range(0, 100_000).Select(_ => rng.NextSingle() - 0.5f).ToArray();
        var expected = new float[y.Length];
        TensorPrimitives.MultiplyAdd(x, -0.0123f, y, expected);
        Axpy.AddScaled(-0.0123f, x, y);
        Assert.Equal(expected, y);
    }

    [Fact]
    public void Lengths_must_agree()
    {
        var e = Assert.Throws<ArgumentException>(() => Axpy.AddScaled(1f, new float[3], new float[4]));
        Assert.Contains("3", e.Message);
        Assert.Contains("4", e.Message);
    }

    private delegate void Kernel<T>(T alpha, ReadOnlySpan<T> x, Span<T> y);

    private static void Check<T>(int n, T alpha, Kernel<T> kernel, Func<T, T, T, T> scalar) where T : IFloatingPointIeee754<T>
    {
        var rng = new Random(n);
        T[] special = [T.NaN, T.PositiveInfinity, T.NegativeInfinity, T.Zero, T.NegativeZero, T.Epsilon, -T.Epsilon];
        T Next(int i) => i % 7 == 3 ? special[rng.Next(special.Length)] : T.CreateChecked(rng.NextDouble() * 4 - 2);
        var x = Enumerable.Range(0, n).Select(Next).ToArray();
        var y = Enumerable.Range(0, n).Select(Next).ToArray();
        var expected = x.Zip(y, (xi, yi) => scalar(alpha, xi, yi)).ToArray();
        kernel(alpha, x, y);
        for (int i = 0; i < n; i++)
            Assert.True(expected[i].Equals(y[i]), $"length {n}, element {i}: expected {expected[i]}, got {y[i]}");
    }
}
