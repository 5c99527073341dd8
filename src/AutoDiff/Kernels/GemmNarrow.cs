using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoDiff.Kernels;

/// <summary>
/// Narrow products, op(B) not transposed and n at most one 512-bit vector (the 10 logits of a
/// classifier: h·W2 and its ∂W2 = hᵀ·∂z): the packed 8×32 tile would spend most of its lanes on
/// padding. Here a tile is 8 rows × one vector: each step p broadcasts eight elements of op(A) and
/// loads row p of B under a lane mask (masked-out lanes are never read), so 8 FMA chains run side
/// by side. Wider n is cut into vector-wide column blocks. Every output element is one FMA chain over
/// p = 0..k-1 in order, then stored or added once. Needs AVX-512 (masked loads and stores).
/// </summary>
internal static unsafe class GemmNarrow<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool IsSupported => Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmArgs<T> g)
    {
        int w = Vector512<T>.Count;
        // op(A)(i, p) = a[i*rowStep + p*colStep]
        nint rowStep = g.TransA ? 1 : g.Lda, colStep = g.TransA ? g.Lda : 1;
        for (int j = 0; j < g.N; j += w)
        {
            var mask = Mask(Math.Min(w, g.N - j));
            int i = 0;
            for (; i <= g.M - 8; i += 8)
                Rows8(g.A + i * rowStep, rowStep, colStep, g.B + j, g.Ldb, g.K, g.C + i * g.Ldc + j, g.Ldc, mask, g.Accumulate);
            for (; i < g.M; i++)
            {
                T* a = g.A + i * rowStep, b = g.B + j;
                var s = Vector512<T>.Zero;
                for (int p = 0; p < g.K; p++, a += colStep, b += g.Ldb)
                    s = VectorFma.Fma(Vector512.Create(*a), Load(b, mask), s);
                Store(g.C + i * g.Ldc + j, s, mask, g.Accumulate);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows8(T* a, nint rowStep, nint colStep, T* b, nint ldb, int k, T* c, nint ldc, Vector512<T> mask, bool accumulate)
    {
        nint r1 = rowStep, r2 = 2 * rowStep, r3 = 3 * rowStep, r4 = 4 * rowStep, r5 = 5 * rowStep, r6 = 6 * rowStep, r7 = 7 * rowStep;
        Vector512<T> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int p = 0; p < k; p++, a += colStep, b += ldb)
        {
            var y = Load(b, mask);
            s0 = VectorFma.Fma(Vector512.Create(a[0]), y, s0);
            s1 = VectorFma.Fma(Vector512.Create(a[r1]), y, s1);
            s2 = VectorFma.Fma(Vector512.Create(a[r2]), y, s2);
            s3 = VectorFma.Fma(Vector512.Create(a[r3]), y, s3);
            s4 = VectorFma.Fma(Vector512.Create(a[r4]), y, s4);
            s5 = VectorFma.Fma(Vector512.Create(a[r5]), y, s5);
            s6 = VectorFma.Fma(Vector512.Create(a[r6]), y, s6);
            s7 = VectorFma.Fma(Vector512.Create(a[r7]), y, s7);
        }
        Store(c, s0, mask, accumulate); c += ldc;
        Store(c, s1, mask, accumulate); c += ldc;
        Store(c, s2, mask, accumulate); c += ldc;
        Store(c, s3, mask, accumulate); c += ldc;
        Store(c, s4, mask, accumulate); c += ldc;
        Store(c, s5, mask, accumulate); c += ldc;
        Store(c, s6, mask, accumulate); c += ldc;
        Store(c, s7, mask, accumulate);
    }

    /// <summary>All bits set in the first <paramref name="count"/> lanes.</summary>
    private static Vector512<T> Mask(int count)
    {
        if (typeof(T) == typeof(float)) return Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).As<int, T>();
        return Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)count)).As<long, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Load(T* p, Vector512<T> mask)
    {
        if (typeof(T) == typeof(float)) return Avx512F.MaskLoad((float*)p, mask.As<T, float>(), Vector512<float>.Zero).As<float, T>();
        return Avx512F.MaskLoad((double*)p, mask.As<T, double>(), Vector512<double>.Zero).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector512<T> s, Vector512<T> mask, bool accumulate)
    {
        if (accumulate) s = Load(c, mask) + s;
        if (typeof(T) == typeof(float)) Avx512F.MaskStore((float*)c, mask.As<T, float>(), s.As<T, float>());
        else Avx512F.MaskStore((double*)c, mask.As<T, double>(), s.As<T, double>());
    }
}
