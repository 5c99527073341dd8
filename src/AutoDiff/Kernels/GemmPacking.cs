using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(bool transA, T* a, nint lda, int rows, int kc, int mr, T* dst) where T : unmanaged
    {
        for (int r0 = 0; r0 < rows; r0 += mr, dst += mr * kc)
        {
            int mrows = Math.Min(mr, rows - r0);
            if (transA)
            {
                // op(A)(i, p) = a[p*lda + i]: each p is a contiguous run of mrows elements.
                T* src = a + r0;
                if (mrows == mr)
                    for (int p = 0; p < kc; p++, src += lda) CopyRow(src, dst + p * mr, mr);
                else
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
                // op(A)(i, p) = a[i*lda + p]: 8×8 transposes when the panel is 8 full float rows,
                // otherwise read rows sequentially and write with stride mr.
                int p0 = 0;
                if (typeof(T) == typeof(float) && Avx.IsSupported && mr == 8 && mrows == 8)
                    for (; p0 <= kc - 8; p0 += 8)
                        Transpose8x8((float*)(a + r0 * lda + p0), lda, (float*)(dst + p0 * 8), 8);
                for (int i = 0; i < mrows; i++)
                {
                    T* src = a + (r0 + i) * lda;
                    T* d = dst + i;
                    for (int p = p0; p < kc; p++) d[p * mr] = src[p];
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                // op(B)(p, j) = b[j*ldb + p]: 8×8 transposes for groups of 8 full float columns,
                // then the rest read along the stored rows and written with stride nr.
                int j0 = 0;
                if (typeof(T) == typeof(float) && Avx.IsSupported && kc >= 8)
                    for (; j0 <= ncols - 8; j0 += 8)
                    {
                        int p = 0;
                        for (; p <= kc - 8; p += 8)
                            Transpose8x8((float*)(b + (s0 + j0) * ldb + p), ldb, (float*)(dst + p * nr + j0), nr);
                        for (int j = j0; j < j0 + 8; j++)
                            for (int q = p; q < kc; q++) dst[q * nr + j] = b[(s0 + j) * ldb + q];
                    }
                for (int j = j0; j < ncols; j++)
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

    /// <summary>dst[c*dstStride + r] = src[r*srcStride + c] for r, c in 0..8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride);
        var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride);
        var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Avx.LoadVector256(src + 6 * srcStride);
        var r7 = Avx.LoadVector256(src + 7 * srcStride);
        // Interleave pairs of rows: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], ...
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        // Groups of four rows: s0 = column 0 of rows 0..3 | column 4 of rows 0..3, ...
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Join the 128-bit halves of rows 0..3 and 4..7.
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
