using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoDiff.Kernels;

/// <summary>
/// Runs the three convolution maps (<see cref="Convolution"/>) as implicit GEMMs over the phase-plane
/// layout with the register tiles of <see cref="ConvolutionTiles{T, TV, TS}"/>. Scratch (phase planes,
/// wide rows, packed weights, offset tables) is per thread, pinned and reused: after the first call
/// with a given geometry nothing is allocated.
/// </summary>
internal static unsafe class ConvolutionDriver<T, TV, TS> where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV>
{
    /// <summary>The phase planes and wide rows of the weight gradient's image chunk stay within this many elements (L2).</summary>
    internal static int ChunkBudget = 1 << 18;

    [ThreadStatic] private static T[]? planesBuffer, wideBuffer, packedBuffer;
    [ThreadStatic] private static int[]? tapBuffer, rowBuffer;

    // y (+)= x ⋆ w. Per image: phase planes, then per group and panel of output channels
    // y_wide[o, q] = Σ_p w[o, p]·planes[tap(p) + q], then the wide rows are copied into y.
    public static void Forward(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, bool accumulate)
    {
        int rows = g.Og > 4 ? 8 : 4, cols = rows == 8 ? 2 * TS.Count : 4 * TS.Count;
        int pitch = RoundUp(g.WideLength, 4 * TS.Count);
        int panels = Ceil(g.Og, rows);
        T* planes = Buffer(ref planesBuffer, g.ImageLength + g.Slack(pitch));
        T* wide = Buffer(ref wideBuffer, g.O * pitch);
        T* packed = Buffer(ref packedBuffer, g.Groups * panels * rows * g.Kg);
        int* taps = Ints(ref tapBuffer, g.Kg);
        int p = 0;
        for (int c = 0; c < g.Cg; c++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                    taps[p++] = g.TapOffset(c, kh, kw);
        int* rowOffsets = Ints(ref rowBuffer, rows);
        for (int r = 0; r < rows; r++) rowOffsets[r] = r * pitch;
        fixed (T* pw = w)
            for (int gi = 0; gi < g.Groups; gi++)
                for (int panel = 0; panel < panels; panel++)
                {
                    T* a = packed + (gi * panels + panel) * rows * g.Kg;
                    for (int k = 0; k < g.Kg; k++)
                        for (int r = 0, o = panel * rows; r < rows; r++, o++)
                            a[k * rows + r] = o < g.Og ? pw[(gi * g.Og + o) * g.Kg + k] : T.Zero;
                }
        ConvolutionLayout<T, TV, TS>.Zero(planes + g.ImageLength, g.Slack(pitch));
        fixed (T* px = x)
        fixed (T* py = y)
            for (int n = 0; n < g.N; n++)
            {
                ConvolutionLayout<T, TV, TS>.ToPhases(g, px + (long)n * g.InputLength, planes);
                for (int gi = 0; gi < g.Groups; gi++)
                {
                    T* src = planes + gi * g.Cg * g.ChannelLength;
                    for (int panel = 0; panel < panels; panel++)
                    {
                        T* a = packed + (gi * panels + panel) * rows * g.Kg;
                        T* dst = wide + (gi * g.Og + panel * rows) * pitch;
                        int valid = Math.Min(rows, g.Og - panel * rows);
                        for (int q = 0; q < g.WideLength; q += cols)
                        {
                            if (rows == 8) ConvolutionTiles<T, TV, TS>.Rows8(g.Kg, a, src + q, taps, dst + q, rowOffsets, valid);
                            else ConvolutionTiles<T, TV, TS>.Rows4(g.Kg, a, src + q, taps, dst + q, rowOffsets, valid);
                        }
                    }
                }
                ConvolutionLayout<T, TV, TS>.FromWide(g, wide, pitch, py + (long)n * g.OutputLength, accumulate);
            }
    }

    // x̄ (+)= w ⋆ᵀ ȳ. Per image: ȳ as wide rows (zeros in the extra columns), then per group a GEMM
    // into one wide row per tap, cols[p, q] = Σ_o w[o, p]·ȳ_wide[o, q], then col2im: each tap's row is
    // added into the phase planes at the tap's offset (whole rows, so a row never waits on the
    // stores of the row before it), and the planes' interior is copied (or added) into x̄.
    public static void BackwardInput(in Conv2dGeometry g, ReadOnlySpan<T> gy, ReadOnlySpan<T> w, Span<T> gx, bool accumulate)
    {
        int rows = g.Kg > 4 ? 8 : 4, cols = rows == 8 ? 2 * TS.Count : 4 * TS.Count;
        int pitch = RoundUp(g.WideLength, 4 * TS.Count);
        int panels = Ceil(g.Kg, rows);
        T* planes = Buffer(ref planesBuffer, g.ImageLength + g.Slack(pitch));
        T* wide = Buffer(ref wideBuffer, g.O * pitch + panels * rows * pitch);
        T* columns = wide + g.O * pitch;
        T* packed = Buffer(ref packedBuffer, g.Groups * panels * rows * g.Og);
        int* taps = Ints(ref tapBuffer, g.Kg);
        int p = 0;
        for (int c = 0; c < g.Cg; c++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                    taps[p++] = g.TapOffset(c, kh, kw);
        int* offsets = Ints(ref rowBuffer, g.Og + rows);
        int* rowOffsets = offsets + g.Og;
        for (int o = 0; o < g.Og; o++) offsets[o] = o * pitch;
        for (int r = 0; r < rows; r++) rowOffsets[r] = r * pitch;
        fixed (T* pw = w)
            for (int gi = 0; gi < g.Groups; gi++)
                for (int panel = 0; panel < panels; panel++)
                {
                    T* a = packed + (gi * panels + panel) * rows * g.Og;
                    for (int o = 0; o < g.Og; o++)
                        for (int r = 0, k = panel * rows; r < rows; r++, k++)
                            a[o * rows + r] = k < g.Kg ? pw[(gi * g.Og + o) * g.Kg + k] : T.Zero;
                }
        fixed (T* pgy = gy)
        fixed (T* pgx = gx)
            for (int n = 0; n < g.N; n++)
            {
                ConvolutionLayout<T, TV, TS>.ToWide(g, pgy + (long)n * g.OutputLength, wide, pitch, front: 0);
                ConvolutionLayout<T, TV, TS>.Zero(planes, g.ImageLength + g.Slack(pitch));
                for (int gi = 0; gi < g.Groups; gi++)
                {
                    T* src = wide + gi * g.Og * pitch;
                    T* dst = planes + gi * g.Cg * g.ChannelLength;
                    for (int panel = 0; panel < panels; panel++)
                    {
                        T* a = packed + (gi * panels + panel) * rows * g.Og;
                        int valid = Math.Min(rows, g.Kg - panel * rows);
                        for (int q = 0; q < g.WideLength; q += cols)
                        {
                            if (rows == 8) ConvolutionTiles<T, TV, TS>.Rows8(g.Og, a, src + q, offsets, columns + q, rowOffsets, valid);
                            else ConvolutionTiles<T, TV, TS>.Rows4(g.Og, a, src + q, offsets, columns + q, rowOffsets, valid);
                        }
                        // The extra columns and the tail of each row are Σ w·0 = 0, so whole rows are added.
                        for (int r = 0; r < valid; r++)
                            ConvolutionLayout<T, TV, TS>.AddTo(columns + r * pitch, dst + taps[panel * rows + r], RoundUp(g.WideLength, cols));
                    }
                }
                ConvolutionLayout<T, TV, TS>.FromPhases(g, planes, g.PlaneLength, pgx + (long)n * g.InputLength, accumulate);
            }
    }

    // w̄ (+)= x ⋆_w ȳ. Per chunk of images (phase planes and wide ȳ rows of the chunk in L2), per 4 output
    // channels × 6 taps: w̄[o, p] = Σ_{n, q} ȳ_wide[n, o, q]·planes[n, tap(p) + q], reduced once per chunk.
    public static void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> gy, Span<T> gw, bool accumulate)
    {
        int pitch = RoundUp(g.WideLength, TS.Count), vectors = pitch / TS.Count;
        int imageWide = g.O * pitch;
        int chunk = Math.Clamp(ChunkBudget / (g.ImageLength + imageWide), 1, Math.Max(g.N, 1));
        T* planes = Buffer(ref planesBuffer, chunk * g.ImageLength + g.Slack(pitch));
        T* wide = Buffer(ref wideBuffer, chunk * imageWide);
        int* taps = Ints(ref tapBuffer, g.Kg);
        int p = 0;
        for (int c = 0; c < g.Cg; c++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                    taps[p++] = g.TapOffset(c, kh, kw);
        int* offsets = Ints(ref rowBuffer, 10);
        T* sums = stackalloc T[24];
        if (!accumulate) gw[..g.WeightLength].Clear();
        fixed (T* px = x)
        fixed (T* pgy = gy)
        fixed (T* pgw = gw)
            for (int n0 = 0; n0 < g.N; n0 += chunk)
            {
                int count = Math.Min(chunk, g.N - n0);
                for (int n = 0; n < count; n++)
                {
                    ConvolutionLayout<T, TV, TS>.ToPhases(g, px + (long)(n0 + n) * g.InputLength, planes + n * g.ImageLength);
                    ConvolutionLayout<T, TV, TS>.ToWide(g, pgy + (long)(n0 + n) * g.OutputLength, wide + n * imageWide, pitch, front: 0);
                }
                ConvolutionLayout<T, TV, TS>.Zero(planes + count * g.ImageLength, g.Slack(pitch));
                for (int gi = 0; gi < g.Groups; gi++)
                    for (int o0 = 0; o0 < g.Og; o0 += 4)
                    {
                        // Rows past the last channel repeat a valid one; their sums are dropped.
                        for (int i = 0; i < 4; i++) offsets[i] = (gi * g.Og + Math.Min(o0 + i, g.Og - 1)) * pitch;
                        for (int p0 = 0; p0 < g.Kg; p0 += 6)
                        {
                            for (int j = 0; j < 6; j++) offsets[4 + j] = gi * g.Cg * g.ChannelLength + taps[Math.Min(p0 + j, g.Kg - 1)];
                            ConvolutionTiles<T, TV, TS>.Dots4x6(count, vectors, wide, imageWide, offsets, planes, g.ImageLength, offsets + 4, sums);
                            for (int i = 0; i < 4 && o0 + i < g.Og; i++)
                            {
                                T* row = pgw + (gi * g.Og + o0 + i) * g.Kg;
                                for (int j = 0; j < 6 && p0 + j < g.Kg; j++) row[p0 + j] += sums[i * 6 + j];
                            }
                        }
                    }
            }
    }

    /// <summary>A 64-byte-aligned pointer into this thread's pinned, reusable array of at least <paramref name="length"/> elements.</summary>
    private static T* Buffer(ref T[]? array, int length)
    {
        int pad = 64 / sizeof(T);
        if (array is null || array.Length < length + pad)
            array = GC.AllocateUninitializedArray<T>(Math.Max(length + pad, (array?.Length ?? 0) * 3 / 2), pinned: true);
        nint p = (nint)Unsafe.AsPointer(ref array[0]);
        return (T*)((p + 63) & ~(nint)63);
    }

    private static int* Ints(ref int[]? array, int length)
    {
        if (array is null || array.Length < length)
            array = GC.AllocateUninitializedArray<int>(Math.Max(length, (array?.Length ?? 0) * 3 / 2), pinned: true);
        return (int*)Unsafe.AsPointer(ref array[0]);
    }

    private static int Ceil(int x, int d) => (x + d - 1) / d;
    private static int RoundUp(int x, int d) => Ceil(x, d) * d;
}
