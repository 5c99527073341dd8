using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// Unpacked paths for problems too small for packing to pay (batch 1, a few rows, tiny n):
/// each output element is one FMA chain over p = 0..k-1 in order, then stored or added once.
/// </summary>
internal static unsafe class GemmSmall<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic] private static T[]? rowBuffer;

    /// <summary>
    /// op(B) not transposed: each row of C is op(A)'s row times B, computed 8 (then 4, 2, 1) vectors
    /// of columns at a time with B rows streamed in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowTimesMatrix(in GemmArgs<T> g)
    {
        for (int i = 0; i < g.M; i++)
        {
            // op(A)(i, p) = aRow[p * aStep]
            T* aRow = g.TransA ? g.A + i : g.A + i * g.Lda;
            nint aStep = g.TransA ? g.Lda : 1;
            T* cRow = g.C + i * g.Ldc;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                int w = Vector512<T>.Count;
                // Eight vectors (128 floats) per pass: a 784×128 B is read once, row after row.
                for (; j <= g.N - 8 * w; j += 8 * w)
                {
                    Vector512<T> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                    T* b = g.B + j;
                    for (int p = 0; p < g.K; p++, b += g.Ldb)
                    {
                        var x = Vector512.Create(aRow[p * aStep]);
                        s0 = VectorFma.Fma(x, Vector512.Load(b), s0);
                        s1 = VectorFma.Fma(x, Vector512.Load(b + w), s1);
                        s2 = VectorFma.Fma(x, Vector512.Load(b + 2 * w), s2);
                        s3 = VectorFma.Fma(x, Vector512.Load(b + 3 * w), s3);
                        s4 = VectorFma.Fma(x, Vector512.Load(b + 4 * w), s4);
                        s5 = VectorFma.Fma(x, Vector512.Load(b + 5 * w), s5);
                        s6 = VectorFma.Fma(x, Vector512.Load(b + 6 * w), s6);
                        s7 = VectorFma.Fma(x, Vector512.Load(b + 7 * w), s7);
                    }
                    Store(cRow + j, s0, g.Accumulate);
                    Store(cRow + j + w, s1, g.Accumulate);
                    Store(cRow + j + 2 * w, s2, g.Accumulate);
                    Store(cRow + j + 3 * w, s3, g.Accumulate);
                    Store(cRow + j + 4 * w, s4, g.Accumulate);
                    Store(cRow + j + 5 * w, s5, g.Accumulate);
                    Store(cRow + j + 6 * w, s6, g.Accumulate);
                    Store(cRow + j + 7 * w, s7, g.Accumulate);
                }
                for (; j <= g.N - 4 * w; j += 4 * w)
                {
                    Vector512<T> s0 = default, s1 = default, s2 = default, s3 = default;
                    T* b = g.B + j;
                    for (int p = 0; p < g.K; p++, b += g.Ldb)
                    {
                        var x = Vector512.Create(aRow[p * aStep]);
                        s0 = VectorFma.Fma(x, Vector512.Load(b), s0);
                        s1 = VectorFma.Fma(x, Vector512.Load(b + w), s1);
                        s2 = VectorFma.Fma(x, Vector512.Load(b + 2 * w), s2);
                        s3 = VectorFma.Fma(x, Vector512.Load(b + 3 * w), s3);
                    }
                    Store(cRow + j, s0, g.Accumulate);
                    Store(cRow + j + w, s1, g.Accumulate);
                    Store(cRow + j + 2 * w, s2, g.Accumulate);
                    Store(cRow + j + 3 * w, s3, g.Accumulate);
                }
                for (; j <= g.N - w; j += w)
                {
                    Vector512<T> s0 = default;
                    T* b = g.B + j;
                    for (int p = 0; p < g.K; p++, b += g.Ldb)
                        s0 = VectorFma.Fma(Vector512.Create(aRow[p * aStep]), Vector512.Load(b), s0);
                    Store(cRow + j, s0, g.Accumulate);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                int w = Vector256<T>.Count;
                for (; j <= g.N - 2 * w; j += 2 * w)
                {
                    Vector256<T> s0 = default, s1 = default;
                    T* b = g.B + j;
                    for (int p = 0; p < g.K; p++, b += g.Ldb)
                    {
                        var x = Vector256.Create(aRow[p * aStep]);
                        s0 = VectorFma.Fma(x, Vector256.Load(b), s0);
                        s1 = VectorFma.Fma(x, Vector256.Load(b + w), s1);
                    }
                    Store(cRow + j, s0, g.Accumulate);
                    Store(cRow + j + w, s1, g.Accumulate);
                }
                for (; j <= g.N - w; j += w)
                {
                    Vector256<T> s0 = default;
                    T* b = g.B + j;
                    for (int p = 0; p < g.K; p++, b += g.Ldb)
                        s0 = VectorFma.Fma(Vector256.Create(aRow[p * aStep]), Vector256.Load(b), s0);
                    Store(cRow + j, s0, g.Accumulate);
                }
            }
            // Scalar tail, four columns at a time so four FMA chains overlap their latency.
            for (; j <= g.N - 4; j += 4)
            {
                T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
                T* b = g.B + j;
                for (int p = 0; p < g.K; p++, b += g.Ldb)
                {
                    T x = aRow[p * aStep];
                    s0 = T.FusedMultiplyAdd(x, b[0], s0);
                    s1 = T.FusedMultiplyAdd(x, b[1], s1);
                    s2 = T.FusedMultiplyAdd(x, b[2], s2);
                    s3 = T.FusedMultiplyAdd(x, b[3], s3);
                }
                cRow[j] = g.Accumulate ? cRow[j] + s0 : s0;
                cRow[j + 1] = g.Accumulate ? cRow[j + 1] + s1 : s1;
                cRow[j + 2] = g.Accumulate ? cRow[j + 2] + s2 : s2;
                cRow[j + 3] = g.Accumulate ? cRow[j + 3] + s3 : s3;
            }
            for (; j < g.N; j++)
            {
                T s = T.Zero;
                T* b = g.B + j;
                for (int p = 0; p < g.K; p++, b += g.Ldb) s = T.FusedMultiplyAdd(aRow[p * aStep], *b, s);
                cRow[j] = g.Accumulate ? cRow[j] + s : s;
            }
        }
    }

    /// <summary>
    /// op(B) transposed: C(i, j) is the dot product of op(A)'s row i with the stored row j of B
    /// (op(A)'s row is gathered into a buffer first when A is transposed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowDotRows(in GemmArgs<T> g)
    {
        int k = g.K;
        if (g.TransA && (rowBuffer is null || rowBuffer.Length < k)) rowBuffer = new T[k];
        for (int i = 0; i < g.M; i++)
        {
            ReadOnlySpan<T> aRow;
            if (g.TransA)
            {
                T* src = g.A + i;
                for (int p = 0; p < k; p++) rowBuffer![p] = src[p * g.Lda];
                aRow = rowBuffer.AsSpan(0, k);
            }
            else
            {
                aRow = new ReadOnlySpan<T>(g.A + i * g.Lda, k);
            }
            T* cRow = g.C + i * g.Ldc;
            for (int j = 0; j < g.N; j++)
            {
                T s = SpanMath.Dot(aRow, new ReadOnlySpan<T>(g.B + j * g.Ldb, k));
                cRow[j] = g.Accumulate ? cRow[j] + s : s;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector512<T> s, bool accumulate) =>
        (accumulate ? Vector512.Load(c) + s : s).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector256<T> s, bool accumulate) =>
        (accumulate ? Vector256.Load(c) + s : s).Store(c);
}
