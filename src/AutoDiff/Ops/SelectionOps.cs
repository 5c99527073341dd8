using System.Numerics;
using System.Numerics.Tensors;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>Where (select by a mask), comparison masks and the detached max over an axis.</summary>
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

    // z = c ? a : b:  ā += z̄·[c≠0],  b̄ += z̄·[c=0];  no gradient flows into the condition.
    public static void BackwardWhere<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var c = t.ValueOf(n.C);
        if (t.RequiresGrad(n.A))
        {
            var d = t.GradOf(n.A);
            for (int k = 0; k < d.Length; k++) if (c[k] != T.Zero) d[k] += g[k];
        }
        if (t.RequiresGrad(n.B))
        {
            var d = t.GradOf(n.B);
            for (int k = 0; k < d.Length; k++) if (c[k] == T.Zero) d[k] += g[k];
        }
    }

    /// <summary>A constant mask: 1 where <c>a &gt; b</c> (broadcast), else 0.</summary>
    public static Var<T> Greater<T>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(a, b);
        Shape sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        Span<int> dims = stackalloc int[Math.Max(sa.Rank, sb.Rank)];
        Shape.Broadcast(sa, sb, dims, "Greater");
        var so = dims.SequenceEqual(sa.Dims) ? sa : t.NextShape(dims);
        int i = t.Push(TensorOp.Constant, so);
        Broadcast.Binary<T, GreaterMaskKernel<T>>(sa, t.ValueOf(a.Index), sb, t.ValueOf(b.Index), so, t.Nodes[i].Value.AsSpan(0, so.Length));
        return t.Handle(i);
    }

    /// <summary>
    /// The maximum over <paramref name="axis"/> (kept with size 1) as a constant, with non-finite maxima
    /// replaced by 0: the shift that keeps <c>exp(x − m)</c> in range.
    /// </summary>
    public static Var<T> MaxOverAxisDetached<T>(Var<T> a, int axis) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
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
