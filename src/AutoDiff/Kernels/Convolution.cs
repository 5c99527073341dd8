using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// The three linear maps of a 2-d convolution (<see cref="Conv2dGeometry"/>), which are also each
/// other's adjoints, so that a convolution's derivatives of any order are built from them:
/// <list type="bullet">
/// <item><see cref="Forward"/>: <c>y = x ⋆ w</c>;</item>
/// <item><see cref="BackwardInput"/>: <c>x̄ (+)= w ⋆ᵀ ȳ</c>, the transposed convolution (the adjoint of x ↦ x ⋆ w);</item>
/// <item><see cref="BackwardWeight"/>: <c>w̄ (+)= x ⋆_w ȳ</c>, the correlation of input and output gradient (the adjoint of w ↦ x ⋆ w).</item>
/// </list>
/// </summary>
/// <remarks>
/// float and double run implicit GEMMs on the phase-plane layout (see <see cref="Conv2dGeometry"/>) with
/// Vector512 register tiles (Vector256 where 512-bit vectors are not accelerated), one image at a time
/// through small per-thread scratch buffers that stay in L1/L2; other element types run the
/// definition's nested loops. Reduction orders depend only on the geometry. The zero padding and the
/// discarded "wide" columns are multiplied like real zeros, so a non-finite weight or input value can
/// turn more gradient elements into NaN than the exact sum would (as with PyTorch's zero padding).
/// </remarks>
internal static class Convolution
{
    /// <summary><c>y = x ⋆ w</c>, or <c>y += x ⋆ w</c> when <paramref name="accumulate"/>.</summary>
    public static void Forward<T>(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, bool accumulate = false) where T : IFloatingPointIeee754<T>
    {
        Check(g, x.Length, w.Length, y.Length);
        if (EmptySum(g, y[..(g.N * g.OutputLength)], accumulate)) return;
        if (typeof(T) == typeof(float)) Fast<float>.Forward(g, Cast<T, float>(x), Cast<T, float>(w), Cast<T, float>(y), accumulate);
        else if (typeof(T) == typeof(double)) Fast<double>.Forward(g, Cast<T, double>(x), Cast<T, double>(w), Cast<T, double>(y), accumulate);
        else ConvolutionNaive.Forward(g, x, w, y, accumulate);
    }

    /// <summary><c>x̄ = w ⋆ᵀ ȳ</c>, or <c>x̄ += w ⋆ᵀ ȳ</c> when <paramref name="accumulate"/>: <c>x̄[n, c, ·] = Σ ȳ[n, o, i, j]·w[o, c, kh, kw]</c> over the outputs that read x[n, c, ·].</summary>
    public static void BackwardInput<T>(in Conv2dGeometry g, ReadOnlySpan<T> gy, ReadOnlySpan<T> w, Span<T> gx, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        Check(g, gx.Length, w.Length, gy.Length);
        if (EmptySum(g, gx[..(g.N * g.InputLength)], accumulate)) return;
        if (typeof(T) == typeof(float)) Fast<float>.BackwardInput(g, Cast<T, float>(gy), Cast<T, float>(w), Cast<T, float>(gx), accumulate);
        else if (typeof(T) == typeof(double)) Fast<double>.BackwardInput(g, Cast<T, double>(gy), Cast<T, double>(w), Cast<T, double>(gx), accumulate);
        else ConvolutionNaive.BackwardInput(g, gy, w, gx, accumulate);
    }

    /// <summary><c>w̄ = x ⋆_w ȳ</c>, or <c>w̄ += …</c> when <paramref name="accumulate"/>: <c>w̄[o, c, kh, kw] = Σ_{n, i, j} ȳ[n, o, i, j]·x[n, c, i·s − p + kh·d, j·s − p + kw·d]</c>.</summary>
    public static void BackwardWeight<T>(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> gy, Span<T> gw, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        Check(g, x.Length, gw.Length, gy.Length);
        if (EmptySum(g, gw[..g.WeightLength], accumulate)) return;
        if (typeof(T) == typeof(float)) Fast<float>.BackwardWeight(g, Cast<T, float>(x), Cast<T, float>(gy), Cast<T, float>(gw), accumulate);
        else if (typeof(T) == typeof(double)) Fast<double>.BackwardWeight(g, Cast<T, double>(x), Cast<T, double>(gy), Cast<T, double>(gw), accumulate);
        else ConvolutionNaive.BackwardWeight(g, x, gy, gw, accumulate);
    }

    /// <summary>Forces the naive loops on the calling thread (tests compare the paths).</summary>
    [ThreadStatic] internal static bool ForceNaive;

    /// <summary>Forces Vector256 tiles on the calling thread even where Vector512 is accelerated (tests).</summary>
    [ThreadStatic] internal static bool Force256;

    /// <summary>
    /// With an empty batch, channel count or output image, every element of every map is an empty sum:
    /// the target is cleared (or left as it is when accumulating) and true returned, so the tiled drivers
    /// never see a zero-sized geometry.
    /// </summary>
    private static bool EmptySum<T>(in Conv2dGeometry g, Span<T> target, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        if (g.N > 0 && g.C > 0 && g.O > 0 && g.OH > 0 && g.OW > 0) return false;
        if (!accumulate) target.Clear();
        return true;
    }

    private static void Check(in Conv2dGeometry g, int x, int w, int y)
    {
        if (x < (long)g.N * g.InputLength || w < g.WeightLength || y < (long)g.N * g.OutputLength)
            throw new ArgumentException($"Convolution buffers too short: input {x} of {(long)g.N * g.InputLength}, weight {w} of {g.WeightLength}, output {y} of {(long)g.N * g.OutputLength}.");
    }

    private static class Fast<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Forward(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, bool accumulate)
        {
            if (ForceNaive || !Vector256.IsHardwareAccelerated) ConvolutionNaive.Forward(g, x, w, y, accumulate);
            else if (Vector512.IsHardwareAccelerated && !Force256) ConvolutionDriver<T, Vector512<T>, Simd512<T>>.Forward(g, x, w, y, accumulate);
            else ConvolutionDriver<T, Vector256<T>, Simd256<T>>.Forward(g, x, w, y, accumulate);
        }

        public static void BackwardInput(in Conv2dGeometry g, ReadOnlySpan<T> gy, ReadOnlySpan<T> w, Span<T> gx, bool accumulate)
        {
            if (ForceNaive || !Vector256.IsHardwareAccelerated) ConvolutionNaive.BackwardInput(g, gy, w, gx, accumulate);
            else if (Vector512.IsHardwareAccelerated && !Force256) ConvolutionDriver<T, Vector512<T>, Simd512<T>>.BackwardInput(g, gy, w, gx, accumulate);
            else ConvolutionDriver<T, Vector256<T>, Simd256<T>>.BackwardInput(g, gy, w, gx, accumulate);
        }

        public static void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> gy, Span<T> gw, bool accumulate)
        {
            if (ForceNaive || !Vector256.IsHardwareAccelerated) ConvolutionNaive.BackwardWeight(g, x, gy, gw, accumulate);
            else if (Vector512.IsHardwareAccelerated && !Force256) ConvolutionDriver<T, Vector512<T>, Simd512<T>>.BackwardWeight(g, x, gy, gw, accumulate);
            else ConvolutionDriver<T, Vector256<T>, Simd256<T>>.BackwardWeight(g, x, gy, gw, accumulate);
        }
    }

    internal static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> s) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(s)), s.Length);

    internal static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> s) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(s)), s.Length);
}

/// <summary>The definition's loops, for element types without SIMD kernels (and as a second path in tests).</summary>
internal static class ConvolutionNaive
{
    public static void Forward<T>(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.O; o++)
                for (int i = 0; i < g.OH; i++)
                    for (int j = 0; j < g.OW; j++)
                    {
                        T s = T.Zero;
                        int c0 = o / g.Og * g.Cg;
                        for (int c = 0; c < g.Cg; c++)
                            for (int kh = 0; kh < g.KH; kh++)
                                for (int kw = 0; kw < g.KW; kw++)
                                    if (In(g, i, j, kh, kw, out int ih, out int iw))
                                        s += w[((o * g.Cg + c) * g.KH + kh) * g.KW + kw] * x[((n * g.C + c0 + c) * g.H + ih) * g.W + iw];
                        ref T d = ref y[((n * g.O + o) * g.OH + i) * g.OW + j];
                        d = accumulate ? d + s : s;
                    }
    }

    public static void BackwardInput<T>(in Conv2dGeometry g, ReadOnlySpan<T> gy, ReadOnlySpan<T> w, Span<T> gx, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        if (!accumulate) gx[..(g.N * g.InputLength)].Clear();
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.O; o++)
                for (int i = 0; i < g.OH; i++)
                    for (int j = 0; j < g.OW; j++)
                    {
                        T d = gy[((n * g.O + o) * g.OH + i) * g.OW + j];
                        int c0 = o / g.Og * g.Cg;
                        for (int c = 0; c < g.Cg; c++)
                            for (int kh = 0; kh < g.KH; kh++)
                                for (int kw = 0; kw < g.KW; kw++)
                                    if (In(g, i, j, kh, kw, out int ih, out int iw))
                                        gx[((n * g.C + c0 + c) * g.H + ih) * g.W + iw] += d * w[((o * g.Cg + c) * g.KH + kh) * g.KW + kw];
                    }
    }

    public static void BackwardWeight<T>(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> gy, Span<T> gw, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        if (!accumulate) gw[..g.WeightLength].Clear();
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.O; o++)
                for (int i = 0; i < g.OH; i++)
                    for (int j = 0; j < g.OW; j++)
                    {
                        T d = gy[((n * g.O + o) * g.OH + i) * g.OW + j];
                        int c0 = o / g.Og * g.Cg;
                        for (int c = 0; c < g.Cg; c++)
                            for (int kh = 0; kh < g.KH; kh++)
                                for (int kw = 0; kw < g.KW; kw++)
                                    if (In(g, i, j, kh, kw, out int ih, out int iw))
                                        gw[((o * g.Cg + c) * g.KH + kh) * g.KW + kw] += d * x[((n * g.C + c0 + c) * g.H + ih) * g.W + iw];
                    }
    }

    /// <summary>The input position tap (kh, kw) of output (i, j) reads, and whether it lies inside the image.</summary>
    private static bool In(in Conv2dGeometry g, int i, int j, int kh, int kw, out int ih, out int iw)
    {
        ih = i * g.Stride - g.Padding + kh * g.Dilation;
        iw = j * g.Stride - g.Padding + kw * g.Dilation;
        return (uint)ih < (uint)g.H && (uint)iw < (uint)g.W;
    }
}
