using System.Numerics;
using System.Numerics.Tensors;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>Where (select by a condition), comparison masks (constants) and the detached max over an axis.</summary>
internal static class SelectionOps
{
    public static Var<T> Where<T>(Var<T> condition, Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(condition, a);
        Var<T>.Same(a, b);
        Shape sc = t.ShapeOf(condition.Index), sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        if (sa != sc) throw new ShapeMismatchException("Where", sc, sa, "the condition and the first branch must have the same shape");
        if (sb != sc) throw new ShapeMismatchException("Where", sc, sb, "the condition and the second branch must have the same shape");
        int i = t.Push(TensorOp.Where, sc, a.Index, b.Index, t.AnyRequiresGrad(a.Index, b.Index));
        t.Nodes[i].C = condition.Index;
        ReadOnlySpan<T> c = t.ValueOf(condition.Index), x = t.ValueOf(a.Index), y = t.ValueOf(b.Index);
        var d = t.Nodes[i].Value.AsSpan(0, sc.Length);
        for (int k = 0; k < d.Length; k++) d[k] = c[k] != T.Zero ? x[k] : y[k];
        return t.Handle(i);
    }

    /// <summary>A constant mask: 1 where <c>a &gt; b</c> (broadcast), else 0.</summary>
    public static Var<T> Greater<T>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T> => Mask<T, GreaterMaskKernel<T>>(a, b);

    /// <summary>A constant mask <c>TMask(a, b)</c> (1 or 0) at the broadcast of a's and b's shapes.</summary>
    public static Var<T> Mask<T, TMask>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T> where TMask : IBinaryKernel<T>
    {
        var t = Var<T>.Same(a, b);
        Shape sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        Span<int> dims = stackalloc int[Math.Max(sa.Rank, sb.Rank)];
        Shape.Broadcast(sa, sb, dims, "Greater");
        var so = dims.SequenceEqual(sa.Dims) ? sa : dims.SequenceEqual(sb.Dims) ? sb : t.NextShape(dims);
        var mask = t.NewConstant(so, out var values);
        Broadcast.Binary<T, TMask>(sa, t.ValueOf(a.Index), sb, t.ValueOf(b.Index), so, values);
        return t.Handle(mask.Index);
    }

    /// <summary>
    /// The maximum over <paramref name="axis"/> (kept with size 1) as a constant, with non-finite maxima
    /// replaced by 0: the shift that keeps <c>exp(x − m)</c> in range.
    /// </summary>
    public static Var<T> MaxOverAxisDetached<T>(Var<T> a, int axis) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        int ax = s.NormalizeAxis(axis);
        if (s.Dims[ax] == 0) throw new ArgumentException($"Max over axis {axis} of shape {s} is undefined: the axis is empty.", nameof(axis));
        Span<int> dims = stackalloc int[s.Rank];
        s.Dims.CopyTo(dims);
        dims[ax] = 1;
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.Constant, so);
        var (outer, n, inner) = ReductionOps.Split(s, ax);
        var x = t.ValueOf(a.Index);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        for (int o = 0; o < outer; o++)
        {
            var row = d.Slice(o * inner, inner);
            x.Slice(o * n * inner, inner).CopyTo(row);
            for (int j = 1; j < n; j++) TensorPrimitives.Max(row, x.Slice((o * n + j) * inner, inner), row);
        }
        foreach (ref T m in d) if (!T.IsFinite(m)) m = T.Zero;
        return t.Handle(i);
    }
}

/// <summary>y = c ? a : b: ā += ȳ·[c≠0], b̄ += ȳ·[c=0] (no gradient flows into the condition); ẏ = c ? ȧ : ḃ.</summary>
internal sealed class WhereRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var c = t.ValueOf(n.C);
        if (t.RequiresGrad(n.A))
        {
            var d = t.AdjointToAdd(n.A);
            for (int k = 0; k < d.Length; k++) if (c[k] != T.Zero) d[k] += g[k];
        }
        if (t.RequiresGrad(n.B))
        {
            var d = t.AdjointToAdd(n.B);
            for (int k = 0; k < d.Length; k++) if (c[k] == T.Zero) d[k] += g[k];
        }
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        var c = t.VarOf(t.Nodes[self].C);
        var zeros = t.Full(t.ShapeOf(self), T.Zero);
        if (needed[0]) grads[0] = SelectionOps.Where(c, gy, zeros);
        if (needed[1]) grads[1] = SelectionOps.Where(c, zeros, gy);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        var c = t.VarOf(t.Nodes[self].C);
        var shape = t.ShapeOf(self);
        return SelectionOps.Where(c, tangents[0].IsDefault ? t.Full(shape, T.Zero) : tangents[0], tangents[1].IsDefault ? t.Full(shape, T.Zero) : tangents[1]);
    }
}
