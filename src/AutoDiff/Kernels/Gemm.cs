using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// General matrix multiply on row-major spans: <c>C = op(A)·op(B)</c>, or <c>C += op(A)·op(B)</c>
/// when <c>accumulate</c> is set. <c>op(A)</c> is m×k: A is stored m×k, or k×m when
/// <c>transA</c>. <c>op(B)</c> is k×n: B is stored k×n, or n×k when <c>transB</c>.
/// </summary>
/// <remarks>
/// float and double run a packed, cache-blocked kernel with a Vector512 register tile
/// (Vector256 when 512-bit vectors are not accelerated), split over up to
/// <see cref="Parallelism.MaxThreads"/> threads for large problems; small problems (a few rows,
/// n within one vector, k of a few, or little work) skip packing. Other types run a plain triple
/// loop. Every output element is a sum over k in a fixed order that does not depend on the thread count, so results are
/// bit-identical for any <see cref="Parallelism.MaxThreads"/>. No multiply is skipped, so NaN
/// and ∞ propagate as in a plain dot product (0·NaN = NaN).
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// Computes <c>C (m×n) = op(A)·op(B)</c>, i.e. <c>C[i,j] = Σ_p op(A)[i,p]·op(B)[p,j]</c>,
    /// or adds it to C when <paramref name="accumulate"/> is set.
    /// </summary>
    /// <param name="transA">A is stored k×m and op(A) = Aᵀ.</param>
    /// <param name="transB">B is stored n×k and op(B) = Bᵀ.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="a">A, row-major, at least m·k elements.</param>
    /// <param name="b">B, row-major, at least k·n elements.</param>
    /// <param name="c">C, row-major m×n, at least m·n elements; only the first m·n are written.</param>
    /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
    /// <exception cref="ArgumentOutOfRangeException">m, n or k is negative.</exception>
    /// <exception cref="ArgumentException">a, b or c is shorter than its matrix.</exception>
    public static void Multiply<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        // The messages are built only on failure: this runs on every layer of every training step.
        if (a.Length < (long)m * k) ThrowTooShort(a.Length, (long)m * k, nameof(a), transA ? $"A (k×m = {k}×{m})" : $"A (m×k = {m}×{k})");
        if (b.Length < (long)k * n) ThrowTooShort(b.Length, (long)k * n, nameof(b), transB ? $"B (n×k = {n}×{k})" : $"B (k×n = {k}×{n})");
        if (c.Length < (long)m * n) ThrowTooShort(c.Length, (long)m * n, nameof(c), $"C (m×n = {m}×{n})");

        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        if (typeof(T) == typeof(float))
            Fast<float>(transA, transB, m, n, k, Cast<T, float>(a), Cast<T, float>(b), CastMutable<T, float>(c), accumulate);
        else if (typeof(T) == typeof(double))
            Fast<double>(transA, transB, m, n, k, Cast<T, double>(a), Cast<T, double>(b), CastMutable<T, double>(c), accumulate);
        else
            Naive(transA, transB, m, n, k, a, b, c, accumulate);
    }

    /// <summary>Forces one implementation on the calling thread (tests and benchmarks); <see cref="GemmPath.Auto"/> by default.</summary>
    [ThreadStatic] internal static GemmPath ForcedPath;

    /// <summary>The largest m that skips packing (the 8-row tile would be mostly padding).</summary>
    internal const int SmallRows = 3;
    /// <summary>The most multiply-adds (m·n·k) that skip packing (measured: 16³ is faster unpacked, 32³ packed).</summary>
    internal const long SmallWork = 8192;
    /// <summary>The largest k that skips packing when op(B) is not transposed (∂W = xᵀ·δ at batch 1 is an outer product; measured on 784×k·k×128: unpacked 1.7× faster at k = 1, even at k = 8, 2× slower at k = 16).</summary>
    internal const int SmallDepth = 4;

    private static unsafe void Fast<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var path = ForcedPath;
        if (path == GemmPath.Auto)
        {
            if (!Vector256.IsHardwareAccelerated) path = GemmPath.Naive;
            else if (m <= SmallRows) path = GemmPath.Small;
            else if (!transB && n <= Vector512<T>.Count && GemmNarrow<T>.IsSupported) path = GemmPath.Narrow;
            else if ((!transB && k <= SmallDepth) || (long)m * n * k <= SmallWork) path = GemmPath.Small;
            else path = Vector512.IsHardwareAccelerated ? GemmPath.Packed512 : GemmPath.Packed256;
        }
        if (path == GemmPath.Naive)
        {
            Naive(transA, transB, m, n, k, a, b, c, accumulate);
            return;
        }
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            var g = new GemmArgs<T>
            {
                TransA = transA, TransB = transB, Accumulate = accumulate,
                M = m, N = n, K = k,
                A = pa, B = pb, C = pc,
                Lda = transA ? m : k, Ldb = transB ? k : n, Ldc = n,
            };
            switch (path)
            {
                case GemmPath.Narrow when !transB && GemmNarrow<T>.IsSupported: GemmNarrow<T>.Run(g); break;
                case GemmPath.Small or GemmPath.Narrow when transB: GemmSmall<T>.RowDotRows(g); break;
                case GemmPath.Small or GemmPath.Narrow: GemmSmall<T>.RowTimesMatrix(g); break;
                case GemmPath.Packed256: GemmPacked<T, Kernel256<T>>.Run(g, Parallelism.MaxThreads); break;
                default: GemmPacked<T, Kernel512<T>>.Run(g, Parallelism.MaxThreads); break;
            }
        }
    }

    /// <summary>The reference loop: <c>s = Σ_p a·b</c> in order, then C = s or C += s.</summary>
    private static void Naive<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++)
                    s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = accumulate ? c[i * n + j] + s : s;
            }
    }

    private static void ThrowTooShort(int actual, long expected, string name, string shape) =>
        throw new ArgumentException($"{shape} needs at least {expected} elements, but the span has length {actual}.", name);

    private static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> s) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(s)), s.Length);

    private static Span<TTo> CastMutable<TFrom, TTo>(Span<TFrom> s) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(s)), s.Length);
}

/// <summary>Which GEMM implementation runs.</summary>
internal enum GemmPath
{
    /// <summary>Chosen from the shape and the hardware.</summary>
    Auto,
    /// <summary>Packed, Vector512 micro-kernel.</summary>
    Packed512,
    /// <summary>Packed, Vector256 micro-kernel.</summary>
    Packed256,
    /// <summary>Unpacked vector loops for tiny problems.</summary>
    Small,
    /// <summary>Eight rows × one masked vector of columns, for n up to one vector (AVX-512; others fall back to Small).</summary>
    Narrow,
    /// <summary>Scalar triple loop.</summary>
    Naive,
}
