using System.Numerics;

namespace AutoDiff.Tests.Kernels;

/// <summary>An independent GEMM in double precision and the tolerance to compare against it.</summary>
internal static class GemmReference
{
    /// <summary>
    /// Returns op(A)·op(B) (+ C0) in double, and per element the bound Σ|a·b| + |c0| that
    /// scales the rounding error of any summation order.
    /// </summary>
    public static (double[] Value, double[] Magnitude) Multiply<T>(bool transA, bool transB, int m, int n, int k,
        T[] a, T[] b, T[] c0, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        var value = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = double.CreateChecked(transA ? a[p * m + i] : a[i * k + p]);
                    double y = double.CreateChecked(transB ? b[j * k + p] : b[p * n + j]);
                    s += x * y;
                    mag += Math.Abs(x * y);
                }
                if (accumulate)
                {
                    double c = double.CreateChecked(c0[i * n + j]);
                    s += c;
                    mag += Math.Abs(c);
                }
                value[i * n + j] = s;
                magnitude[i * n + j] = mag;
            }
        return (value, magnitude);
    }

    /// <summary>Uniform values in [-1, 1).</summary>
    public static T[] Random<T>(Random rng, int length) where T : IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < length; i++) x[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        return x;
    }
}
