using System.Numerics;
using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Kernels;

/// <summary>
/// Every GEMM implementation (forced one at a time, plus the automatic choice) over all four
/// transpose forms, accumulate on/off, float and double, on shapes that hit the register tile,
/// panel and cache-block edges, compared with a double-precision triple loop.
/// </summary>
public class GemmTests
{
    public static TheoryData<string, bool, bool> PathsAndForms()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var path in Enum.GetValues<GemmPath>())
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    data.Add(path.ToString(), transA, transB);
        return data;
    }

    /// <summary>0, 1, primes and sizes around the 8×32 / 6×16 tiles.</summary>
    private static readonly int[] GridSizes = [0, 1, 2, 5, 7, 8, 9, 16, 17, 31, 32, 33, 65];

    /// <summary>Each dimension swept 1..70 with the other two fixed, plus a grid of edge sizes.</summary>
    private static IEnumerable<(int M, int N, int K)> SmallShapes()
    {
        for (int d = 1; d <= 70; d++)
        {
            yield return (d, 17, 33);
            yield return (19, d, 33);
            yield return (19, 17, d);
        }
        foreach (int m in GridSizes)
            foreach (int n in GridSizes)
                foreach (int k in GridSizes)
                    yield return (m, n, k);
    }

    /// <summary>Shapes that span several KC (256) slices, MC row blocks and NC column blocks.</summary>
    private static readonly (int M, int N, int K)[] LargeShapes = [(257, 300, 129), (100, 1030, 260), (130, 40, 600), (3, 515, 517)];

    [Theory]
    [MemberData(nameof(PathsAndForms))]
    public void Matches_reference_on_small_shapes(string pathName, bool transA, bool transB)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        var rng = new Random(1234);
        foreach (var (m, n, k) in SmallShapes())
            foreach (bool accumulate in new[] { false, true })
            {
                Check<float>(path, transA, transB, m, n, k, accumulate, rng);
                Check<double>(path, transA, transB, m, n, k, accumulate, rng);
            }
    }

    [Theory]
    [MemberData(nameof(PathsAndForms))]
    public void Matches_reference_on_large_shapes(string pathName, bool transA, bool transB)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        var rng = new Random(99);
        foreach (var (m, n, k) in LargeShapes)
            foreach (bool accumulate in new[] { false, true })
            {
                Check<float>(path, transA, transB, m, n, k, accumulate, rng);
                Check<double>(path, transA, transB, m, n, k, accumulate, rng);
            }
    }

    [Fact]
    public void Other_floating_point_types_use_the_generic_loop()
    {
        // Small integers: every product and sum is exact in Half.
        Half[] a = [(Half)1, (Half)2, (Half)3, (Half)4, (Half)5, (Half)6];        // 2×3
        Half[] b = [(Half)1, (Half)0, (Half)(-1), (Half)2, (Half)1, (Half)1];     // 3×2
        var c = new Half[4];
        Gemm.Multiply<Half>(false, false, 2, 2, 3, a, b, c, accumulate: false);
        Assert.Equal([(Half)2, (Half)7, (Half)5, (Half)16], c);
    }

    [Fact]
    public void Known_product()
    {
        // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]], and Aᵀ·Bᵀ = (B·A)ᵀ = [[23,31],[34,46]].
        float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8];
        var c = new float[4];
        Gemm.Multiply<float>(false, false, 2, 2, 2, a, b, c, false);
        Assert.Equal([19f, 22, 43, 50], c);
        Gemm.Multiply<float>(true, true, 2, 2, 2, a, b, c, false);
        Assert.Equal([23f, 31, 34, 46], c);
        Gemm.Multiply<float>(true, true, 2, 2, 2, a, b, c, accumulate: true);
        Assert.Equal([46f, 62, 68, 92], c);
    }

    [Fact]
    public void Zero_depth_clears_or_keeps_c()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6, 99 };
        Gemm.Multiply<float>(false, false, 2, 3, 0, [], [], c, accumulate: true);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 99], c);
        Gemm.Multiply<float>(false, false, 2, 3, 0, [], [], c, accumulate: false);
        Assert.Equal([0f, 0, 0, 0, 0, 0, 99], c);
    }

    [Fact]
    public void Writes_only_the_first_m_times_n_elements_of_c()
    {
        var rng = new Random(5);
        foreach (var (m, n, k) in new[] { (1, 40, 30), (40, 40, 40), (33, 50, 300) })
        {
            var c = Enumerable.Repeat(-7f, m * n + 5).ToArray();
            Gemm.Multiply<float>(false, false, m, n, k,
                GemmReference.Random<float>(rng, m * k), GemmReference.Random<float>(rng, k * n), c, false);
            Assert.All(c[(m * n)..], x => Assert.Equal(-7f, x));
        }
    }

    internal static void Check<T>(GemmPath path, bool transA, bool transB, int m, int n, int k, bool accumulate, Random rng)
        where T : IFloatingPointIeee754<T>
    {
        var a = GemmReference.Random<T>(rng, m * k);
        var b = GemmReference.Random<T>(rng, k * n);
        var c0 = GemmReference.Random<T>(rng, m * n);
        var c = (T[])c0.Clone();
        Run(path, () => Gemm.Multiply<T>(transA, transB, m, n, k, a, b, c, accumulate));
        var (expected, magnitude) = GemmReference.Multiply(transA, transB, m, n, k, a, b, c0, accumulate);
        double eps = typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;
        for (int e = 0; e < m * n; e++)
        {
            double actual = double.CreateChecked(c[e]);
            double tolerance = 2 * (k + 2) * eps * magnitude[e] + 1e-300;
            if (!(Math.Abs(actual - expected[e]) <= tolerance))
                Assert.Fail($"{typeof(T).Name} {path} transA={transA} transB={transB} m={m} n={n} k={k} accumulate={accumulate}: " +
                    $"C[{e / n},{e % n}] = {actual}, expected {expected[e]} ± {tolerance}");
        }
    }

    /// <summary>Runs <paramref name="action"/> with <paramref name="path"/> forced on this thread.</summary>
    internal static void Run(GemmPath path, Action action)
    {
        var saved = Gemm.ForcedPath;
        Gemm.ForcedPath = path;
        try { action(); }
        finally { Gemm.ForcedPath = saved; }
    }
}
