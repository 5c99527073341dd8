using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff.Kernels;

/// <summary>
/// General matrix multiply on row-major spans: <c>C = op(A)·op(B)</c>, or <c>C += op(A)·op(B)</c>
/// when <c>accumulate</c> is set. <c>op(A)</c> is m×k: A is stored m×k, or k×m when
/// <c>transA</c>. <c>op(B)</c> is k×n: B is stored k×n, or n×k when <c>transB</c>.
/// </summary>
public static class Gemm
{
    /// <summary>Computes <c>C (m×n) = op(A)·op(B)</c> (+ C when <paramref name="accumulate"/>).</summary>
    public static void Multiply<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : IFloatingPointIeee754<T>
    {
        if (!accumulate) c[..(m * n)].Clear();
        if (transB)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    T s = T.Zero;
                    var bj = b.Slice(j * k, k);
                    if (!transA) s = TensorPrimitives.Dot(a.Slice(i * k, k), bj);
                    else for (int p = 0; p < k; p++) s += a[p * m + i] * bj[p];
                    c[i * n + j] += s;
                }
            return;
        }
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                T aip = transA ? a[p * m + i] : a[i * k + p];
                if (aip == T.Zero) continue;
                TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aip, ci, ci);
            }
        }
    }
}
