using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// The adjoint updates the backward rules share, each in one pass: <c>d (+)= α·g·x</c>. "Overwrite"
/// is used for an adjoint's first contribution in a sweep, which saves clearing it first.
/// </summary>
internal static class Accumulate
{
    /// <summary><c>d = α·g·x</c> (overwrite) or <c>d += α·g·x</c>.</summary>
    public static void Product<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T alpha, Span<T> d, bool overwrite) where T : IFloatingPointIeee754<T>
    {
        if (alpha == T.One)
        {
            if (overwrite) Elementwise.Binary<T, MultiplyOperation<T>>(g, x, d);
            else Elementwise.MultiplyAdd(g, x, d);
            return;
        }
        int n = d.Length, i = 0;
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            var a = Vector512.Create(alpha);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var p = a * Vector512.LoadUnsafe(ref gr, (nuint)i) * Vector512.LoadUnsafe(ref xr, (nuint)i);
                if (!overwrite) p += Vector512.LoadUnsafe(ref dr, (nuint)i);
                p.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var a = Vector256.Create(alpha);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var p = a * Vector256.LoadUnsafe(ref gr, (nuint)i) * Vector256.LoadUnsafe(ref xr, (nuint)i);
                if (!overwrite) p += Vector256.LoadUnsafe(ref dr, (nuint)i);
                p.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < n; i++) d[i] = overwrite ? alpha * g[i] * x[i] : d[i] + alpha * g[i] * x[i];
    }

    /// <summary><c>d = α·g</c> (overwrite) or <c>d += α·g</c>.</summary>
    public static void Scaled<T>(ReadOnlySpan<T> g, T alpha, Span<T> d, bool overwrite) where T : IFloatingPointIeee754<T>
    {
        if (alpha == T.One)
        {
            if (overwrite) g.CopyTo(d);
            else Elementwise.Binary<T, AddOperation<T>>(d, g, d);
        }
        else if (overwrite) Elementwise.Binary<T, MultiplyOperation<T>>(g, alpha, d);
        else Axpy.AddScaled(alpha, g, d);
    }
}
