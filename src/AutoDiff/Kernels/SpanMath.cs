using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// The span operations the tape runs, named and shaped as <c>TensorPrimitives</c>' (which they replace):
/// element-wise + − × ÷, max and min (through <see cref="Elementwise"/>), negation, eˣ and ln x, and the
/// reductions Σx and Σx·y.
/// </summary>
/// <remarks>
/// Why: System.Numerics.Tensors is a NuGet package without precompiled code, so its generic loops start
/// as tier-0 code in every process; a training step called ~40 of them (Exp, Log, Max, Sum, Dot, Divide…)
/// and ran 2.7–3.6× slower than steady for its first ~1,000 steps. These loops skip tier 0
/// (<c>AggressiveOptimization</c>). Unary functions run every element through the same vector code
/// (a short tail through a one-vector buffer), so an element's result does not depend on its position.
/// The reductions add in a fixed order (four lane-wise sums, pairwise, across the lanes, then the tail),
/// independent of the thread count.
/// </remarks>
internal static class SpanMath
{
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, AddOperation<T>>(x, y, d);
    public static void Add<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, AddOperation<T>>(x, y, d);
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, SubtractOperation<T>>(x, y, d);
    public static void Subtract<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, SubtractOperation<T>>(x, y, d);
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, MultiplyOperation<T>>(x, y, d);
    public static void Multiply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, MultiplyOperation<T>>(x, y, d);
    public static void Divide<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, DivideOperation<T>>(x, y, d);
    public static void Max<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, MaxOperation<T>>(x, y, d);
    public static void Max<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, MaxOperation<T>>(x, y, d);
    public static void Min<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, MinOperation<T>>(x, y, d);
    public static void Min<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => Elementwise.Binary<T, MinOperation<T>>(x, y, d);

    /// <summary><c>d[i] = −x[i]</c>.</summary>
    public static void Negate<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => Unary<T, NegateOperation<T>>(x, d);

    /// <summary><c>d[i] = e^{x[i]}</c> (float: <see cref="ActivationKernels.Exp(Vector512{float})"/>, within 1.3 ulp).</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => Unary<T, ExpOperation<T>>(x, d);

    /// <summary><c>d[i] = ln x[i]</c>.</summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => Unary<T, LogOperation<T>>(x, d);

    /// <summary>
    /// <c>Σ x[i]</c>: four lane-wise sums over blocks of four vectors (so the adds do not wait on each
    /// other), then the remaining whole vectors into the first, the four added pairwise and across the
    /// lanes, then the tail in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Sum<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        ref T xr = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        T s = T.Zero;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
        {
            int w = Vector512<T>.Count;
            Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                a0 += Vector512.LoadUnsafe(ref xr, (nuint)i);
                a1 += Vector512.LoadUnsafe(ref xr, (nuint)(i + w));
                a2 += Vector512.LoadUnsafe(ref xr, (nuint)(i + 2 * w));
                a3 += Vector512.LoadUnsafe(ref xr, (nuint)(i + 3 * w));
            }
            for (; i <= n - w; i += w) a0 += Vector512.LoadUnsafe(ref xr, (nuint)i);
            s = Vector512.Sum((a0 + a1) + (a2 + a3));
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                a0 += Vector256.LoadUnsafe(ref xr, (nuint)i);
                a1 += Vector256.LoadUnsafe(ref xr, (nuint)(i + w));
                a2 += Vector256.LoadUnsafe(ref xr, (nuint)(i + 2 * w));
                a3 += Vector256.LoadUnsafe(ref xr, (nuint)(i + 3 * w));
            }
            for (; i <= n - w; i += w) a0 += Vector256.LoadUnsafe(ref xr, (nuint)i);
            s = Vector256.Sum((a0 + a1) + (a2 + a3));
        }
        for (; i < n; i++) s += Unsafe.Add(ref xr, i);
        return s;
    }

    /// <summary><c>Σ x[i]·y[i]</c>, in the order of <see cref="Sum{T}"/>, each product fused into its lane's sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : IFloatingPointIeee754<T>
    {
        if (x.Length != y.Length) throw new ArgumentException($"Dot product of {x.Length} and {y.Length} elements: the lengths must agree.");
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        T s = T.Zero;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
        {
            int w = Vector512<T>.Count;
            Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                a0 = VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), a0);
                a1 = VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)(i + w)), Vector512.LoadUnsafe(ref yr, (nuint)(i + w)), a1);
                a2 = VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)(i + 2 * w)), Vector512.LoadUnsafe(ref yr, (nuint)(i + 2 * w)), a2);
                a3 = VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)(i + 3 * w)), Vector512.LoadUnsafe(ref yr, (nuint)(i + 3 * w)), a3);
            }
            for (; i <= n - w; i += w)
                a0 = VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), a0);
            s = Vector512.Sum((a0 + a1) + (a2 + a3));
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                a0 = VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), a0);
                a1 = VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)(i + w)), Vector256.LoadUnsafe(ref yr, (nuint)(i + w)), a1);
                a2 = VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)(i + 2 * w)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 2 * w)), a2);
                a3 = VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)(i + 3 * w)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 3 * w)), a3);
            }
            for (; i <= n - w; i += w)
                a0 = VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), a0);
            s = Vector256.Sum((a0 + a1) + (a2 + a3));
        }
        for (; i < n; i++) s = T.FusedMultiplyAdd(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), s);
        return s;
    }

    /// <summary>
    /// The index of the first NaN or ±∞ in <paramref name="v"/>, or −1. A fast pass first: <c>Σv·0</c> is 0
    /// unless some element is NaN or ±∞, or the finite elements' sum overflows; only then are the elements
    /// read one by one, so a finite span whose sum overflows still gives −1.
    /// </summary>
    public static int IndexOfNonFinite<T>(ReadOnlySpan<T> v) where T : IFloatingPointIeee754<T>
    {
        if (T.IsFinite(Sum(v) * T.Zero)) return -1;
        for (int k = 0; k < v.Length; k++) if (!T.IsFinite(v[k])) return k;
        return -1;
    }

    /// <summary><c>d[i] = f(x[i])</c> at one vector width; the last partial vector goes through a one-vector buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Unary<T, TOp>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> where TOp : IUnaryOperation<T>
    {
        int n = x.Length, i = 0;
        if (d.Length < n) throw new ArgumentException($"An element-wise function of {n} elements into a destination of {d.Length}: the destination is too short.");
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                TOp.Apply(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
            if (i < n)
            {
                var buffer = Vector512<T>.Zero;
                var lanes = MemoryMarshal.CreateSpan(ref Unsafe.As<Vector512<T>, T>(ref buffer), Vector512<T>.Count);
                x[i..].CopyTo(lanes);
                TOp.Apply(buffer).StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
                lanes[..(n - i)].CopyTo(d[i..]);
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
            if (i < n)
            {
                var buffer = Vector256<T>.Zero;
                var lanes = MemoryMarshal.CreateSpan(ref Unsafe.As<Vector256<T>, T>(ref buffer), Vector256<T>.Count);
                x[i..].CopyTo(lanes);
                TOp.Apply(buffer).StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
                lanes[..(n - i)].CopyTo(d[i..]);
            }
        }
        else
            for (; i < n; i++) Unsafe.Add(ref dr, i) = TOp.Apply(Unsafe.Add(ref xr, i));
    }
}

/// <summary>One element-wise function on scalars and on 512- and 256-bit vectors.</summary>
internal interface IUnaryOperation<T> where T : IFloatingPointIeee754<T>
{
    static abstract T Apply(T x);
    static abstract Vector512<T> Apply(Vector512<T> x);
    static abstract Vector256<T> Apply(Vector256<T> x);
}

internal readonly struct NegateOperation<T> : IUnaryOperation<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => -x;
    public static Vector512<T> Apply(Vector512<T> x) => -x;
    public static Vector256<T> Apply(Vector256<T> x) => -x;
}

internal readonly struct ExpOperation<T> : IUnaryOperation<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Apply(Vector512<T> x) =>
        typeof(T) == typeof(float) ? ActivationKernels.Exp(x.AsSingle()).As<float, T>()
        : typeof(T) == typeof(double) ? Vector512.Exp(x.AsDouble()).As<double, T>()
        : throw new NotSupportedException();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Apply(Vector256<T> x) =>
        typeof(T) == typeof(float) ? ActivationKernels.Exp(x.AsSingle()).As<float, T>()
        : typeof(T) == typeof(double) ? Vector256.Exp(x.AsDouble()).As<double, T>()
        : throw new NotSupportedException();
}

internal readonly struct LogOperation<T> : IUnaryOperation<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Apply(Vector512<T> x) =>
        typeof(T) == typeof(float) ? Vector512.Log(x.AsSingle()).As<float, T>()
        : typeof(T) == typeof(double) ? Vector512.Log(x.AsDouble()).As<double, T>()
        : throw new NotSupportedException();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Apply(Vector256<T> x) =>
        typeof(T) == typeof(float) ? Vector256.Log(x.AsSingle()).As<float, T>()
        : typeof(T) == typeof(double) ? Vector256.Log(x.AsDouble()).As<double, T>()
        : throw new NotSupportedException();
}
