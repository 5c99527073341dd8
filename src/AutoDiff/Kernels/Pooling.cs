using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoDiff.Kernels;

/// <summary>
/// The sizes of a 2-d pooling over [N, C, H, W] with a square window of <see cref="K"/> and stride
/// <see cref="S"/>, no padding: the output is [N, C, OH, OW] with <c>OH = ⌊(H − K)/S⌋ + 1</c> (OW alike);
/// window (i, j) covers rows i·S … i·S + K − 1 and columns j·S … j·S + K − 1.
/// </summary>
internal readonly struct Pool2dGeometry(int n, int c, int h, int w, int k, int s)
{
    public readonly int N = n, C = c, H = h, W = w, K = k, S = s;
    public readonly int OH = (h - k) / s + 1, OW = (w - k) / s + 1;
    public int Planes => N * C;
    public int InputPlane => H * W;
    public int OutputPlane => OH * OW;
}

/// <summary>
/// Max and average pooling and their adjoints. Max pooling records, per output, where in its window the
/// maximum is (<c>kh·K + kw</c>: the first on ties, the first NaN if there is one), stored as a value
/// of T so that the record can live on the tape; its adjoint <see cref="Scatter"/> adds each ȳ back at
/// that position (linear in ȳ; its own adjoint is <see cref="Gather"/>). Average pooling's adjoint
/// <see cref="AvgSpread"/> spreads ȳ/K² over the window.
/// </summary>
/// <remarks>
/// float and double gather 8 (4) windows' elements at a time with AVX2 and pick the maximum with
/// compare-and-select (no data-dependent branches); other types run scalar loops. Both walk
/// positions through two tables: each output's window origin and each window element's offset.
/// </remarks>
internal static unsafe class Pooling
{
    [ThreadStatic] private static int[]? originBuffer, offsetBuffer;

    /// <summary>y = max over each window, and the position of that maximum in its window.</summary>
    public static void MaxForward<T>(in Pool2dGeometry g, ReadOnlySpan<T> x, Span<T> y, Span<T> where) where T : IFloatingPointIeee754<T>
    {
        var (origins, offsets) = Tables(g);
        int taps = g.K * g.K;
        if (Avx2.IsSupported && typeof(T) == typeof(float))
        {
            MaxPlanes(g, Convolution.Cast<T, float>(x), Convolution.Cast<T, float>(y), Convolution.Cast<T, float>(where), origins, offsets);
            return;
        }
        if (Avx2.IsSupported && typeof(T) == typeof(double))
        {
            MaxPlanes(g, Convolution.Cast<T, double>(x), Convolution.Cast<T, double>(y), Convolution.Cast<T, double>(where), origins, offsets);
            return;
        }
        for (int plane = 0; plane < g.Planes; plane++)
        {
            var xp = x.Slice(plane * g.InputPlane, g.InputPlane);
            for (int t = 0, o = plane * g.OutputPlane; t < g.OutputPlane; t++, o++)
            {
                T m = xp[origins[t]];
                int best = 0;
                for (int k = 1; k < taps && !T.IsNaN(m); k++)
                {
                    T v = xp[origins[t] + offsets[k]];
                    if (v > m || T.IsNaN(v)) { m = v; best = k; }
                }
                y[o] = m;
                where[o] = T.CreateTruncating(best);
            }
        }
    }

    private static void MaxPlanes<T>(in Pool2dGeometry g, ReadOnlySpan<T> x, Span<T> y, Span<T> where, int[] origins, int[] offsets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x) fixed (T* py = y) fixed (T* pw = where) fixed (int* po = origins) fixed (int* pk = offsets)
            for (int plane = 0; plane < g.Planes; plane++)
                MaxPlane(g.OutputPlane, g.K * g.K, px + plane * g.InputPlane, po, pk, py + plane * g.OutputPlane, pw + plane * g.OutputPlane);
    }

    private static void MaxPlane<T>(int outputs, int taps, T* x, int* origins, int* offsets, T* y, T* where) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector256<T>.Count;
        for (int t = 0; t < outputs; t += lanes)
        {
            var m = Lanes(x, origins + t, offsets[0]);
            var at = Vector256<T>.Zero;
            for (int k = 1; k < taps; k++)
            {
                var v = Lanes(x, origins + t, offsets[k]);
                // Take v when it is larger, or when it is the first NaN (m is not NaN yet).
                var take = Vector256.GreaterThan(v, m) | (~Vector256.Equals(v, v) & Vector256.Equals(m, m));
                m = Vector256.ConditionalSelect(take, v, m);
                at = Vector256.ConditionalSelect(take, Vector256.Create(T.CreateTruncating(k)), at);
            }
            Put(m, y + t, outputs - t);
            Put(at, where + t, outputs - t);
        }
    }

    /// <summary>x̄ (+)= scatter(ȳ): each ȳ is added at the position its window's maximum came from.</summary>
    public static void Scatter<T>(in Pool2dGeometry g, ReadOnlySpan<T> gy, ReadOnlySpan<T> where, Span<T> gx, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        var (origins, offsets) = Tables(g);
        if (!accumulate) gx[..(g.Planes * g.InputPlane)].Clear();
        if (typeof(T) == typeof(float))
            ScatterPlanes(g, Convolution.Cast<T, float>(gy), Convolution.Cast<T, float>(where), Convolution.Cast<T, float>(gx), origins, offsets);
        else if (typeof(T) == typeof(double))
            ScatterPlanes(g, Convolution.Cast<T, double>(gy), Convolution.Cast<T, double>(where), Convolution.Cast<T, double>(gx), origins, offsets);
        else
            for (int plane = 0; plane < g.Planes; plane++)
            {
                var d = gx.Slice(plane * g.InputPlane, g.InputPlane);
                for (int t = 0, o = plane * g.OutputPlane; t < g.OutputPlane; t++, o++)
                    d[origins[t] + offsets[int.CreateTruncating(where[o])]] += gy[o];
            }
    }

    // The scatter without bounds checks: every position comes from the tables and a recorded window
    // position in 0..K²−1 (the ops only pass records that MaxForward wrote).
    private static void ScatterPlanes<T>(in Pool2dGeometry g, ReadOnlySpan<T> gy, ReadOnlySpan<T> where, Span<T> gx, int[] origins, int[] offsets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pgy = gy) fixed (T* pw = where) fixed (T* pgx = gx) fixed (int* po = origins) fixed (int* pk = offsets)
            for (int plane = 0; plane < g.Planes; plane++)
            {
                T* d = pgx + plane * g.InputPlane, v = pgy + plane * g.OutputPlane, at = pw + plane * g.OutputPlane;
                for (int t = 0; t < g.OutputPlane; t++) d[po[t] + pk[int.CreateTruncating(at[t])]] += v[t];
            }
    }

    /// <summary>y (+)= gather(x): each output reads the input at its window's recorded position (the adjoint of <see cref="Scatter"/>).</summary>
    public static void Gather<T>(in Pool2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> where, Span<T> y, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        var (origins, offsets) = Tables(g);
        for (int plane = 0; plane < g.Planes; plane++)
        {
            var xp = x.Slice(plane * g.InputPlane, g.InputPlane);
            for (int t = 0, o = plane * g.OutputPlane; t < g.OutputPlane; t++, o++)
            {
                T v = xp[origins[t] + offsets[int.CreateTruncating(where[o])]];
                y[o] = accumulate ? y[o] + v : v;
            }
        }
    }

    /// <summary>y (+)= the mean of each window, <c>Σ x / K²</c>.</summary>
    public static void AvgForward<T>(in Pool2dGeometry g, ReadOnlySpan<T> x, Span<T> y, bool accumulate = false) where T : IFloatingPointIeee754<T>
    {
        var (origins, offsets) = Tables(g);
        int taps = g.K * g.K;
        T scale = T.One / T.CreateTruncating(taps);
        if (!accumulate && Avx2.IsSupported && typeof(T) == typeof(float))
        {
            AvgPlanes(g, Convolution.Cast<T, float>(x), Convolution.Cast<T, float>(y), origins, offsets);
            return;
        }
        if (!accumulate && Avx2.IsSupported && typeof(T) == typeof(double))
        {
            AvgPlanes(g, Convolution.Cast<T, double>(x), Convolution.Cast<T, double>(y), origins, offsets);
            return;
        }
        for (int plane = 0; plane < g.Planes; plane++)
        {
            var xp = x.Slice(plane * g.InputPlane, g.InputPlane);
            for (int t = 0, o = plane * g.OutputPlane; t < g.OutputPlane; t++, o++)
            {
                T sum = xp[origins[t]];
                for (int k = 1; k < taps; k++) sum += xp[origins[t] + offsets[k]];
                y[o] = accumulate ? y[o] + sum * scale : sum * scale;
            }
        }
    }

    private static void AvgPlanes<T>(in Pool2dGeometry g, ReadOnlySpan<T> x, Span<T> y, int[] origins, int[] offsets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int taps = g.K * g.K;
        T scale = T.One / T.CreateTruncating(taps);
        fixed (T* px = x) fixed (T* py = y) fixed (int* po = origins) fixed (int* pk = offsets)
            for (int plane = 0; plane < g.Planes; plane++)
            {
                T* xp = px + plane * g.InputPlane, yp = py + plane * g.OutputPlane;
                for (int t = 0; t < g.OutputPlane; t += Vector256<T>.Count)
                {
                    var sum = Lanes(xp, po + t, pk[0]);
                    for (int k = 1; k < taps; k++) sum += Lanes(xp, po + t, pk[k]);
                    Put(sum * scale, yp + t, g.OutputPlane - t);
                }
            }
    }

    /// <summary>x̄ (+)= spread(ȳ): every element of a window receives ȳ/K² (the adjoint of <see cref="AvgForward"/>).</summary>
    public static void AvgSpread<T>(in Pool2dGeometry g, ReadOnlySpan<T> gy, Span<T> gx, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        var (origins, offsets) = Tables(g);
        int taps = g.K * g.K;
        if (!accumulate) gx[..(g.Planes * g.InputPlane)].Clear();
        T scale = T.One / T.CreateTruncating(taps);
        for (int plane = 0; plane < g.Planes; plane++)
        {
            var d = gx.Slice(plane * g.InputPlane, g.InputPlane);
            for (int t = 0, o = plane * g.OutputPlane; t < g.OutputPlane; t++, o++)
            {
                T v = gy[o] * scale;
                for (int k = 0; k < taps; k++) d[origins[t] + offsets[k]] += v;
            }
        }
    }

    /// <summary>
    /// Each output's window origin in its plane (<c>i·S·W + j·S</c>, padded with zeros to whole vectors)
    /// and each window element's offset from it (<c>kh·W + kw</c>), in per-thread reused arrays.
    /// </summary>
    private static (int[] Origins, int[] Offsets) Tables(in Pool2dGeometry g)
    {
        int n = (g.OutputPlane + 7) / 8 * 8;
        if (originBuffer is null || originBuffer.Length < n) originBuffer = new int[Math.Max(n, (originBuffer?.Length ?? 0) * 3 / 2)];
        if (offsetBuffer is null || offsetBuffer.Length < g.K * g.K) offsetBuffer = new int[Math.Max(g.K * g.K, (offsetBuffer?.Length ?? 0) * 3 / 2)];
        var origins = originBuffer;
        int t = 0;
        for (int i = 0; i < g.OH; i++)
            for (int j = 0; j < g.OW; j++)
                origins[t++] = i * g.S * g.W + j * g.S;
        Array.Clear(origins, t, n - t);
        for (int kh = 0, k = 0; kh < g.K; kh++)
            for (int kw = 0; kw < g.K; kw++)
                offsetBuffer[k++] = kh * g.W + kw;
        return (origins, offsetBuffer);
    }

    /// <summary>x[origins[l] + offset] for each lane l.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Lanes<T>(T* x, int* origins, int offset) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Avx2.GatherVector256((float*)x, Vector256.Load(origins) + Vector256.Create(offset), 4).As<float, T>();
        return Avx2.GatherVector256((double*)x, Vector128.Load(origins) + Vector128.Create(offset), 8).As<double, T>();
    }

    /// <summary>Stores the first min(<paramref name="count"/>, lanes) lanes of v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<T>(Vector256<T> v, T* d, int count) where T : unmanaged
    {
        if (count >= Vector256<T>.Count) { v.Store(d); return; }
        for (int l = 0; l < count; l++) d[l] = v.GetElement(l);
    }
}
