using System.Numerics;
using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Kernels;

/// <summary>NaN and ∞ propagate exactly as in a plain dot product: no multiply is skipped for a zero.</summary>
public class GemmSpecialValueTests
{
    public static TheoryData<string, bool, bool, int, int, int> Cases()
    {
        var data = new TheoryData<string, bool, bool, int, int, int>();
        foreach (var path in Enum.GetValues<GemmPath>())
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (var (m, n, k) in new[] { (1, 37, 20), (19, 45, 300), (70, 70, 70) })
                        data.Add(path.ToString(), transA, transB, m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NaN_in_a_times_zero_in_b_poisons_its_row(string pathName, bool transA, bool transB, int m, int n, int k)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        NaNInATimesZero<float>(path, transA, transB, m, n, k);
        NaNInATimesZero<double>(path, transA, transB, m, n, k);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Infinity_in_b_times_zero_in_a_poisons_its_column(string pathName, bool transA, bool transB, int m, int n, int k)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        InfinityInBTimesZero<float>(path, transA, transB, m, n, k);
        InfinityInBTimesZero<double>(path, transA, transB, m, n, k);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Infinity_times_positive_stays_infinite(string pathName, bool transA, bool transB, int m, int n, int k)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        // All-ones B: row i0 of C = +∞ + finite = +∞.
        int i0 = m / 2, p0 = k - 1;
        var a = Fill<float>(m * k, 0.5f);
        a[IndexA(transA, m, k, i0, p0)] = float.PositiveInfinity;
        var b = Fill<float>(k * n, 1f);
        var c = new float[m * n];
        GemmTests.Run(path, () => Gemm.Multiply<float>(transA, transB, m, n, k, a, b, c, false));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (i == i0) Assert.Equal(float.PositiveInfinity, c[i * n + j]);
                else Assert.Equal(0.5f * k, c[i * n + j]);
    }

    [Fact]
    public void NaN_already_in_c_survives_accumulate_and_is_overwritten_otherwise()
    {
        foreach (var path in Enum.GetValues<GemmPath>())
            foreach (var (m, n, k) in new[] { (1, 20, 5), (40, 40, 40) })
            {
                var a = Fill<float>(m * k, 1f);
                var b = Fill<float>(k * n, 1f);
                var c = Fill<float>(m * n, float.NaN);
                GemmTests.Run(path, () => Gemm.Multiply<float>(false, false, m, n, k, a, b, c, accumulate: true));
                Assert.All(c, x => Assert.True(float.IsNaN(x)));
                GemmTests.Run(path, () => Gemm.Multiply<float>(false, false, m, n, k, a, b, c, accumulate: false));
                Assert.All(c, x => Assert.Equal((float)k, x));
            }
    }

    private static void NaNInATimesZero<T>(GemmPath path, bool transA, bool transB, int m, int n, int k)
        where T : IFloatingPointIeee754<T>
    {
        // A = 1 except A[i0,p0] = NaN; B = 1 except its row p0 is all zero. 0·NaN = NaN, so
        // row i0 of C is NaN and every other element is exactly k - 1.
        int i0 = m - 1, p0 = k / 3;
        var a = Fill(m * k, T.One);
        a[IndexA(transA, m, k, i0, p0)] = T.NaN;
        var b = Fill(k * n, T.One);
        for (int j = 0; j < n; j++) b[IndexB(transB, k, n, p0, j)] = T.Zero;
        var c = new T[m * n];
        GemmTests.Run(path, () => Gemm.Multiply<T>(transA, transB, m, n, k, a, b, c, false));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (i == i0) Assert.True(T.IsNaN(c[i * n + j]), $"C[{i},{j}] = {c[i * n + j]}, expected NaN");
                else Assert.Equal(T.CreateChecked(k - 1), c[i * n + j]);
    }

    private static void InfinityInBTimesZero<T>(GemmPath path, bool transA, bool transB, int m, int n, int k)
        where T : IFloatingPointIeee754<T>
    {
        // B[p0,j0] = -∞ and A's column p0 is all zero: 0·∞ = NaN poisons column j0.
        int j0 = n / 2, p0 = k - 1;
        var a = Fill(m * k, T.One);
        for (int i = 0; i < m; i++) a[IndexA(transA, m, k, i, p0)] = T.Zero;
        var b = Fill(k * n, T.One);
        b[IndexB(transB, k, n, p0, j0)] = T.NegativeInfinity;
        var c = new T[m * n];
        GemmTests.Run(path, () => Gemm.Multiply<T>(transA, transB, m, n, k, a, b, c, false));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (j == j0) Assert.True(T.IsNaN(c[i * n + j]), $"C[{i},{j}] = {c[i * n + j]}, expected NaN");
                else Assert.Equal(T.CreateChecked(k - 1), c[i * n + j]);
    }

    private static int IndexA(bool transA, int m, int k, int i, int p) => transA ? p * m + i : i * k + p;
    private static int IndexB(bool transB, int k, int n, int p, int j) => transB ? j * k + p : p * n + j;
    private static T[] Fill<T>(int length, T value) => Enumerable.Repeat(value, length).ToArray();
}
