using System.Numerics;
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
        var so = sa == sc && sb == sc ? sc : WhereShape(t, sc, sa, sb);
        int i = t.Push(TensorOp.Where, so, a.Index, b.Index, t.AnyRequiresGrad(a.Index, b.Index));
        t.Nodes[i].C = condition.Index;
        ReadOnlySpan<T> c = t.ValueOf(condition.Index), x = t.ValueOf(a.Index), y = t.ValueOf(b.Index);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        if (sa != so || sb != so || sc != so)
        {
            // broadcast: b into d, then c and a into the two scratch buffers
            Broadcast.To(sb, y, so, d);
            c = Expand(t, sc, c, so, 0);
            x = Expand(t, sa, x, so, 1);
            for (int k = 0; k < d.Length; k++) if (c[k] != T.Zero) d[k] = x[k];
            return t.Handle(i);
        }
        for (int k = 0; k < d.Length; k++) d[k] = c[k] != T.Zero ? x[k] : y[k];
        return t.Handle(i);
    }

    /// <summary>The NumPy broadcast of the condition's and both branches' shapes, or an error that names all three.</summary>
    private static Shape WhereShape<T>(TensorTape<T> t, Shape sc, Shape sa, Shape sb) where T : IFloatingPointIeee754<T>
    {
        int rank = Math.Max(sc.Rank, Math.Max(sa.Rank, sb.Rank));
        Span<int> dims = stackalloc int[rank];
        dims.Fill(1);
        ReadOnlySpan<Shape> shapes = [sc, sa, sb];
        for (int j = 0; j < shapes.Length; j++)
            for (int k = 0; k < shapes[j].Rank; k++)
            {
                int d = shapes[j].Dims[k], r = k + rank - shapes[j].Rank;
                if (d == dims[r] || d == 1) continue;
                if (dims[r] != 1)
                {
                    int axis = r - rank, other = shapes[0].Rank >= -axis && shapes[0][axis] == dims[r] ? 0 : 1;
                    throw new ShapeMismatchException("Where", shapes[other], shapes[j],
                        $"the condition {sc}, the branch a {sa} and the branch b {sb} do not broadcast: axis {axis} has sizes {dims[r]} and {d}");
                }
                dims[r] = d;
            }
        return dims.SequenceEqual(sc.Dims) ? sc : dims.SequenceEqual(sa.Dims) ? sa : dims.SequenceEqual(sb.Dims) ? sb : t.NextShape(dims);
    }

    /// <summary><paramref name="x"/> (of shape <paramref name="s"/>) broadcast to <paramref name="to"/>: itself, or a copy in scratch buffer <paramref name="which"/>.</summary>
    internal static ReadOnlySpan<T> Expand<T>(TensorTape<T> t, Shape s, ReadOnlySpan<T> x, Shape to, int which) where T : IFloatingPointIeee754<T>
    {
        if (s == to) return x;
        var e = t.Scratch(to.Length, which);
        Broadcast.To(s, x, to, e);
        return e;
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
        if (inner == 1)
            // The last axis (softmax over classes): a plain loop per row, not one span call per element.
            for (int o = 0; o < outer; o++)
            {
                var row = x.Slice(o * n, n);
                T m = row[0];
                for (int j = 1; j < row.Length; j++) m = T.Max(m, row[j]);
                d[o] = m;
            }
        else
            for (int o = 0; o < outer; o++)
            {
                var row = d.Slice(o * inner, inner);
                x.Slice(o * n * inner, inner).CopyTo(row);
                for (int j = 1; j < n; j++) SpanMath.Max(row, x.Slice((o * n + j) * inner, inner), row);
            }
        foreach (ref T m in d) if (!T.IsFinite(m)) m = T.Zero;
        return t.Handle(i);
    }
}

/// <summary>
/// y = c ? a : b with broadcasting: ā += reduce(ȳ·[c≠0]), b̄ += reduce(ȳ·[c=0]) (reduce: summed over the axes
/// the branch was broadcast along; no gradient flows into the condition); ẏ = c ? ȧ : ḃ.
/// </summary>
internal sealed class WhereRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        Shape so = n.Shape, sc = t.ShapeOf(n.C);
        var c = SelectionOps.Expand(t, sc, t.ValueOf(n.C), so, 0);
        Branch(t, n.A, c, g, so, taken: true);
        Branch(t, n.B, c, g, so, taken: false);
    }

    // x̄ += reduce(g where (c ≠ 0) == taken)
    private static void Branch(TensorTape<T> t, int x, ReadOnlySpan<T> c, ReadOnlySpan<T> g, Shape so, bool taken)
    {
        if (!t.RequiresGrad(x)) return;
        var sx = t.ShapeOf(x);
        if (sx == so)
        {
            var d = t.AdjointToAdd(x);
            for (int k = 0; k < d.Length; k++) if ((c[k] != T.Zero) == taken) d[k] += g[k];
            return;
        }
        var masked = t.Scratch(so.Length, 1);
        for (int k = 0; k < masked.Length; k++) masked[k] = (c[k] != T.Zero) == taken ? g[k] : T.Zero;
        Broadcast.AccumulateReduced(so, masked, sx, t.AdjointToAdd(x));
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        var c = t.VarOf(n.C);
        var zero = t.ConstantValue(T.Zero);
        if (needed[0]) grads[0] = ReductionOps.SumTo(SelectionOps.Where(c, gy, zero), t.ShapeOf(t.Nodes[self].A));
        if (needed[1]) grads[1] = ReductionOps.SumTo(SelectionOps.Where(c, zero, gy), t.ShapeOf(t.Nodes[self].B));
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        var c = t.VarOf(t.Nodes[self].C);
        var zero = t.ConstantValue(T.Zero);
        var y = SelectionOps.Where(c, tangents[0].IsDefault ? zero : tangents[0], tangents[1].IsDefault ? zero : tangents[1]);
        return ReductionOps.BroadcastTo(y, t.ShapeOf(self));
    }
}
