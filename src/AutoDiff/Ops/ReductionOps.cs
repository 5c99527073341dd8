using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Sums (over everything, over one axis, onto a broadcast shape) and their adjoint, broadcasting. Forward
/// and rows side by side: the VJP of a sum is a broadcast and the VJP of a broadcast is a sum.
/// </summary>
internal static class ReductionOps
{
    /// <summary>Views a shape as [outer, n, inner] around <paramref name="axis"/>.</summary>
    public static (int Outer, int N, int Inner) Split(Shape s, int axis)
    {
        int outer = 1, inner = 1;
        for (int k = 0; k < axis; k++) outer *= s.Dims[k];
        for (int k = axis + 1; k < s.Rank; k++) inner *= s.Dims[k];
        return (outer, s.Dims[axis], inner);
    }

    public static Var<T> Sum<T>(Var<T> a) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        int i = t.Push(TensorOp.Sum, Shape.ScalarShape, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Value[0] = SpanMath.Sum(t.ValueOf(a.Index));
        return t.Handle(i);
    }

    public static Var<T> SumAxis<T>(Var<T> a, int axis, bool keepDims) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        int ax = s.NormalizeAxis(axis);
        Span<int> dims = stackalloc int[s.Rank];
        s.Dims.CopyTo(dims);
        dims[ax] = 1;
        if (!keepDims)
        {
            for (int k = ax; k < dims.Length - 1; k++) dims[k] = dims[k + 1];
            dims = dims[..^1];
        }
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.SumAxis, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Axis = ax;
        var (outer, len, inner) = Split(s, ax);
        var x = t.ValueOf(a.Index);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        d.Clear();
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1) { d[o] = SpanMath.Sum(x.Slice(o * len, len)); continue; }
            var row = d.Slice(o * inner, inner);
            for (int j = 0; j < len; j++) SpanMath.Add(row, x.Slice((o * len + j) * inner, inner), row);
        }
        return t.Handle(i);
    }

    /// <summary>
    /// Σ over several <paramref name="axes"/> at once: a SumTo onto a's shape with those axes set to 1, then
    /// (unless <paramref name="keepDims"/>) a reshape that drops them. <paramref name="count"/> is how many
    /// elements each output sums.
    /// </summary>
    public static Var<T> SumAxes<T>(Var<T> a, ReadOnlySpan<int> axes, bool keepDims, string op, out int count) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        if (axes.IsEmpty)
            throw new ArgumentException($"{op} over an empty list of axes: NumPy would reduce nothing and PyTorch everything; write {op}() for all elements or name the axes.", nameof(axes));
        Span<int> kept = stackalloc int[s.Rank];
        s.Dims.CopyTo(kept);
        Span<bool> reduced = stackalloc bool[s.Rank];
        reduced.Clear();
        count = 1;
        for (int k = 0; k < axes.Length; k++)
        {
            int r = axes[k] < 0 ? axes[k] + s.Rank : axes[k];
            if ((uint)r >= (uint)s.Rank)
                throw new ArgumentOutOfRangeException(nameof(axes), $"{op} over axes {Shape.Format(axes)} of shape {s}: axis {axes[k]} at position {k} is out of range for rank {s.Rank}.");
            if (reduced[r]) throw new ArgumentException($"{op} over axes {Shape.Format(axes)} of shape {s}: axis {axes[k]} appears twice.", nameof(axes));
            reduced[r] = true;
            count *= s.Dims[r];
            kept[r] = 1;
        }
        var sum = SumTo(a, kept.SequenceEqual(s.Dims) ? s : t.NextShape(kept));
        if (keepDims) return sum;
        Span<int> dims = stackalloc int[s.Rank - axes.Length];
        for (int k = 0, j = 0; k < s.Rank; k++) if (!reduced[k]) dims[j++] = s.Dims[k];
        return sum.Reshape(dims);
    }

    /// <summary><paramref name="a"/> summed over the axes along which <paramref name="shape"/> broadcasts to a's shape (a itself when the shapes are equal).</summary>
    public static Var<T> SumTo<T>(Var<T> a, Shape shape) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        if (s == shape) return a;
        int i = t.Push(TensorOp.SumTo, shape, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        var d = t.Nodes[i].Value.AsSpan(0, shape.Length);
        d.Clear();
        Broadcast.AccumulateReduced(s, t.ValueOf(a.Index), shape, d);
        return t.Handle(i);
    }

    /// <summary><paramref name="a"/> repeated to <paramref name="shape"/> by NumPy broadcasting (a itself when the shapes are equal).</summary>
    public static Var<T> BroadcastTo<T>(Var<T> a, Shape shape) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        if (s == shape) return a;
        int i = t.Push(TensorOp.BroadcastTo, shape, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        Broadcast.To(s, t.ValueOf(a.Index), shape, t.Nodes[i].Value.AsSpan(0, shape.Length));
        return t.Handle(i);
    }
}

/// <summary>y = Σ a (rank 0): ā += ȳ broadcast; ẏ = Σ ȧ.</summary>
internal sealed class SumRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var d = t.AdjointToWrite(n.A, out bool first);
        if (first) d.Fill(g[0]); else SpanMath.Add(d, g[0], d);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
        => grads[0] = ReductionOps.BroadcastTo(gy, t.ShapeOf(t.Nodes[self].A));

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents) => ReductionOps.Sum(tangents[0]);
}

/// <summary>y[o,i] = Σⱼ a[o,j,i]: ā[o,j,i] += ȳ[o,i]; ẏ = the same sum of ȧ.</summary>
internal sealed class SumAxisRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var (outer, len, inner) = ReductionOps.Split(t.ShapeOf(n.A), n.Axis);
        var d = t.AdjointToAdd(n.A);
        for (int o = 0; o < outer; o++)
        {
            var gr = g.Slice(o * inner, inner);
            for (int j = 0; j < len; j++)
            {
                var dr = d.Slice((o * len + j) * inner, inner);
                if (inner == 1) dr[0] += gr[0]; else SpanMath.Add(dr, gr, dr);
            }
        }
    }

    // ȳ with the summed axis put back as size 1, then broadcast along it
    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        var sa = t.ShapeOf(t.Nodes[self].A);
        int axis = t.Nodes[self].Axis;
        Span<int> kept = stackalloc int[sa.Rank];
        sa.Dims.CopyTo(kept);
        kept[axis] = 1;
        grads[0] = ReductionOps.BroadcastTo(gy.Reshape(kept), sa);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
        => ReductionOps.SumAxis(tangents[0], t.Nodes[self].Axis, keepDims: t.ShapeOf(self).Rank == t.ShapeOf(t.Nodes[self].A).Rank);
}

/// <summary>y = a summed onto a broadcast shape: ā += ȳ broadcast back; ẏ = ȧ summed the same way.</summary>
internal sealed class SumToRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var sa = t.ShapeOf(n.A);
        var d = t.AdjointToAdd(n.A);
        Broadcast.Binary<T, AddKernel<T>>(sa, d, n.Shape, g, sa, d);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
        => grads[0] = ReductionOps.BroadcastTo(gy, t.ShapeOf(t.Nodes[self].A));

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents) => ReductionOps.SumTo(tangents[0], t.ShapeOf(self));
}

/// <summary>y = a broadcast to a shape: ā += ȳ summed over the broadcast axes; ẏ = ȧ broadcast the same way.</summary>
internal sealed class BroadcastToRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
        => Broadcast.AccumulateReduced(n.Shape, g, t.ShapeOf(n.A), t.AdjointToAdd(n.A));

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
        => grads[0] = ReductionOps.SumTo(gy, t.ShapeOf(t.Nodes[self].A));

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents) => ReductionOps.BroadcastTo(tangents[0], t.ShapeOf(self));
}
