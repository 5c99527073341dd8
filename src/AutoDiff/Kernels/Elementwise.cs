using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>One element-wise binary operation on scalars and on 512- and 256-bit vectors (the same operation per lane).</summary>
internal interface IElementwiseOp<T> where T : IFloatingPointIeee754<T>
{
    static abstract T Apply(T x, T y);
    static abstract Vector512<T> Apply(Vector512<T> x, Vector512<T> y);
    static abstract Vector256<T> Apply(Vector256<T> x, Vector256<T> y);
}

internal readonly struct AddOperation<T> : IElementwiseOp<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x + y;
    public static Vector512<T> Apply(Vector512<T> x, Vector512<T> y) => x + y;
    public static Vector256<T> Apply(Vector256<T> x, Vector256<T> y) => x + y;
}

internal readonly struct SubtractOperation<T> : IElementwiseOp<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x - y;
    public static Vector512<T> Apply(Vector512<T> x, Vector512<T> y) => x - y;
    public static Vector256<T> Apply(Vector256<T> x, Vector256<T> y) => x - y;
}

internal readonly struct MultiplyOperation<T> : IElementwiseOp<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x * y;
    public static Vector512<T> Apply(Vector512<T> x, Vector512<T> y) => x * y;
    public static Vector256<T> Apply(Vector256<T> x, Vector256<T> y) => x * y;
}

internal readonly struct DivideOperation<T> : IElementwiseOp<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x / y;
    public static Vector512<T> Apply(Vector512<T> x, Vector512<T> y) => x / y;
    public static Vector256<T> Apply(Vector256<T> x, Vector256<T> y) => x / y;
}

/// <summary>IEEE 754:2019 maximum, as <c>T.Max</c> and <c>TensorPrimitives.Max</c>: NaN if either is NaN, and +0 above −0.</summary>
internal readonly struct MaxOperation<T> : IElementwiseOp<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => T.Max(x, y);
    public static Vector512<T> Apply(Vector512<T> x, Vector512<T> y) => Vector512.Max(x, y);
    public static Vector256<T> Apply(Vector256<T> x, Vector256<T> y) => Vector256.Max(x, y);
}

/// <summary>IEEE 754:2019 minimum, as <c>T.Min</c> and <c>TensorPrimitives.Min</c>: NaN if either is NaN, and −0 below +0.</summary>
internal readonly struct MinOperation<T> : IElementwiseOp<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => T.Min(x, y);
    public static Vector512<T> Apply(Vector512<T> x, Vector512<T> y) => Vector512.Min(x, y);
    public static Vector256<T> Apply(Vector256<T> x, Vector256<T> y) => Vector256.Min(x, y);
}

/// <summary>
/// The tape's element-wise loops (<c>d = x ∘ y</c> for + − × ÷, with a scalar on either side, and
/// <c>d = x·y + d</c>), in place of <c>TensorPrimitives</c>' on the hot path. Each element gets the same
/// single IEEE operation as there, so the results are the same bits.
/// </summary>
/// <remarks>
/// Why not TensorPrimitives: (1) its generic loops are instantiated in the caller's process and start as
/// tier-0 code, which a small network runs for its first ~2,000 training steps (step 100 at batch 1 took
/// 9× the steady step); these skip tier 0 (<c>AggressiveOptimization</c>). (2) It writes any destination
/// larger than 256 KiB with non-temporal stores, which send the result to memory just before the next
/// op of the sweep reads it back; these use ordinary stores at every size. A destination may be one of
/// the inputs (in place); a partial overlap is not supported, as in TensorPrimitives.
/// </remarks>
internal static class Elementwise
{
    /// <summary><c>d[i] = x[i] ∘ y[i]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : IFloatingPointIeee754<T> where TOp : IElementwiseOp<T>
    {
        int n = x.Length, i = 0;
        if (y.Length != n || d.Length < n) throw Lengths(n, y.Length, d.Length);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                TOp.Apply(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref dr, i) = TOp.Apply(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
    }

    /// <summary><c>d[i] = x[i] ∘ y</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : IFloatingPointIeee754<T> where TOp : IElementwiseOp<T>
    {
        int n = x.Length, i = 0;
        if (d.Length < n) throw Lengths(n, n, d.Length);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            var v = Vector512.Create(y);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                TOp.Apply(Vector512.LoadUnsafe(ref xr, (nuint)i), v).StoreUnsafe(ref dr, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var v = Vector256.Create(y);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref xr, (nuint)i), v).StoreUnsafe(ref dr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref dr, i) = TOp.Apply(Unsafe.Add(ref xr, i), y);
    }

    /// <summary><c>d[i] = x ∘ y[i]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<T, TOp>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : IFloatingPointIeee754<T> where TOp : IElementwiseOp<T>
    {
        int n = y.Length, i = 0;
        if (d.Length < n) throw Lengths(n, n, d.Length);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            var v = Vector512.Create(x);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                TOp.Apply(v, Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var v = Vector256.Create(x);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Apply(v, Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref dr, i) = TOp.Apply(x, Unsafe.Add(ref yr, i));
    }

    /// <summary><c>d[i] = x[i]·y[i] + d[i]</c>, multiply then add (two roundings, as <c>TensorPrimitives.MultiplyAdd</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        if (y.Length != n || d.Length != n) throw Lengths(n, y.Length, d.Length);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref xr, (nuint)i) * Vector512.LoadUnsafe(ref yr, (nuint)i) + Vector512.LoadUnsafe(ref dr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i) + Vector256.LoadUnsafe(ref dr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i) + Unsafe.Add(ref dr, i);
    }

    private static ArgumentException Lengths(int x, int y, int d) =>
        new($"Element-wise operands of {x} and {y} elements into a destination of {d}: the lengths must agree.");
}
