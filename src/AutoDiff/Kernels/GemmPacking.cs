using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous panel layouts the micro-kernel reads,
/// zero-padding the last panel. The padding only feeds output rows/columns that are discarded,
/// so it never hides a NaN or ∞ of a real element.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[0..rows, 0..kc] (A at <paramref name="a"/>, leading dimension <paramref name="lda"/>)
    /// into panels of <paramref name="mr"/> rows: panel r holds <c>dst[r*mr*kc + p*mr + i]</c>.
    /// </summary>
    public static void PackA<T>(bool transA, T* a, nint lda, int rows, int kc, int mr, T* dst) where T : unmanaged
    {
        for (int r0 = 0; r0 < rows; r0 += mr, dst += mr * kc)
        {
            int mrows = Math.Min(mr, rows - r0);
            if (transA)
            {
                // op(A)(i, p) = a[p*lda + i]: each p is a contiguous run of mrows elements.
                T* src = a + r0;
                for (int p = 0; p < kc; p++, src += lda)
                {
                    T* d = dst + p * mr;
                    int i = 0;
                    for (; i < mrows; i++) d[i] = src[i];
                    for (; i < mr; i++) d[i] = default;
                }
            }
            else
            {
                // op(A)(i, p) = a[i*lda + p]: read rows sequentially, write with stride mr.
                for (int i = 0; i < mrows; i++)
                {
                    T* src = a + (r0 + i) * lda;
                    T* d = dst + i;
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                }
                for (int i = mrows; i < mr; i++)
                    for (int p = 0; p < kc; p++) dst[p * mr + i] = default;
            }
        }
    }

    /// <summary>
    /// Packs op(B)[0..kc, 0..cols] (B at <paramref name="b"/>, leading dimension <paramref name="ldb"/>)
    /// into panels of <paramref name="nr"/> columns: panel s holds <c>dst[s*nr*kc + p*nr + j]</c>.
    /// </summary>
    public static void PackB<T>(bool transB, T* b, nint ldb, int kc, int cols, int nr, T* dst) where T : unmanaged
    {
        for (int s0 = 0; s0 < cols; s0 += nr, dst += nr * kc)
        {
            int ncols = Math.Min(nr, cols - s0);
            if (!transB)
            {
                // op(B)(p, j) = b[p*ldb + j]: each p is a contiguous run of ncols elements.
                T* src = b + s0;
                if (ncols == nr)
                    for (int p = 0; p < kc; p++, src += ldb) CopyRow(src, dst + p * nr, nr);
                else
                    for (int p = 0; p < kc; p++, src += ldb)
                    {
                        T* d = dst + p * nr;
                        int j = 0;
                        for (; j < ncols; j++) d[j] = src[j];
                        for (; j < nr; j++) d[j] = default;
                    }
            }
            else
            {
                // op(B)(p, j) = b[j*ldb + p]: read rows of the stored B, write with stride nr.
                for (int j = 0; j < ncols; j++)
                {
                    T* src = b + (s0 + j) * ldb;
                    T* d = dst + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                }
                for (int j = ncols; j < nr; j++)
                    for (int p = 0; p < kc; p++) dst[p * nr + j] = default;
            }
        }
    }

    private static void CopyRow<T>(T* src, T* dst, int count) where T : unmanaged
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j <= count - Vector512<T>.Count; j += Vector512<T>.Count)
                Vector512.Store(Vector512.Load(src + j), dst + j);
        for (; j <= count - Vector256<T>.Count; j += Vector256<T>.Count)
            Vector256.Store(Vector256.Load(src + j), dst + j);
        for (; j < count; j++) dst[j] = src[j];
    }
}
