using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoDiff.Kernels;

/// <summary>
/// NumPy broadcasting over row-major buffers. The output is walked row by row (its last axis); each
/// operand either runs along the row (step 1) or repeats one element (step 0, a broadcast axis), so
/// every row is one vectorised span call.
/// </summary>
internal static class Broadcast
{
    /// <summary><c>d = op(a, b)</c> with <paramref name="a"/> and <paramref name="b"/> broadcast to <paramref name="outShape"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<T, TOp>(Shape aShape, ReadOnlySpan<T> a, Shape bShape, ReadOnlySpan<T> b, Shape outShape, Span<T> d)
        where T : IFloatingPointIeee754<T> where TOp : IBinaryKernel<T>
    {
        if (outShape.Length == 0) return;
        if (aShape.Length == outShape.Length && bShape.Length == outShape.Length) { TOp.Invoke(a, b, d); return; }
        if (bShape.Length == 1 && aShape.Length == outShape.Length) { TOp.Invoke(a, b[0], d); return; }
        if (aShape.Length == 1 && bShape.Length == outShape.Length) { TOp.Invoke(a[0], b, d); return; }
        var w = new Walker(outShape, aShape, bShape, stackalloc int[3 * outShape.Rank + 3]);
        int len = w.RowLength;
        do
        {
            var dr = d.Slice(w.OutOffset, len);
            if (w.AStep == 1 && w.BStep == 1) TOp.Invoke(a.Slice(w.AOffset, len), b.Slice(w.BOffset, len), dr);
            else if (w.AStep == 1) TOp.Invoke(a.Slice(w.AOffset, len), b[w.BOffset], dr);
            else if (w.BStep == 1) TOp.Invoke(a[w.AOffset], b.Slice(w.BOffset, len), dr);
            else dr.Fill(TOp.Invoke(a[w.AOffset], b[w.BOffset]));
        } while (w.Next());
    }

    /// <summary>
    /// <c>d += reduce(g)</c>: sums <paramref name="g"/> (shape <paramref name="outShape"/>) over the axes
    /// along which <paramref name="inShape"/> was broadcast — the adjoint of broadcasting.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateReduced<T>(Shape outShape, ReadOnlySpan<T> g, Shape inShape, Span<T> d)
        where T : IFloatingPointIeee754<T>
    {
        if (outShape.Length == 0) return;
        if (inShape.Length == outShape.Length) { Elementwise.Binary<T, AddOperation<T>>(d, g, d); return; }
        if (inShape.Length == 1) { d[0] += SpanMath.Sum(g); return; }
        var w = new Walker(outShape, inShape, outShape, stackalloc int[3 * outShape.Rank + 3]);
        int len = w.RowLength;
        do
        {
            var gr = g.Slice(w.OutOffset, len);
            if (w.AStep == 1) { var dr = d.Slice(w.AOffset, len); Elementwise.Binary<T, AddOperation<T>>(dr, gr, dr); }
            else d[w.AOffset] += SpanMath.Sum(gr);
        } while (w.Next());
    }

    /// <summary>Copies <paramref name="a"/> broadcast to <paramref name="outShape"/> into <paramref name="d"/>.</summary>
    public static void To<T>(Shape aShape, ReadOnlySpan<T> a, Shape outShape, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        if (outShape.Length == 0) return;
        if (aShape.Length == outShape.Length) { a.CopyTo(d); return; }
        if (aShape.Length == 1) { d.Fill(a[0]); return; }
        var w = new Walker(outShape, aShape, outShape, stackalloc int[3 * outShape.Rank + 3]);
        int len = w.RowLength;
        do
        {
            if (w.AStep == 1) a.Slice(w.AOffset, len).CopyTo(d.Slice(w.OutOffset, len));
            else d.Slice(w.OutOffset, len).Fill(a[w.AOffset]);
        } while (w.Next());
    }

    /// <summary>Walks the rows of the output, tracking the matching offsets in two broadcast operands.</summary>
    private ref struct Walker
    {
        private readonly ReadOnlySpan<int> outDims;
        private readonly Span<int> aStrides, bStrides, index;
        public readonly int RowLength, AStep, BStep;
        public int OutOffset, AOffset, BOffset;

        public Walker(Shape outShape, Shape aShape, Shape bShape, Span<int> buffer)
        {
            int r = Math.Max(outShape.Rank, 1);
            outDims = outShape.Rank == 0 ? [1] : outShape.Dims;
            aStrides = buffer.Slice(0, r);
            bStrides = buffer.Slice(r, r);
            index = buffer.Slice(2 * r, r);
            index.Clear();
            Strides(aShape, outDims, aStrides);
            Strides(bShape, outDims, bStrides);
            RowLength = outDims[r - 1];
            AStep = aStrides[r - 1];
            BStep = bStrides[r - 1];
            OutOffset = AOffset = BOffset = 0;
        }

        // Strides of an operand aligned right against the output; 0 along broadcast axes.
        private static void Strides(Shape s, ReadOnlySpan<int> outDims, Span<int> strides)
        {
            int r = outDims.Length, stride = 1;
            for (int k = r - 1; k >= 0; k--)
            {
                int ax = k - r + s.Rank;
                int dim = ax >= 0 ? s.Dims[ax] : 1;
                strides[k] = dim == 1 && outDims[k] != 1 ? 0 : stride;
                stride *= dim;
            }
        }

        /// <summary>Advances to the next row; false after the last.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Next()
        {
            int r = outDims.Length;
            OutOffset += RowLength;
            for (int k = r - 2; k >= 0; k--)
            {
                index[k]++;
                AOffset += aStrides[k];
                BOffset += bStrides[k];
                if (index[k] < outDims[k]) return true;
                AOffset -= aStrides[k] * index[k];
                BOffset -= bStrides[k] * index[k];
                index[k] = 0;
            }
            return false;
        }
    }
}
