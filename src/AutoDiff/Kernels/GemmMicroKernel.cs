using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// A register-blocked GEMM micro-kernel: multiplies a packed Mr×kc panel of A by a packed
/// kc×Nr panel of B and writes (or adds) the Mr×Nr tile into C.
/// </summary>
/// <remarks>
/// Packed layouts: A panel holds <c>a[p*Mr + i]</c>, B panel holds <c>b[p*ldb + j]</c>: ldb = Nr
/// for a packed panel, or the row stride of a row-major B read in place.
/// Every output element is one FMA chain over p = 0..kc-1 in order, started from zero, then
/// stored or added to C once: the reduction order depends only on the k blocking.
/// </remarks>
internal unsafe interface IGemmMicroKernel<T> where T : unmanaged
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int Nr { get; }

    /// <summary>C tile (row stride <paramref name="ldc"/>) = or += A panel · B panel (row stride <paramref name="ldb"/>).</summary>
    static abstract void Run(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool overwrite);
}

/// <summary>Fused multiply-add on generic vectors; the type tests fold away when the JIT specialises.</summary>
internal static class VectorFma
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        throw new NotSupportedException();
    }
}

/// <summary>
/// 8 × (2 Vector512) tile: 8×32 for float, 8×16 for double. 16 accumulators out of 32 zmm
/// registers; on Zen 4 (one 512-bit FMA per cycle) that hides the 4-cycle FMA latency 4 times over.
/// </summary>
internal readonly unsafe struct Kernel512<T> : IGemmMicroKernel<T> where T : unmanaged
{
    public static int Mr => 8;
    public static int Nr => 2 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        var c00 = Vector512<T>.Zero; var c01 = Vector512<T>.Zero;
        var c10 = Vector512<T>.Zero; var c11 = Vector512<T>.Zero;
        var c20 = Vector512<T>.Zero; var c21 = Vector512<T>.Zero;
        var c30 = Vector512<T>.Zero; var c31 = Vector512<T>.Zero;
        var c40 = Vector512<T>.Zero; var c41 = Vector512<T>.Zero;
        var c50 = Vector512<T>.Zero; var c51 = Vector512<T>.Zero;
        var c60 = Vector512<T>.Zero; var c61 = Vector512<T>.Zero;
        var c70 = Vector512<T>.Zero; var c71 = Vector512<T>.Zero;
        int w = Vector512<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            Vector512<T> x;
            x = Vector512.Create(a[0]); c00 = VectorFma.Fma(x, b0, c00); c01 = VectorFma.Fma(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = VectorFma.Fma(x, b0, c10); c11 = VectorFma.Fma(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = VectorFma.Fma(x, b0, c20); c21 = VectorFma.Fma(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = VectorFma.Fma(x, b0, c30); c31 = VectorFma.Fma(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = VectorFma.Fma(x, b0, c40); c41 = VectorFma.Fma(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = VectorFma.Fma(x, b0, c50); c51 = VectorFma.Fma(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = VectorFma.Fma(x, b0, c60); c61 = VectorFma.Fma(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = VectorFma.Fma(x, b0, c70); c71 = VectorFma.Fma(x, b1, c71);
            a += 8;
            b += ldb;
        }
        Store(c, w, overwrite, c00, c01); c += ldc;
        Store(c, w, overwrite, c10, c11); c += ldc;
        Store(c, w, overwrite, c20, c21); c += ldc;
        Store(c, w, overwrite, c30, c31); c += ldc;
        Store(c, w, overwrite, c40, c41); c += ldc;
        Store(c, w, overwrite, c50, c51); c += ldc;
        Store(c, w, overwrite, c60, c61); c += ldc;
        Store(c, w, overwrite, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, int w, bool overwrite, Vector512<T> v0, Vector512<T> v1)
    {
        if (!overwrite)
        {
            v0 = Vector512.Load(c) + v0;
            v1 = Vector512.Load(c + w) + v1;
        }
        v0.Store(c);
        v1.Store(c + w);
    }
}

/// <summary>
/// 6 × (2 Vector256) tile: 6×16 for float, 6×8 for double; 12 accumulators fit the 16 ymm
/// registers of an AVX2 machine. Used when Vector512 is not hardware-accelerated.
/// </summary>
internal readonly unsafe struct Kernel256<T> : IGemmMicroKernel<T> where T : unmanaged
{
    public static int Mr => 6;
    public static int Nr => 2 * Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        var c00 = Vector256<T>.Zero; var c01 = Vector256<T>.Zero;
        var c10 = Vector256<T>.Zero; var c11 = Vector256<T>.Zero;
        var c20 = Vector256<T>.Zero; var c21 = Vector256<T>.Zero;
        var c30 = Vector256<T>.Zero; var c31 = Vector256<T>.Zero;
        var c40 = Vector256<T>.Zero; var c41 = Vector256<T>.Zero;
        var c50 = Vector256<T>.Zero; var c51 = Vector256<T>.Zero;
        int w = Vector256<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
            Vector256<T> x;
            x = Vector256.Create(a[0]); c00 = VectorFma.Fma(x, b0, c00); c01 = VectorFma.Fma(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = VectorFma.Fma(x, b0, c10); c11 = VectorFma.Fma(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = VectorFma.Fma(x, b0, c20); c21 = VectorFma.Fma(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = VectorFma.Fma(x, b0, c30); c31 = VectorFma.Fma(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = VectorFma.Fma(x, b0, c40); c41 = VectorFma.Fma(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = VectorFma.Fma(x, b0, c50); c51 = VectorFma.Fma(x, b1, c51);
            a += 6;
            b += ldb;
        }
        Store(c, w, overwrite, c00, c01); c += ldc;
        Store(c, w, overwrite, c10, c11); c += ldc;
        Store(c, w, overwrite, c20, c21); c += ldc;
        Store(c, w, overwrite, c30, c31); c += ldc;
        Store(c, w, overwrite, c40, c41); c += ldc;
        Store(c, w, overwrite, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, int w, bool overwrite, Vector256<T> v0, Vector256<T> v1)
    {
        if (!overwrite)
        {
            v0 = Vector256.Load(c) + v0;
            v1 = Vector256.Load(c + w) + v1;
        }
        v0.Store(c);
        v1.Store(c + w);
    }
}
