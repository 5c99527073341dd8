using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// In-place scaled additions for optimiser updates: <c>y ← α·x + y</c> and <c>y ← β·y + x</c>, each
/// one pass, multiply then add (two roundings, exactly as <c>TensorPrimitives.MultiplyAdd</c>).
/// </summary>
/// <remarks>
/// Trap: TensorPrimitives writes destinations larger than 256 KiB with non-temporal stores, which
/// push the result out of the caches; an optimiser reads its weights again at the next step, so an
/// in-place <c>TensorPrimitives.MultiplyAdd</c> over a 784×128 float weight ran about 4× slower than
/// this loop. Plain stores keep the weights in L2. The stores are aligned to 64 bytes (a few scalar
/// steps first); where the array moves during the loop only the speed changes.
/// </remarks>
internal static class Axpy
{
    /// <summary>Elements before the first 64-byte boundary: a vector store that straddles two cache lines costs about 1.5× (measured).</summary>
    private static unsafe int HeadToAlign<T>(ref T y) => (int)((64 - ((nint)Unsafe.AsPointer(ref y) & 63)) & 63) / Unsafe.SizeOf<T>();

    /// <summary><c>y[i] = x[i]·α + y[i]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} elements and y {y.Length}.", nameof(x));
        ScaledSum(x, alpha, y, y);
    }

    /// <summary><c>y[i] = y[i]·β + x[i]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleAdd<T>(T beta, Span<T> y, ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} elements and y {y.Length}.", nameof(x));
        ScaledSum(y, beta, x, y);
    }

    /// <summary><c>d[i] = p[i]·s + q[i]</c> (d may be p or q; all of d's length), with d's stores aligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaledSum<T>(ReadOnlySpan<T> p, T s, ReadOnlySpan<T> q, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        int n = d.Length, i = 0;
        ref T pr = ref MemoryMarshal.GetReference(p);
        ref T qr = ref MemoryMarshal.GetReference(q);
        ref T dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (int head = Math.Min(n, HeadToAlign(ref dr)); i < head; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref pr, i) * s + Unsafe.Add(ref qr, i);
            var v = Vector512.Create(s);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref pr, (nuint)i) * v + Vector512.LoadUnsafe(ref qr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var v = Vector256.Create(s);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref pr, (nuint)i) * v + Vector256.LoadUnsafe(ref qr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref pr, i) * s + Unsafe.Add(ref qr, i);
    }
}
