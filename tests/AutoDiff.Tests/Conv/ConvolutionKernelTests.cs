using AutoDiff.Kernels;
using AutoDiff.Tests.Kernels;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>
/// The three convolution maps (forward, transposed, weight correlation) on every path (Vector512,
/// Vector256, naive) in float and double, over strides, paddings, dilations, groups, odd and tiny
/// sizes and channel counts on both sides of the register tiles, against <see cref="ConvCase"/>.
/// </summary>
public class ConvolutionKernelTests
{
    public static IEnumerable<ConvCase> Cases()
    {
        // The shapes (batch 2), then a sweep of the attributes on odd sizes.
        yield return new(2, 1, 28, 28, 8, 5, 5, 1, 0, 1, 1);
        yield return new(2, 8, 12, 12, 16, 5, 5, 1, 0, 1, 1);
        var rng = new Random(77);
        foreach (int stride in new[] { 1, 2, 3 })
            foreach (int padding in new[] { 0, 1, 2 })
                foreach (int dilation in new[] { 1, 2 })
                    foreach (int groups in new[] { 1, 2, 3 })
                    {
                        int cg = rng.Next(1, 4), og = rng.Next(1, 11);
                        int kh = rng.Next(1, 4), kw = rng.Next(1, 5);
                        int h = Math.Max(dilation * (kh - 1) + 1 - 2 * padding, 1) + rng.Next(0, 7);
                        int w = Math.Max(dilation * (kw - 1) + 1 - 2 * padding, 1) + rng.Next(0, 9);
                        yield return new(rng.Next(1, 4), cg * groups, h, w, og * groups, kh, kw, stride, padding, dilation, groups);
                    }
        // Depthwise, 1×1, a 1×1 image, many output channels (several 8-row panels), many taps (ragged 6-tap tiles).
        yield return new(3, 6, 7, 9, 6, 3, 3, 1, 1, 1, 6);
        yield return new(2, 5, 6, 6, 9, 1, 1, 1, 0, 1, 1);
        yield return new(2, 3, 1, 1, 4, 1, 1, 1, 0, 1, 1);
        yield return new(1, 2, 3, 3, 4, 3, 3, 2, 1, 1, 1);
        yield return new(2, 3, 9, 11, 21, 3, 3, 1, 1, 1, 1);
        yield return new(1, 7, 10, 10, 5, 4, 4, 1, 0, 1, 1);
        yield return new(2, 4, 17, 19, 12, 3, 5, 2, 2, 3, 2);
        // Output channels per group that fill whole vectors (the channel-vector tiles), with strides, groups,
        // dilation and a ragged last tap tile, and one whose image has fewer than 8 outputs (the other path).
        yield return new(2, 4, 9, 10, 32, 3, 3, 2, 1, 1, 2);
        yield return new(1, 6, 7, 8, 48, 3, 3, 1, 1, 2, 3);
        yield return new(3, 3, 11, 6, 16, 2, 3, 1, 0, 1, 1);
        yield return new(2, 4, 3, 3, 16, 3, 3, 1, 0, 1, 1);
    }

    public static TheoryData<string> Paths() => new("512", "256", "naive");

    [Theory]
    [MemberData(nameof(Paths))]
    public void All_three_maps_match_the_reference(string path)
    {
        Convolution.ForceNaive = path == "naive";
        Convolution.Force256 = path == "256";
        try
        {
            var rng = new Random(5);
            foreach (var c in Cases())
            {
                Check<double>(c, rng, 1e-12);
                Check<float>(c, rng, 2e-5);
            }
        }
        finally
        {
            Convolution.ForceNaive = false;
            Convolution.Force256 = false;
        }
    }

    private static void Check<T>(ConvCase c, Random rng, double tolerance) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var g = new Conv2dGeometry(c.N, c.C, c.H, c.W, c.O, c.KH, c.KW, c.Stride, c.Padding, c.Dilation, c.Groups);
        Assert.Equal((c.OH, c.OW), (g.OH, g.OW));
        double[] x = Random(rng, c.N * c.C * c.H * c.W), w = Random(rng, c.O * c.Cg * c.KH * c.KW), gy = Random(rng, c.N * c.O * c.OH * c.OW);
        T[] xt = Cast<T>(x), wt = Cast<T>(w), gyt = Cast<T>(gy);

        var y = new T[gy.Length];
        Convolution.Forward<T>(g, xt, wt, y);
        Close(c.Forward(x, w), y, tolerance, $"forward {c}");

        var gx = new T[x.Length];
        Convolution.BackwardInput<T>(g, gyt, wt, gx, accumulate: false);
        var expectedGx = c.InputGrad(gy, w);
        Close(expectedGx, gx, tolerance, $"input gradient {c}");
        Convolution.BackwardInput<T>(g, gyt, wt, gx, accumulate: true);
        Close(expectedGx.Select(v => 2 * v).ToArray(), gx, tolerance, $"input gradient accumulated {c}");

        var gw = new T[w.Length];
        Convolution.BackwardWeight<T>(g, xt, gyt, gw, accumulate: false);
        var expectedGw = c.WeightGrad(x, gy);
        Close(expectedGw, gw, tolerance, $"weight gradient {c}");
        Convolution.BackwardWeight<T>(g, xt, gyt, gw, accumulate: true);
        Close(expectedGw.Select(v => 2 * v).ToArray(), gw, tolerance, $"weight gradient accumulated {c}");
    }

    internal static double[] Random(Random rng, int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();

    internal static T[] Cast<T>(double[] v) where T : System.Numerics.IFloatingPointIeee754<T> => v.Select(T.CreateChecked).ToArray();

    internal static void Close<T>(double[] expected, T[] actual, double tolerance, string what) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (int i = 0; i < expected.Length; i++)
        {
            double a = double.CreateChecked(actual[i]);
            if (!(Math.Abs(a - expected[i]) <= tolerance * scale * 10))
                Assert.Fail($"{what}: element {i} is {a}, expected {expected[i]}");
        }
    }
}

/// <summary>The convolution maps split their images over threads and give bit-identical results for any thread count.</summary>
[Collection(nameof(ParallelismCollection))]
public class ConvolutionParallelTests
{
    [Fact]
    public void One_and_two_threads_give_bit_identical_results()
    {
        var c = new ConvCase(32, 8, 12, 12, 16, 5, 5, 1, 1, 1, 1);
        var g = new Conv2dGeometry(c.N, c.C, c.H, c.W, c.O, c.KH, c.KW, c.Stride, c.Padding, c.Dilation, c.Groups);
        var rng = new Random(8);
        float[] x = ConvolutionKernelTests.Cast<float>(ConvolutionKernelTests.Random(rng, c.N * c.C * c.H * c.W));
        float[] w = ConvolutionKernelTests.Cast<float>(ConvolutionKernelTests.Random(rng, c.O * c.Cg * c.KH * c.KW));
        float[] gy = ConvolutionKernelTests.Cast<float>(ConvolutionKernelTests.Random(rng, c.N * c.O * c.OH * c.OW));
        (float[], float[], float[]) Run(int threads)
        {
            int before = Parallelism.MaxThreads;
            Parallelism.MaxThreads = threads;
            try
            {
                var y = new float[gy.Length];
                var gx = new float[x.Length];
                var gw = new float[w.Length];
                Convolution.Forward<float>(g, x, w, y);
                Convolution.BackwardInput<float>(g, gy, w, gx, accumulate: false);
                Convolution.BackwardWeight<float>(g, x, gy, gw, accumulate: false);
                return (y, gx, gw);
            }
            finally { Parallelism.MaxThreads = before; }
        }
        var one = Run(1);
        long runs = WorkerPool.ParallelRuns;
        var two = Run(2);
        Assert.True(WorkerPool.ParallelRuns > runs, "the two-thread run never split its work");
        Assert.Equal(one.Item1, two.Item1);
        Assert.Equal(one.Item2, two.Item2);
        Assert.Equal(one.Item3, two.Item3);
        ConvolutionKernelTests.Close(c.Forward(x.Select(v => (double)v).ToArray(), w.Select(v => (double)v).ToArray()), two.Item1, 2e-5, "forward on two threads");
    }
}
