using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoDiff;

/// <summary>
/// The scalar form of a generated activation kernel: <c>y = f(x)</c> and <c>f'(x)</c>, which may reuse
/// <c>y</c>. The generator emits one <see langword="struct"/> per <c>[Differentiable]</c> method;
/// <see cref="ActivationKernels"/> is the one driver that runs them over spans.
/// </summary>
public interface IActivationKernel<T> where T : IFloatingPointIeee754<T>
{
    /// <summary><c>f(x)</c>.</summary>
    T Forward(T x);

    /// <summary><c>f'(x)</c>, given <c>y = f(x)</c>.</summary>
    T Derivative(T x, T y);
}

/// <summary>An <see cref="IActivationKernel{T}"/> that also has SIMD forms for 128-, 256- and 512-bit vectors.</summary>
public interface IVectorActivationKernel<T> : IActivationKernel<T> where T : IFloatingPointIeee754<T>
{
    /// <summary><c>f(x)</c> on each lane.</summary>
    Vector128<T> Forward(Vector128<T> x);

    /// <summary><c>f(x)</c> on each lane.</summary>
    Vector256<T> Forward(Vector256<T> x);

    /// <summary><c>f(x)</c> on each lane.</summary>
    Vector512<T> Forward(Vector512<T> x);

    /// <summary><c>f'(x)</c> on each lane, given <c>y = f(x)</c>.</summary>
    Vector128<T> Derivative(Vector128<T> x, Vector128<T> y);

    /// <summary><c>f'(x)</c> on each lane, given <c>y = f(x)</c>.</summary>
    Vector256<T> Derivative(Vector256<T> x, Vector256<T> y);

    /// <summary><c>f'(x)</c> on each lane, given <c>y = f(x)</c>.</summary>
    Vector512<T> Derivative(Vector512<T> x, Vector512<T> y);
}

/// <summary>
/// The driver for generated activation kernels: width dispatch (512, then 256, then 128 bits) and a
/// scalar tail, written once. Also vector math: tanh, which <see cref="Vector512"/> lacks, and a faster
/// float <c>eˣ</c> (ActivationKernels.Exp.cs).
/// Spans may be the same memory (in place) but must not partially overlap.
/// </summary>
public static partial class ActivationKernels
{
    /// <summary>Writes <c>y[i] = f(x[i])</c> with the scalar kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TKernel, T>(TKernel kernel, ReadOnlySpan<T> x, Span<T> y)
        where TKernel : struct, IActivationKernel<T> where T : IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, y.Length);
        for (int i = 0; i < x.Length; i++) y[i] = kernel.Forward(x[i]);
    }

    /// <summary>Accumulates <c>dx[i] += dy[i]·f'(x[i])</c> with the scalar kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TKernel, T>(TKernel kernel, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        where TKernel : struct, IActivationKernel<T> where T : IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, y.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++) dx[i] += dy[i] * kernel.Derivative(x[i], y[i]);
    }

    /// <summary>Writes <c>y[i] = f(x[i])</c>, a vector at a time where the element type has SIMD support.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardVectorized<TKernel, T>(TKernel kernel, ReadOnlySpan<T> x, Span<T> y)
        where TKernel : struct, IVectorActivationKernel<T> where T : IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, y.Length);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                kernel.Forward(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                kernel.Forward(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
                kernel.Forward(Vector128.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        for (; i < n; i++) Unsafe.Add(ref ys, i) = kernel.Forward(Unsafe.Add(ref xs, i));
    }

    /// <summary>Accumulates <c>dx[i] += dy[i]·f'(x[i])</c>, a vector at a time where the element type has SIMD support.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardVectorized<TKernel, T>(TKernel kernel, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        where TKernel : struct, IVectorActivationKernel<T> where T : IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, y.Length, dy.Length, dx.Length);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T gs = ref MemoryMarshal.GetReference(dy);
        ref T ds = ref MemoryMarshal.GetReference(dx);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
            {
                var d = kernel.Derivative(Vector512.LoadUnsafe(ref xs, i), Vector512.LoadUnsafe(ref ys, i));
                (Vector512.LoadUnsafe(ref ds, i) + Vector512.LoadUnsafe(ref gs, i) * d).StoreUnsafe(ref ds, i);
            }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
            {
                var d = kernel.Derivative(Vector256.LoadUnsafe(ref xs, i), Vector256.LoadUnsafe(ref ys, i));
                (Vector256.LoadUnsafe(ref ds, i) + Vector256.LoadUnsafe(ref gs, i) * d).StoreUnsafe(ref ds, i);
            }
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
            {
                var d = kernel.Derivative(Vector128.LoadUnsafe(ref xs, i), Vector128.LoadUnsafe(ref ys, i));
                (Vector128.LoadUnsafe(ref ds, i) + Vector128.LoadUnsafe(ref gs, i) * d).StoreUnsafe(ref ds, i);
            }
        for (; i < n; i++)
            Unsafe.Add(ref ds, i) += Unsafe.Add(ref gs, i) * kernel.Derivative(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i));
    }

    private static void CheckLengths(int x, int y)
    {
        if (x != y) throw new ArgumentException($"Activation spans differ in length: x has {x} elements, y has {y}.");
    }

    private static void CheckLengths(int x, int y, int dy, int dx)
    {
        if (x != y || x != dy || x != dx)
            throw new ArgumentException($"Activation spans differ in length: x {x}, y {y}, dy {dy}, dx {dx}.");
    }

    // tanh|x| = −z/(z+2) with z = e^{−2|x|} − 1 ∈ (−1, 0]: no overflow for any x; the sign is copied back.
    // That is TensorPrimitives.Tanh's formula (from AMD's aocl-libm), but z cancels for small |x| (and
    // the vector e^{−0} is 1 + 1 ulp in float, so tanh 0 ≠ 0): for |x| < 0.1 the odd Taylor polynomial
    // x(1 − x²/3 + 2x⁴/15 − …) is used instead, to x⁷ in float and x¹⁵ in double, where its truncation
    // error is under half an ulp. Above 0.1 the exp form is within a few ulps.

    /// <summary>Lane-wise <c>tanh x</c>, from <c>e^{−2|x|}</c> so it never overflows, and a polynomial near 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        var a = Vector128.Abs(x);
        var z = Exp(Vector128.Create(-2f) * a) - Vector128<float>.One;
        var large = -z / (z + Vector128.Create(2f));
        var x2 = x * x;
        var p = Vector128.MultiplyAddEstimate(x2, Vector128.Create(-17f / 315), Vector128.Create(2f / 15));
        p = Vector128.MultiplyAddEstimate(x2, p, Vector128.Create(-1f / 3));
        var small = Vector128.MultiplyAddEstimate(x * x2, p, x);
        return Vector128.CopySign(Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(0.1f)), small, large), x);
    }

    /// <summary>Lane-wise <c>tanh x</c>, from <c>e^{−2|x|}</c> so it never overflows, and a polynomial near 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var a = Vector256.Abs(x);
        var z = Exp(Vector256.Create(-2f) * a) - Vector256<float>.One;
        var large = -z / (z + Vector256.Create(2f));
        var x2 = x * x;
        var p = Vector256.MultiplyAddEstimate(x2, Vector256.Create(-17f / 315), Vector256.Create(2f / 15));
        p = Vector256.MultiplyAddEstimate(x2, p, Vector256.Create(-1f / 3));
        var small = Vector256.MultiplyAddEstimate(x * x2, p, x);
        return Vector256.CopySign(Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(0.1f)), small, large), x);
    }

    /// <summary>Lane-wise <c>tanh x</c>, from <c>e^{−2|x|}</c> so it never overflows, and a polynomial near 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var a = Vector512.Abs(x);
        var z = Exp(Vector512.Create(-2f) * a) - Vector512<float>.One;
        var large = -z / (z + Vector512.Create(2f));
        var x2 = x * x;
        var p = Vector512.MultiplyAddEstimate(x2, Vector512.Create(-17f / 315), Vector512.Create(2f / 15));
        p = Vector512.MultiplyAddEstimate(x2, p, Vector512.Create(-1f / 3));
        var small = Vector512.MultiplyAddEstimate(x * x2, p, x);
        return Vector512.CopySign(Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(0.1f)), small, large), x);
    }

    /// <summary>Lane-wise <c>tanh x</c>, from <c>e^{−2|x|}</c> so it never overflows, and a polynomial near 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Tanh(Vector128<double> x)
    {
        var a = Vector128.Abs(x);
        var z = Vector128.Exp(Vector128.Create(-2.0) * a) - Vector128<double>.One;
        var large = -z / (z + Vector128.Create(2.0));
        var x2 = x * x;
        var p = Vector128.MultiplyAddEstimate(x2, Vector128.Create(-929569.0 / 638512875), Vector128.Create(21844.0 / 6081075));
        p = Vector128.MultiplyAddEstimate(x2, p, Vector128.Create(-1382.0 / 155925));
        p = Vector128.MultiplyAddEstimate(x2, p, Vector128.Create(62.0 / 2835));
        p = Vector128.MultiplyAddEstimate(x2, p, Vector128.Create(-17.0 / 315));
        p = Vector128.MultiplyAddEstimate(x2, p, Vector128.Create(2.0 / 15));
        p = Vector128.MultiplyAddEstimate(x2, p, Vector128.Create(-1.0 / 3));
        var small = Vector128.MultiplyAddEstimate(x * x2, p, x);
        return Vector128.CopySign(Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(0.1)), small, large), x);
    }

    /// <summary>Lane-wise <c>tanh x</c>, from <c>e^{−2|x|}</c> so it never overflows, and a polynomial near 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Tanh(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var z = Vector256.Exp(Vector256.Create(-2.0) * a) - Vector256<double>.One;
        var large = -z / (z + Vector256.Create(2.0));
        var x2 = x * x;
        var p = Vector256.MultiplyAddEstimate(x2, Vector256.Create(-929569.0 / 638512875), Vector256.Create(21844.0 / 6081075));
        p = Vector256.MultiplyAddEstimate(x2, p, Vector256.Create(-1382.0 / 155925));
        p = Vector256.MultiplyAddEstimate(x2, p, Vector256.Create(62.0 / 2835));
        p = Vector256.MultiplyAddEstimate(x2, p, Vector256.Create(-17.0 / 315));
        p = Vector256.MultiplyAddEstimate(x2, p, Vector256.Create(2.0 / 15));
        p = Vector256.MultiplyAddEstimate(x2, p, Vector256.Create(-1.0 / 3));
        var small = Vector256.MultiplyAddEstimate(x * x2, p, x);
        return Vector256.CopySign(Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(0.1)), small, large), x);
    }

    /// <summary>Lane-wise <c>tanh x</c>, from <c>e^{−2|x|}</c> so it never overflows, and a polynomial near 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Tanh(Vector512<double> x)
    {
        var a = Vector512.Abs(x);
        var z = Vector512.Exp(Vector512.Create(-2.0) * a) - Vector512<double>.One;
        var large = -z / (z + Vector512.Create(2.0));
        var x2 = x * x;
        var p = Vector512.MultiplyAddEstimate(x2, Vector512.Create(-929569.0 / 638512875), Vector512.Create(21844.0 / 6081075));
        p = Vector512.MultiplyAddEstimate(x2, p, Vector512.Create(-1382.0 / 155925));
        p = Vector512.MultiplyAddEstimate(x2, p, Vector512.Create(62.0 / 2835));
        p = Vector512.MultiplyAddEstimate(x2, p, Vector512.Create(-17.0 / 315));
        p = Vector512.MultiplyAddEstimate(x2, p, Vector512.Create(2.0 / 15));
        p = Vector512.MultiplyAddEstimate(x2, p, Vector512.Create(-1.0 / 3));
        var small = Vector512.MultiplyAddEstimate(x * x2, p, x);
        return Vector512.CopySign(Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(0.1)), small, large), x);
    }
}
