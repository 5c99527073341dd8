using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// Copies between the NCHW layout and the kernels' working layouts (<see cref="Conv2dGeometry"/>): an
/// image into zero-padded phase planes and phase planes back into an image, and outputs to and from
/// "wide" rows of pitch Ws. Rows are short (an image row), so copies use whole vectors with an
/// overlapping last one rather than a library call per row.
/// </summary>
internal static unsafe class ConvolutionLayout<T, TV, TS> where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV>
{
    /// <summary>Writes one image x [C, H, W] into its dense phase planes at <paramref name="dst"/> (every element of them).</summary>
    public static void ToPhases(in Conv2dGeometry g, T* x, T* dst)
    {
        int s = g.Stride, p = g.Padding, ws = g.Ws;
        for (int c = 0; c < g.C; c++)
        {
            T* image = x + c * g.H * g.W;
            for (int a = 0; a < s; a++)
                for (int b = 0; b < s; b++)
                {
                    T* plane = dst + c * g.ChannelLength + (a * s + b) * g.PlaneLength;
                    for (int i = 0; i < g.Hs; i++)
                    {
                        T* row = plane + i * ws;
                        int ih = i * s + a - p;
                        if ((uint)ih >= (uint)g.H) { Zero(row, ws); continue; }
                        T* src = image + ih * g.W;
                        if (s == 1)
                        {
                            // Stride 1: [p zeros | the image row | zeros to the pitch].
                            Zero(row, p);
                            Copy(src, row + p, g.W);
                            Zero(row + p + g.W, ws - p - g.W);
                            continue;
                        }
                        for (int j = 0; j < ws; j++)
                        {
                            int iw = j * s + b - p;
                            row[j] = (uint)iw < (uint)g.W ? src[iw] : T.Zero;
                        }
                    }
                }
        }
    }

    /// <summary>
    /// Writes (or adds, when <paramref name="accumulate"/>) the interior of one image's phase planes into
    /// gx [C, H, W]; plane (c, a, b) starts at <c>src + (c·s² + a·s + b)·planePitch</c>.
    /// </summary>
    public static void FromPhases(in Conv2dGeometry g, T* src, int planePitch, T* gx, bool accumulate)
    {
        int s = g.Stride, p = g.Padding, ws = g.Ws;
        for (int c = 0; c < g.C; c++)
        {
            T* channel = src + c * s * s * planePitch;
            for (int ih = 0; ih < g.H; ih++)
            {
                T* d = gx + (c * g.H + ih) * g.W;
                int r = ih + p;
                if (s == 1)
                {
                    T* row = channel + r * ws + p;
                    if (accumulate) AddTo(row, d, g.W); else Copy(row, d, g.W);
                    continue;
                }
                T* planes = channel + r % s * s * planePitch + r / s * ws;
                for (int iw = 0; iw < g.W; iw++)
                {
                    int t = iw + p;
                    T v = planes[t % s * planePitch + t / s];
                    d[iw] = accumulate ? d[iw] + v : v;
                }
            }
        }
    }

    /// <summary>Copies (or adds) wide rows (O blocks of pitch <paramref name="pitch"/>, each OH rows of Ws) into y [O, OH, OW], dropping the extra columns.</summary>
    public static void FromWide(in Conv2dGeometry g, T* wide, int pitch, T* y, bool accumulate)
    {
        for (int o = 0; o < g.O; o++)
            for (int i = 0; i < g.OH; i++)
            {
                T* row = wide + o * pitch + i * g.Ws, d = y + (o * g.OH + i) * g.OW;
                if (accumulate) AddTo(row, d, g.OW); else Copy(row, d, g.OW);
            }
    }

    /// <summary>
    /// Writes gy [O, OH, OW] as O blocks of pitch <paramref name="pitch"/>: <paramref name="front"/> zero
    /// rows of Ws, then OH rows of Ws (the extra columns zero), then zeros to the end of the block.
    /// </summary>
    public static void ToWide(in Conv2dGeometry g, T* gy, T* wide, int pitch, int front)
    {
        for (int o = 0; o < g.O; o++)
        {
            T* block = wide + o * pitch;
            Zero(block, front * g.Ws);
            T* rows = block + front * g.Ws;
            for (int i = 0; i < g.OH; i++)
            {
                T* row = rows + i * g.Ws;
                Copy(gy + (o * g.OH + i) * g.OW, row, g.OW);
                Zero(row + g.OW, g.Ws - g.OW);
            }
            Zero(rows + g.WideLength, pitch - front * g.Ws - g.WideLength);
        }
    }

    /// <summary>d[0..n) = s[0..n): whole vectors, the last one overlapping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(T* s, T* d, int n)
    {
        int w = TS.Count;
        if (n < w) { for (int i = 0; i < n; i++) d[i] = s[i]; return; }
        int k = 0;
        for (; k <= n - w; k += w) TS.Store(d + k, TS.Load(s + k));
        if (k < n) TS.Store(d + n - w, TS.Load(s + n - w));
    }

    /// <summary>d[0..n) = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zero(T* d, int n)
    {
        int w = TS.Count;
        if (n < w) { for (int i = 0; i < n; i++) d[i] = T.Zero; return; }
        TV z = TS.Splat(T.Zero);
        int k = 0;
        for (; k <= n - w; k += w) TS.Store(d + k, z);
        if (k < n) TS.Store(d + n - w, z);
    }

    /// <summary>d[0..n) += s[0..n): whole vectors, then half vectors, then single elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo(T* s, T* d, int n)
    {
        int w = TS.Count, k = 0;
        for (; k <= n - w; k += w) TS.Store(d + k, TS.Add(TS.Load(d + k), TS.Load(s + k)));
        if (Vector256.IsHardwareAccelerated && w > Vector256<T>.Count && k <= n - Vector256<T>.Count)
        {
            (Vector256.Load(d + k) + Vector256.Load(s + k)).Store(d + k);
            k += Vector256<T>.Count;
        }
        for (; k < n; k++) d[k] += s[k];
    }
}
