using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoDiff.Kernels;

/// <summary>
/// Runs the three convolution maps (<see cref="Convolution"/>) as implicit GEMMs over the phase-plane
/// layout with the register tiles of <see cref="ConvolutionTiles{T, TV, TS}"/>. The calling thread packs
/// the weights and the tap offsets once; the images are then split over up to
/// <see cref="Parallelism.MaxThreads"/> threads, each with its own scratch (phase planes, wide rows),
/// pinned and reused: after the first call with a given geometry nothing is allocated. Every result is
/// bit-identical for any thread count: an image's output never depends on the split, and the weight
/// gradient sums fixed chunks of images, each reduced on its own and added in chunk order.
/// </summary>
internal static unsafe class ConvolutionDriver<T, TV, TS> where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV>
{
    /// <summary>The phase planes and wide rows of one weight-gradient chunk stay within this many elements (L2).</summary>
    internal const int ChunkBudget = 1 << 18;

    /// <summary>At most this many images per weight-gradient chunk, so that a batch splits over threads.</summary>
    internal const int ChunkImages = 16;

    /// <summary>Below this many multiply-adds per thread, splitting costs more than it saves.</summary>
    internal const long MinWorkPerThread = 1 << 20;

    [ThreadStatic] private static T[]? planesBuffer, wideBuffer, packedBuffer, partialBuffer;
    [ThreadStatic] private static int[]? tapBuffer, rowBuffer;
    [ThreadStatic] private static Images? work;

    private enum Map { Forward, BackwardInput, BackwardWeight, BackwardWeightByChannels }

    // y (+)= x ⋆ w. Per image: phase planes, then per group and panel of output channels
    // y_wide[o, q] = Σ_p w[o, p]·planes[tap(p) + q], then the wide rows are copied (or added) into y.
    public static void Forward(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, bool accumulate)
    {
        var job = Job(Map.Forward, g, accumulate);
        job.Rows = g.Og > 4 ? 8 : 4;
        job.Panels = Ceil(g.Og, job.Rows);
        job.Pitch = RoundUp(g.WideLength, (job.Rows == 8 ? 3 : 4) * TS.Count);
        T* packed = Buffer(ref packedBuffer, g.Groups * job.Panels * job.Rows * g.Kg);
        int* taps = Taps(g);
        int* rowOffsets = Ints(ref rowBuffer, job.Rows);
        for (int r = 0; r < job.Rows; r++) rowOffsets[r] = r * job.Pitch;
        PackWeight(w, g, job.Panels, job.Rows, lanesAlongK: false, packed);
        job.Packed = packed; job.Taps = taps; job.RowOffsets = rowOffsets;
        fixed (T* px = x) fixed (T* py = y)
        {
            job.X = px; job.Y = py;
            Split(job, g.N);
        }
    }

    /// <summary>
    /// Packs each group's Og×Kg weight w[o, k] into panels of <paramref name="rows"/> lanes, zero past the
    /// last: lanes along o (the forward's output channels) or along k (x̄'s taps, <paramref name="lanesAlongK"/>);
    /// panel (gi, panel) holds <c>a[d·rows + r]</c> for depth d along the other axis.
    /// </summary>
    private static void PackWeight(ReadOnlySpan<T> w, in Conv2dGeometry g, int panels, int rows, bool lanesAlongK, T* packed)
    {
        int lanes = lanesAlongK ? g.Kg : g.Og, depth = lanesAlongK ? g.Og : g.Kg;
        fixed (T* pw = w)
            for (int gi = 0; gi < g.Groups; gi++)
                for (int panel = 0; panel < panels; panel++)
                {
                    T* a = packed + (gi * panels + panel) * rows * depth;
                    for (int d = 0; d < depth; d++)
                        for (int r = 0, l = panel * rows; r < rows; r++, l++)
                        {
                            int o = lanesAlongK ? d : l, k = lanesAlongK ? l : d;
                            a[d * rows + r] = l < lanes ? pw[(gi * g.Og + o) * g.Kg + k] : T.Zero;
                        }
                }
    }

    private static void ForwardImages(Images job, int n0, int n1)
    {
        ref readonly var g = ref job.G;
        int rows = job.Rows, cols = rows == 8 ? 3 * TS.Count : 4 * TS.Count, pitch = job.Pitch;
        T* planes = Buffer(ref planesBuffer, g.ImageLength + g.Slack(pitch));
        T* wide = Buffer(ref wideBuffer, g.O * pitch);
        ConvolutionLayout<T, TV, TS>.Zero(planes + g.ImageLength, g.Slack(pitch));
        for (int n = n0; n < n1; n++)
        {
            ConvolutionLayout<T, TV, TS>.ToPhases(g, job.X + (long)n * g.InputLength, planes);
            for (int gi = 0; gi < g.Groups; gi++)
            {
                T* src = planes + gi * g.Cg * g.ChannelLength;
                for (int panel = 0; panel < job.Panels; panel++)
                {
                    T* a = job.Packed + (gi * job.Panels + panel) * rows * g.Kg;
                    T* dst = wide + (gi * g.Og + panel * rows) * pitch;
                    int valid = Math.Min(rows, g.Og - panel * rows);
                    for (int q = 0; q < g.WideLength; q += cols)
                    {
                        if (rows == 8) ConvolutionTiles<T, TV, TS>.Rows8x3(g.Kg, a, src + q, job.Taps, dst + q, job.RowOffsets, valid);
                        else ConvolutionTiles<T, TV, TS>.Rows4(g.Kg, a, src + q, job.Taps, dst + q, job.RowOffsets, valid);
                    }
                }
            }
            ConvolutionLayout<T, TV, TS>.FromWide(g, wide, pitch, job.Y + (long)n * g.OutputLength, job.Accumulate);
        }
    }

    /// <summary>
    /// Whole vectors of output channels per group and enough taps: the channel-vector weight tile pays
    /// (one broadcast per multiply-add, but no wide columns and no reduction); measured better from
    /// about 64 taps on (8 × 5 × 5), worse on 25 (one input channel).
    /// </summary>
    private static bool Channels(in Conv2dGeometry g) => g.Og % TS.Count == 0 && g.OH * g.OW >= 8 && g.Kg >= 64;

    /// <summary>Each output position's offset in a phase plane (oh·Ws + ow), padded to whole tiles with the first.</summary>
    private static int* Positions(in Conv2dGeometry g)
    {
        int outputs = g.OH * g.OW;
        int* positions = Ints(ref rowBuffer, RoundUp(outputs, 8));
        for (int i = 0, q = 0; i < g.OH; i++)
            for (int j = 0; j < g.OW; j++)
                positions[q++] = i * g.Ws + j;
        for (int q = outputs; q < RoundUp(outputs, 8); q++) positions[q] = positions[0];
        return positions;
    }

    // x̄ (+)= w ⋆ᵀ ȳ. Per image, per group: a GEMM into one row per tap over the exact output
    // positions, cols[p, q] = Σ_o w[o, p]·ȳ[o, q] (ȳ read as it is, rows of OH·OW), then col2im: each
    // tap's row, output row by output row, is added into the phase planes at the tap's offset (whole
    // rows, so a row never waits on the stores of the row before it); then the planes' interior is
    // copied (or added) into x̄.
    public static void BackwardInput(in Conv2dGeometry g, ReadOnlySpan<T> gy, ReadOnlySpan<T> w, Span<T> gx, bool accumulate)
    {
        var job = Job(Map.BackwardInput, g, accumulate);
        job.Rows = g.Kg > 4 ? 8 : 4;
        job.Panels = Ceil(g.Kg, job.Rows);
        int cols = job.Rows == 8 ? 2 * TS.Count : 4 * TS.Count;
        job.Pitch = RoundUp(g.OH * g.OW, cols);
        T* packed = Buffer(ref packedBuffer, g.Groups * job.Panels * job.Rows * g.Og);
        int* taps = Taps(g);
        int* offsets = Ints(ref rowBuffer, g.Og + job.Rows);
        for (int o = 0; o < g.Og; o++) offsets[o] = o * job.Pitch;
        for (int r = 0; r < job.Rows; r++) offsets[g.Og + r] = r * job.Pitch;
        PackWeight(w, g, job.Panels, job.Rows, lanesAlongK: true, packed);
        job.Packed = packed; job.Taps = taps; job.RowOffsets = offsets;
        fixed (T* pgy = gy) fixed (T* pgx = gx)
        {
            job.X = pgy; job.Y = pgx;
            Split(job, g.N);
        }
    }

    private static void BackwardInputImages(Images job, int n0, int n1)
    {
        ref readonly var g = ref job.G;
        int rows = job.Rows, cols = rows == 8 ? 2 * TS.Count : 4 * TS.Count, pitch = job.Pitch, outputs = g.OH * g.OW;
        int* offsets = job.RowOffsets, rowOffsets = job.RowOffsets + g.Og;
        T* planes = Buffer(ref planesBuffer, g.ImageLength + g.Slack(pitch));
        T* gy = Buffer(ref wideBuffer, g.O * pitch + rows * pitch);
        T* columns = gy + g.O * pitch;
        for (int n = n0; n < n1; n++)
        {
            // ȳ's rows at the tile pitch, the tail zero (so whole tiles read real values).
            for (int o = 0; o < g.O; o++)
            {
                ConvolutionLayout<T, TV, TS>.Copy(job.X + (long)n * g.OutputLength + o * outputs, gy + o * pitch, outputs);
                ConvolutionLayout<T, TV, TS>.Zero(gy + o * pitch + outputs, pitch - outputs);
            }
            ConvolutionLayout<T, TV, TS>.Zero(planes, g.ImageLength);
            for (int gi = 0; gi < g.Groups; gi++)
            {
                T* src = gy + gi * g.Og * pitch;
                T* dst = planes + gi * g.Cg * g.ChannelLength;
                for (int panel = 0; panel < job.Panels; panel++)
                {
                    T* a = job.Packed + (gi * job.Panels + panel) * rows * g.Og;
                    int valid = Math.Min(rows, g.Kg - panel * rows);
                    for (int q = 0; q < outputs; q += cols)
                    {
                        if (rows == 8) ConvolutionTiles<T, TV, TS>.Rows8(g.Og, a, src + q, offsets, columns + q, rowOffsets, valid);
                        else ConvolutionTiles<T, TV, TS>.Rows4(g.Og, a, src + q, offsets, columns + q, rowOffsets, valid);
                    }
                    for (int r = 0; r < valid; r++)
                    {
                        T* row = columns + r * pitch, at = dst + job.Taps[panel * rows + r];
                        for (int i = 0; i < g.OH; i++) ConvolutionLayout<T, TV, TS>.AddTo(row + i * g.OW, at + i * g.Ws, g.OW);
                    }
                }
            }
            ConvolutionLayout<T, TV, TS>.FromPhases(g, planes, g.PlaneLength, job.Y + (long)n * g.InputLength, job.Accumulate);
        }
    }

    // w̄ (+)= x ⋆_w ȳ. Per chunk of images (phase planes and wide ȳ rows in L2), per 4 output channels × 6
    // taps: partial[o, p] = Σ_{n in chunk, q} ȳ_wide[n, o, q]·planes[n, tap(p) + q], reduced once per
    // chunk; the chunks' partials are then added into w̄ in order.
    public static void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> gy, Span<T> gw, bool accumulate)
    {
        bool channels = Channels(g);
        var job = Job(channels ? Map.BackwardWeightByChannels : Map.BackwardWeight, g, accumulate);
        job.Pitch = channels ? g.OH * g.OW : RoundUp(g.WideLength, TS.Count);
        job.Chunk = Math.Clamp(ChunkBudget / (g.ImageLength + g.O * job.Pitch), 1, ChunkImages);
        int chunks = Ceil(g.N, job.Chunk);
        job.Taps = Taps(g);
        if (channels) job.RowOffsets = Positions(g);
        job.Partial = Buffer(ref partialBuffer, chunks * g.WeightLength);
        fixed (T* px = x) fixed (T* pgy = gy)
        {
            job.X = px; job.Y = pgy;
            Split(job, chunks);
        }
        if (!accumulate) gw[..g.WeightLength].Clear();
        for (int c = 0; c < chunks; c++)
        {
            var partial = new ReadOnlySpan<T>(job.Partial + (long)c * g.WeightLength, g.WeightLength);
            SpanMath.Add(gw[..g.WeightLength], partial, gw[..g.WeightLength]);
        }
    }

    private static void BackwardWeightChunks(Images job, int c0, int c1)
    {
        ref readonly var g = ref job.G;
        int pitch = job.Pitch, vectors = pitch / TS.Count, imageWide = g.O * pitch;
        T* planes = Buffer(ref planesBuffer, job.Chunk * g.ImageLength + g.Slack(pitch));
        T* wide = Buffer(ref wideBuffer, job.Chunk * imageWide);
        int* offsets = stackalloc int[10];
        T* sums = stackalloc T[24];
        for (int c = c0; c < c1; c++)
        {
            int n0 = c * job.Chunk, count = Math.Min(job.Chunk, g.N - n0);
            T* partial = job.Partial + (long)c * g.WeightLength;
            for (int n = 0; n < count; n++)
            {
                ConvolutionLayout<T, TV, TS>.ToPhases(g, job.X + (long)(n0 + n) * g.InputLength, planes + n * g.ImageLength);
                ConvolutionLayout<T, TV, TS>.ToWide(g, job.Y + (long)(n0 + n) * g.OutputLength, wide + n * imageWide, pitch, front: 0);
            }
            ConvolutionLayout<T, TV, TS>.Zero(planes + count * g.ImageLength, g.Slack(pitch));
            for (int gi = 0; gi < g.Groups; gi++)
                for (int o0 = 0; o0 < g.Og; o0 += 4)
                {
                    // Rows past the last channel repeat a valid one; their sums are dropped.
                    for (int i = 0; i < 4; i++) offsets[i] = (gi * g.Og + Math.Min(o0 + i, g.Og - 1)) * pitch;
                    for (int p0 = 0; p0 < g.Kg; p0 += 6)
                    {
                        for (int j = 0; j < 6; j++) offsets[4 + j] = gi * g.Cg * g.ChannelLength + job.Taps[Math.Min(p0 + j, g.Kg - 1)];
                        ConvolutionTiles<T, TV, TS>.Dots4x6(count, vectors, wide, imageWide, offsets, planes, g.ImageLength, offsets + 4, sums);
                        for (int i = 0; i < 4 && o0 + i < g.Og; i++)
                        {
                            T* row = partial + (gi * g.Og + o0 + i) * g.Kg;
                            for (int j = 0; j < 6 && p0 + j < g.Kg; j++) row[p0 + j] = sums[i * 6 + j];
                        }
                    }
                }
        }
    }

    // The weight gradient with lanes over output channels: ȳ transposed to [position][channel] per image,
    // then per group, vector of channels and 8 taps, partial[o, p] = Σ_{n, q} ȳᵀ[n, q, o]·planes[n, position(q) + tap(p)].
    private static void BackwardWeightByChannelsChunks(Images job, int c0, int c1)
    {
        ref readonly var g = ref job.G;
        int lanes = TS.Count, outputs = g.OH * g.OW, imageG = outputs * g.O;
        T* planes = Buffer(ref planesBuffer, job.Chunk * g.ImageLength + 64);
        T* transposed = Buffer(ref wideBuffer, (long)job.Chunk * imageG);
        int* taps = stackalloc int[8];
        T* sums = stackalloc T[8 * TS.Count];
        for (int c = c0; c < c1; c++)
        {
            int n0 = c * job.Chunk, count = Math.Min(job.Chunk, g.N - n0);
            T* partial = job.Partial + (long)c * g.WeightLength;
            for (int n = 0; n < count; n++)
            {
                ConvolutionLayout<T, TV, TS>.ToPhases(g, job.X + (long)(n0 + n) * g.InputLength, planes + n * g.ImageLength);
                T* gyn = job.Y + (long)(n0 + n) * g.OutputLength, t = transposed + n * imageG;
                for (int o = 0; o < g.O; o++)
                    for (int q = 0; q < outputs; q++) t[q * g.O + o] = gyn[o * outputs + q];
            }
            for (int gi = 0; gi < g.Groups; gi++)
                for (int o0 = 0; o0 < g.Og; o0 += lanes)
                    for (int p0 = 0; p0 < g.Kg; p0 += 8)
                    {
                        // Taps past the last repeat a valid one; their sums are dropped.
                        for (int r = 0; r < 8; r++) taps[r] = gi * g.Cg * g.ChannelLength + job.Taps[Math.Min(p0 + r, g.Kg - 1)];
                        ConvolutionTiles<T, TV, TS>.ChannelDots8(count, outputs, transposed + gi * g.Og + o0, imageG, g.O,
                            planes, g.ImageLength, job.RowOffsets, taps, sums);
                        for (int r = 0; r < 8 && p0 + r < g.Kg; r++)
                            for (int l = 0; l < lanes; l++) partial[(gi * g.Og + o0 + l) * g.Kg + p0 + r] = sums[r * lanes + l];
                    }
        }
    }

    /// <summary>The calling thread's job object, reset for one map.</summary>
    private static Images Job(Map map, in Conv2dGeometry g, bool accumulate)
    {
        var job = work ??= new Images();
        (job.Kind, job.G, job.Accumulate) = (map, g, accumulate);
        return job;
    }

    /// <summary>Runs <paramref name="units"/> (images, or chunks of them) over as many threads as the work is worth.</summary>
    private static void Split(Images job, int units)
    {
        long work = (long)job.G.N * job.G.OutputLength * job.G.Kg;
        int parts = (int)Math.Min(Math.Min(Parallelism.MaxThreads, units), Math.Max(1, work / MinWorkPerThread));
        job.Units = units;
        if (parts <= 1) job.Run(0, 1);
        else WorkerPool.Run(job, parts);
    }

    /// <summary>One map over a range of images (or chunks), with pointers to the caller's pinned, packed operands.</summary>
    private sealed class Images : PartitionedWork
    {
        public Map Kind;
        public Conv2dGeometry G;
        public bool Accumulate;
        public int Rows, Panels, Pitch, Chunk, Units;
        public T* X, Y, Packed, Partial;
        public int* Taps, RowOffsets;

        public override void Run(int part, int parts)
        {
            int u0 = (int)((long)Units * part / parts), u1 = (int)((long)Units * (part + 1) / parts);
            switch (Kind)
            {
                case Map.Forward: ForwardImages(this, u0, u1); break;
                case Map.BackwardInput: BackwardInputImages(this, u0, u1); break;
                case Map.BackwardWeight: BackwardWeightChunks(this, u0, u1); break;
                default: BackwardWeightByChannelsChunks(this, u0, u1); break;
            }
        }
    }

    /// <summary>The tap offsets of one group, in weight order (c, kh, kw).</summary>
    private static int* Taps(in Conv2dGeometry g)
    {
        int* taps = Ints(ref tapBuffer, g.Kg);
        int p = 0;
        for (int c = 0; c < g.Cg; c++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                    taps[p++] = g.TapOffset(c, kh, kw);
        return taps;
    }

    /// <summary>A 64-byte-aligned pointer into this thread's pinned, reusable array of at least <paramref name="length"/> elements.</summary>
    private static T* Buffer(ref T[]? array, long length)
    {
        int pad = 64 / sizeof(T);
        if (array is null || array.Length < length + pad)
            array = GC.AllocateUninitializedArray<T>((int)Math.Max(length + pad, (array?.Length ?? 0) * 3L / 2), pinned: true);
        nint p = (nint)Unsafe.AsPointer(ref array[0]);
        return (T*)((p + 63) & ~(nint)63);
    }

    private static int* Ints(ref int[]? array, int length)
    {
        if (array is null || array.Length < length)
            array = GC.AllocateUninitializedArray<int>(Math.Max(Math.Max(length, 1), (array?.Length ?? 0) * 3 / 2), pinned: true);
        return (int*)Unsafe.AsPointer(ref array[0]);
    }

    private static int Ceil(int x, int d) => (x + d - 1) / d;
    private static int RoundUp(int x, int d) => Ceil(x, d) * d;
}
