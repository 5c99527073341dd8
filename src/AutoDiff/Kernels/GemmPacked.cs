using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoDiff.Kernels;

/// <summary>Pointers and strides of one row-major GEMM problem (or a sub-block of one).</summary>
internal unsafe struct GemmArgs<T> where T : unmanaged
{
    public bool TransA, TransB, Accumulate;
    public int M, N, K;
    public T* A, B, C;
    public nint Lda, Ldb, Ldc;

    /// <summary>The sub-problem that computes rows [r0, r1) of C.</summary>
    public readonly GemmArgs<T> Rows(int r0, int r1)
    {
        var s = this;
        s.M = r1 - r0;
        s.A = TransA ? A + r0 : A + r0 * Lda;
        s.C = C + r0 * Ldc;
        return s;
    }

    /// <summary>The sub-problem that computes columns [s0, s1) of C.</summary>
    public readonly GemmArgs<T> Columns(int s0, int s1)
    {
        var s = this;
        s.N = s1 - s0;
        s.B = TransB ? B + s0 * Ldb : B + s0;
        s.C = C + s0;
        return s;
    }
}

/// <summary>
/// Goto/BLIS-style blocked GEMM: for each NC-wide column block and KC-deep slice of k, pack the
/// KC×NC block of op(B); for each MC-tall row block pack the MC×KC block of op(A); then run the
/// micro-kernel over every Mr×Nr tile (B micro-panel outer, reused from L1/L2 while A streams
/// from L2). Large problems are split into row or column ranges, one per thread; each range runs
/// the same blocked loops on its own packing buffers, so every output element sees the same
/// k blocking, the same FMA chain and the same additions whatever the thread count.
/// </summary>
internal static unsafe class GemmPacked<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IGemmMicroKernel<T>
{
    /// <summary>Largest depth of a k slice (k is cut into equal slices): a float kc×Nr B micro-panel is 32 KiB, an Mr×kc A micro-panel 8 KiB.</summary>
    internal static int KC = 256;
    /// <summary>Rows of a packed A block (MC×KC×sizeof(T) = 128 KiB, held in L2).</summary>
    internal static int MC = RoundUp(512 / Unsafe.SizeOf<T>(), TKernel.Mr);
    /// <summary>Columns of a packed B block (KC×NC×sizeof(T) = 1 MiB, held in L2/L3).</summary>
    internal static int NC = RoundUp(1024 * 4 / Unsafe.SizeOf<T>(), TKernel.Nr);

    /// <summary>The most rows for which row-major B is read in place (8 row tiles of the float kernel).</summary>
    internal const int InPlaceRows = 64;

    /// <summary>
    /// Below this many multiply-adds per thread (4·2²⁰), splitting costs more than it saves. Measured in
    /// the MLP step at batch 32 (products of 3.2·10⁶): timed alone, back to back, the two halves run
    /// 1.4–1.7× faster, but inside a step, where the worker has gone idle between products and each
    /// half's output must then cross to the other core, 2 threads took 162–185 µs against 136–163
    /// unsplit (three alternating runs).
    /// </summary>
    internal const long MinWorkPerThread = 1 << 22;

    [ThreadStatic] private static T[]? packA, packB;
    [ThreadStatic] private static Work? work;

    /// <summary>Computes the whole problem on up to <paramref name="maxThreads"/> threads.</summary>
    public static void Run(in GemmArgs<T> g, int maxThreads)
    {
        long flops = (long)g.M * g.N * g.K;
        bool splitRows = g.M >= g.N;
        int units = splitRows ? Ceil(g.M, TKernel.Mr) : Ceil(g.N, TKernel.Nr);
        int parts = (int)Math.Min(Math.Min(maxThreads, units), Math.Max(1, flops / MinWorkPerThread));
        if (parts <= 1)
        {
            RunSingle(g);
            return;
        }
        var w = work ??= new Work();
        w.Args = g;
        w.SplitRows = splitRows;
        w.Units = units;
        WorkerPool.Run(w, parts);
    }

    private sealed class Work : PartitionedWork
    {
        public GemmArgs<T> Args;
        public bool SplitRows;
        public int Units;

        public override void Run(int part, int parts)
        {
            int u0 = (int)((long)Units * part / parts), u1 = (int)((long)Units * (part + 1) / parts);
            if (SplitRows)
                RunSingle(Args.Rows(u0 * TKernel.Mr, Math.Min(Args.M, u1 * TKernel.Mr)));
            else
                RunSingle(Args.Columns(u0 * TKernel.Nr, Math.Min(Args.N, u1 * TKernel.Nr)));
        }
    }

    /// <summary>Computes the whole problem on the calling thread.</summary>
    public static void RunSingle(in GemmArgs<T> g)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        // Equal k slices (784 → 4×196, not 3×256 + 16). The slicing depends on k alone, so
        // every output element sees the same additions whatever the thread split.
        int kSlices = Ceil(g.K, KC), kcMax = Ceil(g.K, kSlices);
        int mcMax = Math.Min(MC, RoundUp(g.M, mr));
        int ncMax = Math.Min(NC, RoundUp(g.N, nr));
        // With few rows, a packed B panel would be read by few row tiles: let the kernel read full
        // panels of a row-major B in place and pack only the ragged last panel. From 16 tiles on,
        // packing pays: a panel read in place strides by ldb (512 B for n = 128) and falls into a
        // quarter of L1's sets (measured on 128×784·784×128: packed 0.83× the time; at m = 16, 1.24×).
        bool bInPlace = !g.TransB && g.M <= Math.Min(MC, InPlaceRows);
        T* pa = Buffer(ref packA, mcMax * kcMax);
        T* pb = Buffer(ref packB, kcMax * (bInPlace ? nr : ncMax));
        T* tile = stackalloc T[mr * nr];

        for (int jc = 0; jc < g.N; jc += NC)
        {
            int nc = Math.Min(NC, g.N - jc);
            for (int slice = 0; slice < kSlices; slice++)
            {
                int pc = (int)((long)g.K * slice / kSlices), kc = (int)((long)g.K * (slice + 1) / kSlices) - pc;
                T* bBlock = g.TransB ? g.B + jc * g.Ldb + pc : g.B + pc * g.Ldb + jc;
                var panels = new BPanels { Direct = bBlock, DirectLd = g.Ldb, DirectCols = 0, Packed = pb, Kc = kc };
                if (bInPlace)
                {
                    panels.DirectCols = nc / nr * nr;
                    if (panels.DirectCols < nc)
                        GemmPacking.PackB(g.TransB, bBlock + panels.DirectCols, g.Ldb, kc, nc - panels.DirectCols, nr, pb);
                }
                else
                {
                    GemmPacking.PackB(g.TransB, bBlock, g.Ldb, kc, nc, nr, pb);
                }
                bool overwrite = slice == 0 && !g.Accumulate;
                for (int ic = 0; ic < g.M; ic += MC)
                {
                    int mc = Math.Min(MC, g.M - ic);
                    T* aBlock = g.TransA ? g.A + pc * g.Lda + ic : g.A + ic * g.Lda + pc;
                    GemmPacking.PackA(g.TransA, aBlock, g.Lda, mc, kc, mr, pa);
                    MacroKernel(mc, nc, kc, pa, panels, g.C + ic * g.Ldc + jc, g.Ldc, overwrite, tile);
                }
            }
        }
    }

    /// <summary>Where the kc×Nr panels of B are: the first DirectCols columns in place, the rest packed.</summary>
    private struct BPanels
    {
        public T* Direct, Packed;
        public nint DirectLd;
        public int DirectCols, Kc;

        public readonly T* Panel(int jr, out nint ld)
        {
            if (jr < DirectCols)
            {
                ld = DirectLd;
                return Direct + jr;
            }
            ld = TKernel.Nr;
            return Packed + (jr - DirectCols) * Kc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(int mc, int nc, int kc, T* pa, in BPanels panels, T* c, nint ldc, bool overwrite, T* tile)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* b = panels.Panel(jr, out nint ldb);
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                T* a = pa + ir * kc;
                T* cTile = c + ir * ldc + jr;
                if (rows == mr && cols == nr)
                {
                    TKernel.Run(kc, a, b, ldb, cTile, ldc, overwrite);
                    continue;
                }
                // Edge tile: full tile into scratch, then the same single store/add per element.
                TKernel.Run(kc, a, b, ldb, tile, nr, overwrite: true);
                for (int i = 0; i < rows; i++)
                {
                    T* ci = cTile + i * ldc;
                    T* ti = tile + i * nr;
                    if (overwrite)
                        for (int j = 0; j < cols; j++) ci[j] = ti[j];
                    else
                        for (int j = 0; j < cols; j++) ci[j] += ti[j];
                }
            }
        }
    }

    /// <summary>A 64-byte-aligned pointer into this thread's pinned, reusable packing array.</summary>
    private static T* Buffer(ref T[]? array, int length)
    {
        int pad = 64 / Unsafe.SizeOf<T>();
        if (array is null || array.Length < length + pad)
            array = GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
        nint p = (nint)Unsafe.AsPointer(ref array[0]);
        return (T*)((p + 63) & ~(nint)63);
    }

    private static int Ceil(int x, int d) => (x + d - 1) / d;
    private static int RoundUp(int x, int d) => Ceil(x, d) * d;
}
