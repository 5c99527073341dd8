using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>One SIMD width as an operator struct, so each register tile is written once for Vector512 and Vector256.</summary>
internal unsafe interface ISimd<T, TV> where T : unmanaged
{
    static abstract int Count { get; }
    static abstract TV Load(T* p);
    static abstract void Store(T* p, TV v);
    static abstract TV Splat(T x);
    /// <summary><c>a·b + c</c>, fused.</summary>
    static abstract TV Fma(TV a, TV b, TV c);
    static abstract TV Add(TV a, TV b);
    static abstract T Sum(TV v);
}

internal readonly unsafe struct Simd512<T> : ISimd<T, Vector512<T>> where T : unmanaged
{
    public static int Count => Vector512<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(T* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T* p, Vector512<T> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Splat(T x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c) => VectorFma.Fma(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector512<T> v) => Vector512.Sum(v);
}

internal readonly unsafe struct Simd256<T> : ISimd<T, Vector256<T>> where T : unmanaged
{
    public static int Count => Vector256<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(T* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T* p, Vector256<T> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Splat(T x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c) => VectorFma.Fma(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector256<T> v) => Vector256.Sum(v);
}

/// <summary>
/// The register tiles of the convolution kernels (<see cref="Convolution"/>). Each is a small GEMM
/// whose rows are read from or written to arbitrary offsets (a table), which is how a convolution's
/// taps become shifted views of the image without an im2col copy.
/// </summary>
internal static unsafe class ConvolutionTiles<T, TV, TS> where T : unmanaged where TS : ISimd<T, TV>
{
    /// <summary>
    /// An 8-row × 2-vector tile: <c>acc[r, v] = Σ_{p&lt;k} a[p·8 + r] · src[srcOff[p] + v·w]</c>, then for each of
    /// the first <paramref name="rows"/> rows <c>dst[dstOff[r] + v·w] = acc</c>.
    /// <paramref name="a"/> is a packed panel, 8 values per step, zero in unused rows.
    /// </summary>
    public static void Rows8(int k, T* a, T* src, int* srcOff, T* dst, int* dstOff, int rows)
    {
        int w = TS.Count;
        TV c00 = default!, c01 = default!, c10 = default!, c11 = default!, c20 = default!, c21 = default!, c30 = default!, c31 = default!;
        TV c40 = default!, c41 = default!, c50 = default!, c51 = default!, c60 = default!, c61 = default!, c70 = default!, c71 = default!;
        for (int p = 0; p < k; p++, a += 8)
        {
            T* b = src + srcOff[p];
            TV b0 = TS.Load(b), b1 = TS.Load(b + w), x;
            x = TS.Splat(a[0]); c00 = TS.Fma(x, b0, c00); c01 = TS.Fma(x, b1, c01);
            x = TS.Splat(a[1]); c10 = TS.Fma(x, b0, c10); c11 = TS.Fma(x, b1, c11);
            x = TS.Splat(a[2]); c20 = TS.Fma(x, b0, c20); c21 = TS.Fma(x, b1, c21);
            x = TS.Splat(a[3]); c30 = TS.Fma(x, b0, c30); c31 = TS.Fma(x, b1, c31);
            x = TS.Splat(a[4]); c40 = TS.Fma(x, b0, c40); c41 = TS.Fma(x, b1, c41);
            x = TS.Splat(a[5]); c50 = TS.Fma(x, b0, c50); c51 = TS.Fma(x, b1, c51);
            x = TS.Splat(a[6]); c60 = TS.Fma(x, b0, c60); c61 = TS.Fma(x, b1, c61);
            x = TS.Splat(a[7]); c70 = TS.Fma(x, b0, c70); c71 = TS.Fma(x, b1, c71);
        }
        Put2(dst + dstOff[0], c00, c01);
        if (rows > 1) Put2(dst + dstOff[1], c10, c11);
        if (rows > 2) Put2(dst + dstOff[2], c20, c21);
        if (rows > 3) Put2(dst + dstOff[3], c30, c31);
        if (rows > 4) Put2(dst + dstOff[4], c40, c41);
        if (rows > 5) Put2(dst + dstOff[5], c50, c51);
        if (rows > 6) Put2(dst + dstOff[6], c60, c61);
        if (rows > 7) Put2(dst + dstOff[7], c70, c71);
    }

    /// <summary>
    /// An 8-row × 3-vector tile, otherwise as <see cref="Rows8"/>: 24 accumulators, so each step's 3 loads
    /// and 8 broadcasts feed 24 multiply-adds (the forward convolution's tile).
    /// </summary>
    public static void Rows8x3(int k, T* a, T* src, int* srcOff, T* dst, int* dstOff, int rows)
    {
        int w = TS.Count;
        TV c00 = default!, c01 = default!, c02 = default!, c10 = default!, c11 = default!, c12 = default!;
        TV c20 = default!, c21 = default!, c22 = default!, c30 = default!, c31 = default!, c32 = default!;
        TV c40 = default!, c41 = default!, c42 = default!, c50 = default!, c51 = default!, c52 = default!;
        TV c60 = default!, c61 = default!, c62 = default!, c70 = default!, c71 = default!, c72 = default!;
        for (int p = 0; p < k; p++, a += 8)
        {
            T* b = src + srcOff[p];
            TV b0 = TS.Load(b), b1 = TS.Load(b + w), b2 = TS.Load(b + 2 * w), x;
            x = TS.Splat(a[0]); c00 = TS.Fma(x, b0, c00); c01 = TS.Fma(x, b1, c01); c02 = TS.Fma(x, b2, c02);
            x = TS.Splat(a[1]); c10 = TS.Fma(x, b0, c10); c11 = TS.Fma(x, b1, c11); c12 = TS.Fma(x, b2, c12);
            x = TS.Splat(a[2]); c20 = TS.Fma(x, b0, c20); c21 = TS.Fma(x, b1, c21); c22 = TS.Fma(x, b2, c22);
            x = TS.Splat(a[3]); c30 = TS.Fma(x, b0, c30); c31 = TS.Fma(x, b1, c31); c32 = TS.Fma(x, b2, c32);
            x = TS.Splat(a[4]); c40 = TS.Fma(x, b0, c40); c41 = TS.Fma(x, b1, c41); c42 = TS.Fma(x, b2, c42);
            x = TS.Splat(a[5]); c50 = TS.Fma(x, b0, c50); c51 = TS.Fma(x, b1, c51); c52 = TS.Fma(x, b2, c52);
            x = TS.Splat(a[6]); c60 = TS.Fma(x, b0, c60); c61 = TS.Fma(x, b1, c61); c62 = TS.Fma(x, b2, c62);
            x = TS.Splat(a[7]); c70 = TS.Fma(x, b0, c70); c71 = TS.Fma(x, b1, c71); c72 = TS.Fma(x, b2, c72);
        }
        Put3(dst + dstOff[0], c00, c01, c02);
        if (rows > 1) Put3(dst + dstOff[1], c10, c11, c12);
        if (rows > 2) Put3(dst + dstOff[2], c20, c21, c22);
        if (rows > 3) Put3(dst + dstOff[3], c30, c31, c32);
        if (rows > 4) Put3(dst + dstOff[4], c40, c41, c42);
        if (rows > 5) Put3(dst + dstOff[5], c50, c51, c52);
        if (rows > 6) Put3(dst + dstOff[6], c60, c61, c62);
        if (rows > 7) Put3(dst + dstOff[7], c70, c71, c72);
    }

    /// <summary>
    /// The same product for narrow problems: up to 4 rows (a packs 4 values per step) × 4 vectors, so that
    /// one or two rows still keep enough independent FMA chains in flight.
    /// </summary>
    public static void Rows4(int k, T* a, T* src, int* srcOff, T* dst, int* dstOff, int rows)
    {
        int w = TS.Count;
        TV c00 = default!, c01 = default!, c02 = default!, c03 = default!, c10 = default!, c11 = default!, c12 = default!, c13 = default!;
        TV c20 = default!, c21 = default!, c22 = default!, c23 = default!, c30 = default!, c31 = default!, c32 = default!, c33 = default!;
        for (int p = 0; p < k; p++, a += 4)
        {
            T* b = src + srcOff[p];
            TV b0 = TS.Load(b), b1 = TS.Load(b + w), b2 = TS.Load(b + 2 * w), b3 = TS.Load(b + 3 * w), x;
            x = TS.Splat(a[0]); c00 = TS.Fma(x, b0, c00); c01 = TS.Fma(x, b1, c01); c02 = TS.Fma(x, b2, c02); c03 = TS.Fma(x, b3, c03);
            if (rows > 1) { x = TS.Splat(a[1]); c10 = TS.Fma(x, b0, c10); c11 = TS.Fma(x, b1, c11); c12 = TS.Fma(x, b2, c12); c13 = TS.Fma(x, b3, c13); }
            if (rows > 2) { x = TS.Splat(a[2]); c20 = TS.Fma(x, b0, c20); c21 = TS.Fma(x, b1, c21); c22 = TS.Fma(x, b2, c22); c23 = TS.Fma(x, b3, c23); }
            if (rows > 3) { x = TS.Splat(a[3]); c30 = TS.Fma(x, b0, c30); c31 = TS.Fma(x, b1, c31); c32 = TS.Fma(x, b2, c32); c33 = TS.Fma(x, b3, c33); }
        }
        Put4(dst + dstOff[0], c00, c01, c02, c03);
        if (rows > 1) Put4(dst + dstOff[1], c10, c11, c12, c13);
        if (rows > 2) Put4(dst + dstOff[2], c20, c21, c22, c23);
        if (rows > 3) Put4(dst + dstOff[3], c30, c31, c32, c33);
    }

    /// <summary>
    /// The weight-gradient tile, a 4 × 6 block of dot products over a long common axis:
    /// <c>out[i·6 + j] = Σ_{images} Σ_{v&lt;vectors} g[gOff[i] + v·w] · src[srcOff[j] + v·w]</c>, with g and src
    /// advancing by their image strides. Each sum runs in vector lanes and is reduced once at the end.
    /// </summary>
    public static void Dots4x6(int images, int vectors, T* g, nint gImage, int* gOff, T* src, nint srcImage, int* srcOff, T* result)
    {
        int w = TS.Count;
        TV c00 = default!, c01 = default!, c02 = default!, c03 = default!, c04 = default!, c05 = default!;
        TV c10 = default!, c11 = default!, c12 = default!, c13 = default!, c14 = default!, c15 = default!;
        TV c20 = default!, c21 = default!, c22 = default!, c23 = default!, c24 = default!, c25 = default!;
        TV c30 = default!, c31 = default!, c32 = default!, c33 = default!, c34 = default!, c35 = default!;
        for (int n = 0; n < images; n++, g += gImage, src += srcImage)
        {
            T* g0 = g + gOff[0], g1 = g + gOff[1], g2 = g + gOff[2], g3 = g + gOff[3];
            T* s0 = src + srcOff[0], s1 = src + srcOff[1], s2 = src + srcOff[2], s3 = src + srcOff[3], s4 = src + srcOff[4], s5 = src + srcOff[5];
            for (int v = 0; v < vectors; v++)
            {
                int q = v * w;
                TV a0 = TS.Load(g0 + q), a1 = TS.Load(g1 + q), a2 = TS.Load(g2 + q), a3 = TS.Load(g3 + q), b;
                b = TS.Load(s0 + q); c00 = TS.Fma(a0, b, c00); c10 = TS.Fma(a1, b, c10); c20 = TS.Fma(a2, b, c20); c30 = TS.Fma(a3, b, c30);
                b = TS.Load(s1 + q); c01 = TS.Fma(a0, b, c01); c11 = TS.Fma(a1, b, c11); c21 = TS.Fma(a2, b, c21); c31 = TS.Fma(a3, b, c31);
                b = TS.Load(s2 + q); c02 = TS.Fma(a0, b, c02); c12 = TS.Fma(a1, b, c12); c22 = TS.Fma(a2, b, c22); c32 = TS.Fma(a3, b, c32);
                b = TS.Load(s3 + q); c03 = TS.Fma(a0, b, c03); c13 = TS.Fma(a1, b, c13); c23 = TS.Fma(a2, b, c23); c33 = TS.Fma(a3, b, c33);
                b = TS.Load(s4 + q); c04 = TS.Fma(a0, b, c04); c14 = TS.Fma(a1, b, c14); c24 = TS.Fma(a2, b, c24); c34 = TS.Fma(a3, b, c34);
                b = TS.Load(s5 + q); c05 = TS.Fma(a0, b, c05); c15 = TS.Fma(a1, b, c15); c25 = TS.Fma(a2, b, c25); c35 = TS.Fma(a3, b, c35);
            }
        }
        result[0] = TS.Sum(c00); result[1] = TS.Sum(c01); result[2] = TS.Sum(c02); result[3] = TS.Sum(c03); result[4] = TS.Sum(c04); result[5] = TS.Sum(c05);
        result[6] = TS.Sum(c10); result[7] = TS.Sum(c11); result[8] = TS.Sum(c12); result[9] = TS.Sum(c13); result[10] = TS.Sum(c14); result[11] = TS.Sum(c15);
        result[12] = TS.Sum(c20); result[13] = TS.Sum(c21); result[14] = TS.Sum(c22); result[15] = TS.Sum(c23); result[16] = TS.Sum(c24); result[17] = TS.Sum(c25);
        result[18] = TS.Sum(c30); result[19] = TS.Sum(c31); result[20] = TS.Sum(c32); result[21] = TS.Sum(c33); result[22] = TS.Sum(c34); result[23] = TS.Sum(c35);
    }

    /// <summary>
    /// The channel-vector weight-gradient tile: 8 taps × one vector of output channels,
    /// <c>acc[r] = Σ_{images} Σ_{q&lt;count} g[q·ldg .. + w] · src[rows[q] + taps[r]]</c> (a vector of ȳ over
    /// channels times a broadcast input value), with g and src advancing by their image strides; the
    /// 8 vectors go to <c>result</c>. Lanes are channels, so nothing is reduced across lanes.
    /// </summary>
    public static void ChannelDots8(int images, int count, T* g, nint gImage, nint ldg, T* src, nint srcImage, int* rows, int* taps, T* result)
    {
        TV c0 = default!, c1 = default!, c2 = default!, c3 = default!, c4 = default!, c5 = default!, c6 = default!, c7 = default!;
        int t0 = taps[0], t1 = taps[1], t2 = taps[2], t3 = taps[3], t4 = taps[4], t5 = taps[5], t6 = taps[6], t7 = taps[7];
        for (int n = 0; n < images; n++, g += gImage, src += srcImage)
        {
            T* gq = g;
            for (int q = 0; q < count; q++, gq += ldg)
            {
                TV v = TS.Load(gq);
                T* s = src + rows[q];
                c0 = TS.Fma(v, TS.Splat(s[t0]), c0); c1 = TS.Fma(v, TS.Splat(s[t1]), c1);
                c2 = TS.Fma(v, TS.Splat(s[t2]), c2); c3 = TS.Fma(v, TS.Splat(s[t3]), c3);
                c4 = TS.Fma(v, TS.Splat(s[t4]), c4); c5 = TS.Fma(v, TS.Splat(s[t5]), c5);
                c6 = TS.Fma(v, TS.Splat(s[t6]), c6); c7 = TS.Fma(v, TS.Splat(s[t7]), c7);
            }
        }
        int w = TS.Count;
        TS.Store(result, c0); TS.Store(result + w, c1); TS.Store(result + 2 * w, c2); TS.Store(result + 3 * w, c3);
        TS.Store(result + 4 * w, c4); TS.Store(result + 5 * w, c5); TS.Store(result + 6 * w, c6); TS.Store(result + 7 * w, c7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put2(T* d, TV v0, TV v1)
    {
        int w = TS.Count;
        TS.Store(d, v0);
        TS.Store(d + w, v1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put3(T* d, TV v0, TV v1, TV v2)
    {
        int w = TS.Count;
        TS.Store(d, v0);
        TS.Store(d + w, v1);
        TS.Store(d + 2 * w, v2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put4(T* d, TV v0, TV v1, TV v2, TV v3)
    {
        int w = TS.Count;
        TS.Store(d, v0); TS.Store(d + w, v1); TS.Store(d + 2 * w, v2); TS.Store(d + 3 * w, v3);
    }
}
