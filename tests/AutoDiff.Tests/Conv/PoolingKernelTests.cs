using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>Max and average pooling and their adjoints against <see cref="PoolReference"/>, over window sizes, strides and odd image sizes.</summary>
public class PoolingKernelTests
{
    public static IEnumerable<(int N, int C, int H, int W, int K, int S)> Cases()
    {
        yield return (2, 3, 24, 24, 2, 2);
        yield return (1, 2, 8, 8, 2, 2);
        foreach (int k in new[] { 1, 2, 3, 4 })
            foreach (int s in new[] { 1, 2, 3 })
                yield return (2, 2, k + 5, k + 6, k, s);
        yield return (1, 1, 3, 3, 3, 1);
        yield return (3, 1, 7, 5, 3, 2);
    }

    [Fact]
    public void Max_pooling_and_its_scatter_match_the_reference()
    {
        var rng = new Random(3);
        foreach (var (n, c, h, w, k, s) in Cases())
        {
            var g = new Pool2dGeometry(n, c, h, w, k, s);
            // Values on a coarse grid, so that windows often hold ties (the first one must win).
            var x = Enumerable.Range(0, n * c * h * w).Select(_ => (double)rng.Next(-4, 5)).ToArray();
            var expected = PoolReference.Max(x, n, c, h, w, k, s, out var argmax);
            var gy = ConvolutionKernelTests.Random(rng, expected.Length);
            Check<double>(g, x, expected, argmax, gy);
            Check<float>(g, x, expected, argmax, gy);
        }
    }

    private static void Check<T>(Pool2dGeometry g, double[] x, double[] expected, int[] argmax, double[] gy) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var y = new T[expected.Length];
        var where = new T[expected.Length];
        Pooling.MaxForward<T>(g, ConvolutionKernelTests.Cast<T>(x), y, where);
        ConvolutionKernelTests.Close(expected, y, 0, $"max pool {g.N}x{g.C}x{g.H}x{g.W} k{g.K} s{g.S}");
        var gx = new T[x.Length];
        Pooling.Scatter<T>(g, ConvolutionKernelTests.Cast<T>(gy), where, gx, accumulate: false);
        var expectedGx = new double[x.Length];
        for (int o = 0; o < gy.Length; o++) expectedGx[argmax[o]] += double.CreateChecked(T.CreateChecked(gy[o]));
        ConvolutionKernelTests.Close(expectedGx, gx, 1e-6, "max pool scatter (the first maximum of each window)");
        // Gather is Scatter's adjoint: ⟨scatter(ȳ), v⟩ = ⟨ȳ, gather(v)⟩.
        var v = ConvolutionKernelTests.Cast<T>(Enumerable.Range(0, x.Length).Select(i => Math.Sin(i)).ToArray());
        var gathered = new T[gy.Length];
        Pooling.Gather<T>(g, v, where, gathered, accumulate: false);
        double left = 0, right = 0;
        for (int i = 0; i < x.Length; i++) left += double.CreateChecked(gx[i]) * double.CreateChecked(v[i]);
        for (int o = 0; o < gy.Length; o++) right += double.CreateChecked(T.CreateChecked(gy[o])) * double.CreateChecked(gathered[o]);
        Assert.Equal(left, right, 1e-4);
    }

    [Fact]
    public void Max_pooling_propagates_NaN_and_points_the_gradient_at_it()
    {
        var g = new Pool2dGeometry(1, 1, 4, 4, 2, 2);
        foreach (bool single in new[] { true, false })
        {
            double[] x = [1, 2, 5, 6, double.NaN, 3, 7, 8, 1, 1, 9, double.PositiveInfinity, 1, 1, double.NaN, double.NaN];
            if (single) Run<float>(); else Run<double>();

            void Run<T>() where T : System.Numerics.IFloatingPointIeee754<T>
            {
                var y = new T[4];
                var where = new T[4];
                Pooling.MaxForward<T>(g, ConvolutionKernelTests.Cast<T>(x), y, where);
                Assert.True(T.IsNaN(y[0]));                        // window {1, 2, NaN, 3}: NaN at position 2
                Assert.Equal(T.CreateChecked(2), where[0]);
                Assert.Equal(T.CreateChecked(8), y[1]);
                Assert.Equal(T.CreateChecked(3), where[1]);
                Assert.Equal(T.CreateChecked(1), y[2]);            // ties: the first
                Assert.Equal(T.Zero, where[2]);
                Assert.True(T.IsNaN(y[3]));                        // {9, ∞, NaN, NaN}: the first NaN
                Assert.Equal(T.CreateChecked(2), where[3]);
            }
        }
    }

    [Fact]
    public void Average_pooling_and_its_spread_match_the_reference()
    {
        var rng = new Random(4);
        foreach (var (n, c, h, w, k, s) in Cases())
        {
            var g = new Pool2dGeometry(n, c, h, w, k, s);
            var x = ConvolutionKernelTests.Random(rng, n * c * h * w);
            var expected = PoolReference.Avg(x, n, c, h, w, k, s);
            var gy = ConvolutionKernelTests.Random(rng, expected.Length);
            var expectedGx = new double[x.Length];
            for (int p = 0; p < n * c; p++)
                for (int i = 0; i < g.OH; i++)
                    for (int j = 0; j < g.OW; j++)
                        for (int kh = 0; kh < k; kh++)
                            for (int kw = 0; kw < k; kw++)
                                expectedGx[(p * h + i * s + kh) * w + j * s + kw] += gy[(p * g.OH + i) * g.OW + j] / (k * k);
            Run<double>(1e-12);
            Run<float>(1e-6);

            void Run<T>(double tolerance) where T : System.Numerics.IFloatingPointIeee754<T>
            {
                var y = new T[expected.Length];
                Pooling.AvgForward<T>(g, ConvolutionKernelTests.Cast<T>(x), y);
                ConvolutionKernelTests.Close(expected, y, tolerance, $"avg pool k{k} s{s}");
                var gx = new T[x.Length];
                Pooling.AvgSpread<T>(g, ConvolutionKernelTests.Cast<T>(gy), gx, accumulate: false);
                ConvolutionKernelTests.Close(expectedGx, gx, tolerance, $"avg pool spread k{k} s{s}");
            }
        }
    }
}
