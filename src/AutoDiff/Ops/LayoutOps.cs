using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Reshape (a view), Transpose of the last two axes, Permute of any axes, Slice along an axis and its
/// adjoint Pad. Forwards here, each primitive's row below: all are linear, so each VJP is another of them.
/// </summary>
internal static class LayoutOps
{
    public static Var<T> Reshape<T>(Var<T> a, ReadOnlySpan<int> dims) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        Span<int> resolved = stackalloc int[dims.Length];
        dims.CopyTo(resolved);
        int infer = -1;
        long known = 1;
        for (int k = 0; k < resolved.Length; k++)
        {
            if (resolved[k] == -1 && infer < 0) { infer = k; continue; }
            if (resolved[k] < 0) throw new ArgumentOutOfRangeException(nameof(dims), $"Reshape of {s} to {Shape.Format(dims)}: dimension {resolved[k]} at axis {k} is negative (only one -1 may stand for the inferred size).");
            known *= resolved[k];
        }
        if (infer >= 0)
        {
            if (known == 0 || s.Length % known != 0)
                throw new ShapeMismatchException("Reshape", s, Shape.Own(resolved.ToArray()), $"{s.Length} elements cannot be split into {Shape.Format(dims)}");
            resolved[infer] = (int)(s.Length / known);
            known *= resolved[infer];
        }
        if (known != s.Length)
            throw new ShapeMismatchException("Reshape", s, Shape.Own(resolved.ToArray()), $"{s.Length} elements cannot take the shape of {known}");
        var so = resolved.SequenceEqual(s.Dims) ? s : t.NextShape(resolved);
        int i = t.Push(TensorOp.Reshape, so, a.Index, requiresGrad: t.RequiresGrad(a.Index), external: t.Nodes[a.Index].Value);
        return t.Handle(i);
    }

    public static Var<T> Transpose<T>(Var<T> a) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        if (s.Rank < 2) throw new ArgumentException($"Transpose needs rank 2 or more (it swaps the last two axes); the shape is {s}.", nameof(a));
        Span<int> dims = stackalloc int[s.Rank];
        s.Dims.CopyTo(dims);
        (dims[^1], dims[^2]) = (dims[^2], dims[^1]);
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.Transpose, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        Transpose2D(t.ValueOf(a.Index), t.Nodes[i].Value.AsSpan(0, so.Length), s[-2], s[-1], accumulate: false);
        return t.Handle(i);
    }

    public static Var<T> Permute<T>(Var<T> a, ReadOnlySpan<int> axes) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        if (axes.Length != s.Rank)
            throw new ArgumentException($"Permute of shape {s} needs {s.Rank} axes, one for each; got {Shape.Format(axes)}.", nameof(axes));
        var perm = t.NextInts(s.Rank).AsSpan(0, s.Rank);
        Span<bool> seen = stackalloc bool[s.Rank];
        seen.Clear();
        bool identity = true;
        for (int k = 0; k < perm.Length; k++)
        {
            int r = axes[k] < 0 ? axes[k] + s.Rank : axes[k];
            if ((uint)r >= (uint)s.Rank)
                throw new ArgumentOutOfRangeException(nameof(axes), $"Permute of shape {s}: axis {axes[k]} at position {k} of {Shape.Format(axes)} is out of range for rank {s.Rank}.");
            if (seen[r]) throw new ArgumentException($"Permute of shape {s}: axis {axes[k]} appears twice in {Shape.Format(axes)}; each axis must appear once.", nameof(axes));
            seen[r] = true;
            perm[k] = r;
            identity &= r == k;
        }
        if (identity) return a;
        Span<int> dims = stackalloc int[s.Rank];
        for (int k = 0; k < dims.Length; k++) dims[k] = s.Dims[perm[k]];
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.Permute, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        Permuted(s, perm, t.ValueOf(a.Index), t.Nodes[i].Value.AsSpan(0, so.Length), back: false);
        return t.Handle(i);
    }

    /// <summary>
    /// Walks y = a with its axes permuted (y's axis k is a's axis <paramref name="perm"/>[k]; a has shape
    /// <paramref name="s"/>) in y's row-major order: forward, <c>y[…] = a[…]</c>; <paramref name="back"/>,
    /// <c>a[…] += y[…]</c> (the adjoint).
    /// </summary>
    internal static void Permuted<T>(Shape s, ReadOnlySpan<int> perm, ReadOnlySpan<T> x, Span<T> y, bool back) where T : IFloatingPointIeee754<T>
    {
        int rank = s.Rank;
        if (s.Length == 0) return;
        Span<int> stride = stackalloc int[rank], dims = stackalloc int[rank], index = stackalloc int[rank];
        Span<int> strideOfA = stackalloc int[rank];
        for (int k = rank - 1, st = 1; k >= 0; k--) { strideOfA[k] = st; st *= s.Dims[k]; }
        for (int k = 0; k < rank; k++) { dims[k] = s.Dims[perm[k]]; stride[k] = strideOfA[perm[k]]; }
        index.Clear();
        int len = dims[^1], step = stride[^1], offset = 0;
        // back: x is ȳ (y's layout) and y is ā (a's layout), so the roles of the two offsets swap
        for (int row = 0; row < s.Length; row += len)
        {
            if (back)
            {
                if (step == 1) { var d = y.Slice(offset, len); SpanMath.Add(d, x.Slice(row, len), d); }
                else for (int j = 0; j < len; j++) y[offset + j * step] += x[row + j];
            }
            else if (step == 1) x.Slice(offset, len).CopyTo(y.Slice(row, len));
            else for (int j = 0; j < len; j++) y[row + j] = x[offset + j * step];
            for (int k = rank - 2; k >= 0; k--)
            {
                offset += stride[k];
                if (++index[k] < dims[k]) break;
                offset -= stride[k] * dims[k];
                index[k] = 0;
            }
        }
    }

    public static Var<T> Slice<T>(Var<T> a, int axis, int start, int length) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        int ax = s.NormalizeAxis(axis);
        if (start < 0 || length < 0 || (long)start + length > s.Dims[ax])
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {(long)start + length}) of axis {axis} is outside 0..{s.Dims[ax]} for shape {s}.");
        Span<int> dims = stackalloc int[s.Rank];
        s.Dims.CopyTo(dims);
        dims[ax] = length;
        var so = dims.SequenceEqual(s.Dims) ? s : t.NextShape(dims);
        int i = t.Push(TensorOp.Slice, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Axis = ax;
        t.Nodes[i].Offset = start;
        var (outer, n, inner) = ReductionOps.Split(s, ax);
        var x = t.ValueOf(a.Index);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        for (int o = 0; o < outer; o++)
            x.Slice((o * n + start) * inner, length * inner).CopyTo(d.Slice(o * length * inner, length * inner));
        return t.Handle(i);
    }

    /// <summary>
    /// <paramref name="a"/> placed at <paramref name="start"/> along <paramref name="axis"/> of zeros whose
    /// size there is <paramref name="length"/>: the adjoint of <see cref="Slice{T}"/>.
    /// </summary>
    public static Var<T> Pad<T>(Var<T> a, int axis, int start, int length) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        Span<int> dims = stackalloc int[s.Rank];
        s.Dims.CopyTo(dims);
        dims[axis] = length;
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.Pad, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Axis = axis;
        t.Nodes[i].Offset = start;
        var (outer, window, inner) = ReductionOps.Split(s, axis);
        var x = t.ValueOf(a.Index);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        d.Clear();
        for (int o = 0; o < outer; o++)
            x.Slice(o * window * inner, window * inner).CopyTo(d.Slice((o * length + start) * inner, window * inner));
        return t.Handle(i);
    }

    /// <summary>For each trailing r×c matrix of <paramref name="x"/>, writes (or adds) its c×r transpose into <paramref name="d"/>.</summary>
    internal static void Transpose2D<T>(ReadOnlySpan<T> x, Span<T> d, int r, int c, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        int m = r * c;
        if (m == 0) return;
        for (int b = 0; b < x.Length / m; b++)
        {
            var xs = x.Slice(b * m, m);
            var ds = d.Slice(b * m, m);
            const int Block = 32;
            for (int i0 = 0; i0 < r; i0 += Block)
                for (int j0 = 0; j0 < c; j0 += Block)
                    for (int i = i0; i < Math.Min(i0 + Block, r); i++)
                        for (int j = j0; j < Math.Min(j0 + Block, c); j++)
                        {
                            if (accumulate) ds[j * r + i] += xs[i * c + j];
                            else ds[j * r + i] = xs[i * c + j];
                        }
        }
    }
}

/// <summary>y = a with new dimensions (a view): ā += ȳ element for element; ẏ = ȧ reshaped.</summary>
internal sealed class ReshapeRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g) => t.AddGradScaled(n.A, g, T.One);

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
        => grads[0] = gy.Reshape(t.ShapeOf(t.Nodes[self].A).Dims);

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents) => tangents[0].Reshape(t.ShapeOf(self).Dims);
}

/// <summary>y = aᵀ (the last two axes): ā += ȳᵀ; ẏ = ȧᵀ.</summary>
internal sealed class TransposeRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var d = t.AdjointToWrite(n.A, out bool first);
        LayoutOps.Transpose2D(g, d, n.Shape[-2], n.Shape[-1], accumulate: !first);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads) => grads[0] = gy.Transpose();

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents) => tangents[0].Transpose();
}

/// <summary>y = a with its axes permuted by p (y's axis k is a's axis p[k]): ā += ȳ permuted by p⁻¹; ẏ = ȧ permuted by p.</summary>
internal sealed class PermuteRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var sa = t.ShapeOf(n.A);
        LayoutOps.Permuted(sa, n.Ints.AsSpan(0, sa.Rank), g, t.AdjointToAdd(n.A), back: true);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        int rank = t.ShapeOf(self).Rank;
        var perm = t.Nodes[self].Ints.AsSpan(0, rank);
        Span<int> inverse = stackalloc int[rank];
        for (int k = 0; k < rank; k++) inverse[perm[k]] = k;
        grads[0] = LayoutOps.Permute(gy, inverse);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
        => LayoutOps.Permute(tangents[0], t.Nodes[self].Ints.AsSpan(0, t.ShapeOf(self).Rank));
}

/// <summary>y = a[…, start : start+len, …]: ā += ȳ padded back with zeros; ẏ = the same window of ȧ.</summary>
internal sealed class SliceRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var (outer, full, inner) = ReductionOps.Split(t.ShapeOf(n.A), n.Axis);
        int length = n.Shape.Dims[n.Axis], start = n.Offset;
        var d = t.AdjointToAdd(n.A);
        for (int o = 0; o < outer; o++)
        {
            var dr = d.Slice((o * full + start) * inner, length * inner);
            SpanMath.Add(dr, g.Slice(o * length * inner, length * inner), dr);
        }
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        grads[0] = LayoutOps.Pad(gy, n.Axis, n.Offset, t.ShapeOf(n.A).Dims[n.Axis]);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return LayoutOps.Slice(tangents[0], n.Axis, n.Offset, n.Shape.Dims[n.Axis]);
    }
}

/// <summary>y = a placed into zeros (the adjoint of Slice): ā += the window of ȳ; ẏ = ȧ padded the same way.</summary>
internal sealed class PadRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var (outer, window, inner) = ReductionOps.Split(t.ShapeOf(n.A), n.Axis);
        int full = n.Shape.Dims[n.Axis], start = n.Offset;
        var d = t.AdjointToAdd(n.A);
        for (int o = 0; o < outer; o++)
        {
            var dr = d.Slice(o * window * inner, window * inner);
            SpanMath.Add(dr, g.Slice((o * full + start) * inner, window * inner), dr);
        }
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        grads[0] = LayoutOps.Slice(gy, n.Axis, n.Offset, t.ShapeOf(n.A).Dims[n.Axis]);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return LayoutOps.Pad(tangents[0], n.Axis, n.Offset, n.Shape.Dims[n.Axis]);
    }
}
