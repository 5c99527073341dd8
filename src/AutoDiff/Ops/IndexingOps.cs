using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Reading elements by index along an axis, and the adjoints that write them back, as two pairs of linear
/// primitives, each the other's transpose (as Slice and Pad are). With a shape viewed as [outer, n, inner]
/// around the axis:
/// <code>
///   Gather      y[o, j, i] = a[o, idx[j], i]          (index select: one index per output row j)
///   ScatterAdd  z[o, idx[j], i] += a[o, j, i]         (z has the gathered tensor's shape)
///   TakeAlong   y[o, j, i] = a[o, p[o, j, i], i]      (one position per output element)
///   PutAlong    z[o, p[o, j, i], i] += a[o, j, i]
/// </code>
/// The indices are the node's Ints. Max and Min over an axis are TakeAlong at the positions of the
/// extremes, found once when recorded: with those positions fixed the reduction is linear, which is its
/// derivative to every order (away from ties, where it is the one-sided derivative of the first extreme).
/// </summary>
internal static class IndexingOps
{
    public static Var<T> IndexSelect<T>(Var<T> a, int axis, ReadOnlySpan<int> indices) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        if (s.Rank == 0) throw new ArgumentException($"IndexSelect needs rank 1 or more; the shape is {s}.", nameof(a));
        int ax = s.NormalizeAxis(axis), n = s.Dims[ax];
        for (int j = 0; j < indices.Length; j++)
            if ((uint)indices[j] >= (uint)n)
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"IndexSelect along axis {axis} of shape {s}: index {indices[j]} at position {j} is outside 0..{n - 1}.");
        return Gather(a, ax, indices);
    }

    /// <summary>Records the Gather of <paramref name="a"/> along <paramref name="axis"/> (normalised) at <paramref name="indices"/> (checked).</summary>
    public static Var<T> Gather<T>(Var<T> a, int axis, ReadOnlySpan<int> indices) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        var so = t.NextShape(Resized(s, axis, indices.Length, stackalloc int[s.Rank]));
        indices.CopyTo(t.NextInts(indices.Length));
        int i = Record(t, TensorOp.Gather, a, so, axis);
        GatherRows(s, t.ValueOf(a.Index), axis, indices, indices.Length, t.Nodes[i].Value.AsSpan(0, so.Length));
        return t.Handle(i);
    }

    /// <summary>Records the ScatterAdd of <paramref name="a"/> along <paramref name="axis"/> into zeros with <paramref name="n"/> there.</summary>
    public static Var<T> ScatterAdd<T>(Var<T> a, int axis, ReadOnlySpan<int> indices, int n) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        var so = t.NextShape(Resized(s, axis, n, stackalloc int[s.Rank]));
        indices.CopyTo(t.NextInts(indices.Length));
        int i = Record(t, TensorOp.ScatterAdd, a, so, axis);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        d.Clear();
        ScatterRows(t.ValueOf(a.Index), axis, indices, s.Dims[axis], so, d);
        return t.Handle(i);
    }

    /// <summary>
    /// Records the TakeAlong of <paramref name="a"/> along <paramref name="axis"/> at <paramref name="positions"/>
    /// (one per output element), whose output has <paramref name="count"/> there; <paramref name="origin"/> as the node's Offset.
    /// </summary>
    public static Var<T> TakeAlong<T>(Var<T> a, int axis, int count, ReadOnlySpan<int> positions, int origin) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        var so = t.NextShape(Resized(s, axis, count, stackalloc int[s.Rank]));
        positions.CopyTo(t.NextInts(so.Length));
        return TakeAlongRecorded(t, a, axis, so, origin);
    }

    /// <summary>
    /// The maximum (<paramref name="max"/>) or minimum of <paramref name="a"/> along <paramref name="axis"/>,
    /// kept with size 1: a TakeAlong at the first extreme of each line (NaN counts as the extreme, as in PyTorch).
    /// </summary>
    public static Var<T> Extreme<T>(Var<T> a, int axis, bool max) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        int ax = Axis(s, axis, max ? "Max" : "Min");
        var so = t.NextShape(Resized(s, ax, 1, stackalloc int[s.Rank]));
        var positions = t.NextInts(so.Length).AsSpan(0, so.Length);
        Positions(s, ax, t.ValueOf(a.Index), positions, t.Scratch(so.Length), max);
        return TakeAlongRecorded(t, a, ax, so, max ? 1 : 2);
    }

    /// <summary>The positions of the first maximum (or minimum) of each line along <paramref name="axis"/>, row-major over the other axes.</summary>
    public static int[] ArgExtreme<T>(Var<T> a, int axis, bool max) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        int ax = Axis(s, axis, max ? "ArgMax" : "ArgMin");
        var positions = new int[s.Length / s.Dims[ax]];
        Positions(s, ax, t.ValueOf(a.Index), positions, t.Scratch(positions.Length), max);
        return positions;
    }

    /// <summary>Records the PutAlong of <paramref name="a"/> along <paramref name="axis"/> into zeros with <paramref name="n"/> there.</summary>
    public static Var<T> PutAlong<T>(Var<T> a, int axis, ReadOnlySpan<int> positions, int n) where T : IFloatingPointIeee754<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        var so = t.NextShape(Resized(s, axis, n, stackalloc int[s.Rank]));
        positions.CopyTo(t.NextInts(positions.Length));
        int i = Record(t, TensorOp.PutAlong, a, so, axis);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        d.Clear();
        PutAt(t.ValueOf(a.Index), axis, positions, s.Dims[axis], so, d);
        return t.Handle(i);
    }

    private static Var<T> TakeAlongRecorded<T>(TensorTape<T> t, Var<T> a, int axis, Shape so, int origin) where T : IFloatingPointIeee754<T>
    {
        int i = Record(t, TensorOp.TakeAlong, a, so, axis);
        t.Nodes[i].Offset = origin;
        TakeAt(t.ShapeOf(a.Index), t.ValueOf(a.Index), axis, t.Nodes[i].Ints.AsSpan(0, so.Length), so.Dims[axis], t.Nodes[i].Value.AsSpan(0, so.Length));
        return t.Handle(i);
    }

    private static int Record<T>(TensorTape<T> t, TensorOp op, Var<T> a, Shape so, int axis) where T : IFloatingPointIeee754<T>
    {
        int i = t.Push(op, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Axis = axis;
        return i;
    }

    private static int Axis(Shape s, int axis, string op)
    {
        if (s.Rank == 0) throw new ArgumentException($"{op} over an axis needs rank 1 or more; the shape is {s} (use {op}() for all elements).", nameof(axis));
        int ax = s.NormalizeAxis(axis);
        if (s.Dims[ax] == 0) throw new ArgumentException($"{op} over axis {axis} of shape {s} is undefined: the axis is empty.", nameof(axis));
        return ax;
    }

    /// <summary><paramref name="s"/>'s dimensions with <paramref name="size"/> at <paramref name="axis"/>, in <paramref name="dims"/>.</summary>
    private static ReadOnlySpan<int> Resized(Shape s, int axis, int size, Span<int> dims)
    {
        s.Dims.CopyTo(dims);
        dims[axis] = size;
        return dims;
    }

    /// <summary><c>y[o, j, :] = x[o, idx[j], :]</c>, where x has shape <paramref name="sx"/> and y differs only in having <paramref name="count"/> at <paramref name="axis"/>.</summary>
    internal static void GatherRows<T>(Shape sx, ReadOnlySpan<T> x, int axis, ReadOnlySpan<int> idx, int count, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        var (outer, n, inner) = ReductionOps.Split(sx, axis);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
                x.Slice((o * n + idx[j]) * inner, inner).CopyTo(y.Slice((o * count + j) * inner, inner));
    }

    /// <summary><c>d[o, idx[j], :] += g[o, j, :]</c>, where d has shape <paramref name="sd"/> and g differs only in having <paramref name="count"/> at <paramref name="axis"/>.</summary>
    internal static void ScatterRows<T>(ReadOnlySpan<T> g, int axis, ReadOnlySpan<int> idx, int count, Shape sd, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        var (outer, n, inner) = ReductionOps.Split(sd, axis);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
            {
                var to = d.Slice((o * n + idx[j]) * inner, inner);
                SpanMath.Add(to, g.Slice((o * count + j) * inner, inner), to);
            }
    }

    /// <summary><c>y[o, j, i] = x[o, p[o, j, i], i]</c>, where x has shape <paramref name="sx"/> and y differs only in having <paramref name="count"/> at <paramref name="axis"/>.</summary>
    internal static void TakeAt<T>(Shape sx, ReadOnlySpan<T> x, int axis, ReadOnlySpan<int> p, int count, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        var (outer, n, inner) = ReductionOps.Split(sx, axis);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
            {
                int row = (o * count + j) * inner;
                for (int i = 0; i < inner; i++) y[row + i] = x[(o * n + p[row + i]) * inner + i];
            }
    }

    /// <summary><c>d[o, p[o, j, i], i] += g[o, j, i]</c>, where d has shape <paramref name="sd"/> and g differs only in having <paramref name="count"/> at <paramref name="axis"/>.</summary>
    internal static void PutAt<T>(ReadOnlySpan<T> g, int axis, ReadOnlySpan<int> p, int count, Shape sd, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        var (outer, n, inner) = ReductionOps.Split(sd, axis);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
            {
                int row = (o * count + j) * inner;
                for (int i = 0; i < inner; i++) d[(o * n + p[row + i]) * inner + i] += g[row + i];
            }
    }

    /// <summary>
    /// The first position of the maximum (or minimum) of each line of <paramref name="x"/> along
    /// <paramref name="axis"/>; a NaN is the extreme (the first one). <paramref name="best"/> is scratch, one per line.
    /// </summary>
    private static void Positions<T>(Shape s, int axis, ReadOnlySpan<T> x, Span<int> positions, Span<T> best, bool max) where T : IFloatingPointIeee754<T>
    {
        var (outer, n, inner) = ReductionOps.Split(s, axis);
        for (int o = 0; o < outer; o++)
        {
            var p = positions.Slice(o * inner, inner);
            var b = best.Slice(o * inner, inner);
            x.Slice(o * n * inner, inner).CopyTo(b);
            p.Clear();
            for (int j = 1; j < n; j++)
            {
                var row = x.Slice((o * n + j) * inner, inner);
                for (int i = 0; i < inner; i++)
                {
                    T v = row[i];
                    if (T.IsNaN(b[i])) continue;
                    if (T.IsNaN(v) || (max ? v > b[i] : v < b[i])) { b[i] = v; p[i] = j; }
                }
            }
        }
    }
}

/// <summary>y[o, j, i] = a[o, idx[j], i]: ā[o, idx[j], i] += ȳ[o, j, i] (a ScatterAdd); ẏ = the same Gather of ȧ.</summary>
internal sealed class GatherRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
        => IndexingOps.ScatterRows(g, n.Axis, Indices(ref n), n.Shape.Dims[n.Axis], t.ShapeOf(n.A), t.AdjointToAdd(n.A));

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        grads[0] = IndexingOps.ScatterAdd(gy, n.Axis, Indices(ref n), t.ShapeOf(n.A).Dims[n.Axis]);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
        => IndexingOps.Gather(tangents[0], t.Nodes[self].Axis, Indices(ref t.Nodes[self]));

    private static ReadOnlySpan<int> Indices(ref TensorNode<T> n) => n.Ints.AsSpan(0, n.Shape.Dims[n.Axis]);
}

/// <summary>z[o, idx[j], i] += a[o, j, i]: ā = the Gather of z̄ at idx; ż = the same ScatterAdd of ȧ.</summary>
internal sealed class ScatterAddRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var sa = t.ShapeOf(n.A);
        var d = t.AdjointToWrite(n.A, out bool first);
        var gathered = first ? d : t.Scratch(sa.Length);
        IndexingOps.GatherRows(n.Shape, g, n.Axis, Indices(t, ref n), sa.Dims[n.Axis], gathered);
        if (!first) SpanMath.Add(d, gathered, d);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
        => grads[0] = IndexingOps.Gather(gy, t.Nodes[self].Axis, Indices(t, ref t.Nodes[self]));

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return IndexingOps.ScatterAdd(tangents[0], n.Axis, Indices(t, ref n), n.Shape.Dims[n.Axis]);
    }

    private static ReadOnlySpan<int> Indices(TensorTape<T> t, ref TensorNode<T> n) => n.Ints.AsSpan(0, t.ShapeOf(n.A).Dims[n.Axis]);
}

/// <summary>y[o, j, i] = a[o, p[o, j, i], i]: ā[o, p, i] += ȳ[o, j, i] (a PutAlong); ẏ = ȧ taken at the same positions.</summary>
internal sealed class TakeAlongRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
        => IndexingOps.PutAt(g, n.Axis, n.Ints.AsSpan(0, n.Shape.Length), n.Shape.Dims[n.Axis], t.ShapeOf(n.A), t.AdjointToAdd(n.A));

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        grads[0] = IndexingOps.PutAlong(gy, n.Axis, n.Ints.AsSpan(0, n.Shape.Length), t.ShapeOf(n.A).Dims[n.Axis]);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return IndexingOps.TakeAlong(tangents[0], n.Axis, n.Shape.Dims[n.Axis], n.Ints.AsSpan(0, n.Shape.Length), origin: 0);
    }
}

/// <summary>z[o, p[o, j, i], i] += a[o, j, i]: ā = z̄ taken at the positions; ż = the same PutAlong of ȧ.</summary>
internal sealed class PutAlongRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var sa = t.ShapeOf(n.A);
        var d = t.AdjointToWrite(n.A, out bool first);
        var taken = first ? d : t.Scratch(sa.Length);
        IndexingOps.TakeAt(n.Shape, g, n.Axis, n.Ints.AsSpan(0, sa.Length), sa.Dims[n.Axis], taken);
        if (!first) SpanMath.Add(d, taken, d);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        var sa = t.ShapeOf(n.A);
        grads[0] = IndexingOps.TakeAlong(gy, n.Axis, sa.Dims[n.Axis], n.Ints.AsSpan(0, sa.Length), origin: 0);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return IndexingOps.PutAlong(tangents[0], n.Axis, n.Ints.AsSpan(0, t.ShapeOf(n.A).Length), n.Shape.Dims[n.Axis]);
    }
}
