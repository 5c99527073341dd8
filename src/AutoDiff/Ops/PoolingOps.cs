using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Max and average pooling over [N, C, H, W] and their adjoints, as pairs of linear primitives that are
/// each other's transposes (the maps of <see cref="Pooling"/>):
/// <code>
///   MaxPool2d     y = gather(x, m)      (A = x, C = m: each window's recorded maximum position, a constant)
///   MaxUnpool2d   z = scatter(g, m)     (A = g, C = m; z has x's shape)
///   AvgPool2d     y = avg(x)            (A = x)
///   AvgUnpool2d   z = spread(g)/K²      (A = g; z has x's shape)
/// </code>
/// x.MaxPool2d records m and y in one pass; past that, max pooling is linear in x with m fixed, which is
/// its derivative to every order (the maximum's position does not move under an infinitesimal change,
/// away from ties). Axis holds the kernel size, Offset the stride.
/// </summary>
internal static class PoolingOps
{
    public static Var<T> MaxPool2d<T>(Var<T> x, int kernel, int stride) where T : IFloatingPointIeee754<T>
    {
        var t = x.Section;
        var g = Geometry("MaxPool2d", t.ShapeOf(x.Index), kernel, stride);
        Span<int> dims = [g.N, g.C, g.OH, g.OW];
        int where = t.Push(TensorOp.Constant, t.NextShape(dims));
        int i = Record(t, TensorOp.MaxPool2d, x, t.NextShape(dims), kernel, stride, where);
        int length = t.ShapeOf(i).Length;
        Pooling.MaxForward(g, t.ValueOf(x.Index), t.Nodes[i].Value.AsSpan(0, length), t.Nodes[where].Value.AsSpan(0, length));
        return t.Handle(i);
    }

    public static Var<T> AvgPool2d<T>(Var<T> x, int kernel, int stride) where T : IFloatingPointIeee754<T>
    {
        var t = x.Section;
        Geometry("AvgPool2d", t.ShapeOf(x.Index), kernel, stride);
        return Avg(x, kernel, stride);
    }

    /// <summary>Records the gather of <paramref name="x"/> at the positions recorded in node <paramref name="where"/>.</summary>
    internal static Var<T> Gather<T>(Var<T> x, int where, int kernel, int stride) where T : IFloatingPointIeee754<T>
    {
        var t = x.Section;
        var g = Of(t.ShapeOf(x.Index), kernel, stride);
        int i = Record(t, TensorOp.MaxPool2d, x, t.NextShape([g.N, g.C, g.OH, g.OW]), kernel, stride, where);
        Pooling.Gather(g, t.ValueOf(x.Index), t.ValueOf(where), t.Nodes[i].Value.AsSpan(0, t.ShapeOf(i).Length), accumulate: false);
        return t.Handle(i);
    }

    /// <summary>Records the scatter of <paramref name="g"/> to the positions in node <paramref name="where"/>, into a tensor of shape <paramref name="x"/>.</summary>
    internal static Var<T> Scatter<T>(Var<T> g, int where, Shape x, int kernel, int stride) where T : IFloatingPointIeee754<T>
    {
        var t = g.Section;
        int i = Record(t, TensorOp.MaxUnpool2d, g, t.NextShape(x.Dims), kernel, stride, where);
        Pooling.Scatter(Of(x, kernel, stride), t.ValueOf(g.Index), t.ValueOf(where), t.Nodes[i].Value.AsSpan(0, x.Length), accumulate: false);
        return t.Handle(i);
    }

    internal static Var<T> Avg<T>(Var<T> x, int kernel, int stride) where T : IFloatingPointIeee754<T>
    {
        var t = x.Section;
        var g = Of(t.ShapeOf(x.Index), kernel, stride);
        int i = Record(t, TensorOp.AvgPool2d, x, t.NextShape([g.N, g.C, g.OH, g.OW]), kernel, stride, -1);
        Pooling.AvgForward(g, t.ValueOf(x.Index), t.Nodes[i].Value.AsSpan(0, t.ShapeOf(i).Length));
        return t.Handle(i);
    }

    /// <summary>Records <paramref name="g"/>/K² spread over each window of a tensor of shape <paramref name="x"/>.</summary>
    internal static Var<T> Spread<T>(Var<T> g, Shape x, int kernel, int stride) where T : IFloatingPointIeee754<T>
    {
        var t = g.Section;
        int i = Record(t, TensorOp.AvgUnpool2d, g, t.NextShape(x.Dims), kernel, stride, -1);
        Pooling.AvgSpread(Of(x, kernel, stride), t.ValueOf(g.Index), t.Nodes[i].Value.AsSpan(0, x.Length), accumulate: false);
        return t.Handle(i);
    }

    private static int Record<T>(TensorTape<T> t, TensorOp op, Var<T> a, Shape shape, int kernel, int stride, int where) where T : IFloatingPointIeee754<T>
    {
        int i = t.Push(op, shape, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Axis = kernel;
        t.Nodes[i].Offset = stride;
        t.Nodes[i].C = where;
        return i;
    }

    private static Pool2dGeometry Of(Shape x, int kernel, int stride) => new(x[0], x[1], x[2], x[3], kernel, stride);

    /// <summary>The geometry behind a pooling node: the input is A for the pools and the node itself for their adjoints.</summary>
    internal static Pool2dGeometry GeometryOf<T>(TensorTape<T> t, ref TensorNode<T> n) where T : IFloatingPointIeee754<T> =>
        Of(n.Op is TensorOp.MaxPool2d or TensorOp.AvgPool2d ? t.ShapeOf(n.A) : n.Shape, n.Axis, n.Offset);

    private static Pool2dGeometry Geometry(string op, Shape s, int kernel, int stride)
    {
        if (kernel < 1) throw new ArgumentOutOfRangeException(nameof(kernel), kernel, $"{op}: the kernel size must be at least 1; got {kernel}.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{op}: the stride must be at least 1; got {stride}.");
        if (s.Rank != 4) throw new ArgumentException($"{op} needs an input of shape [N, C, H, W]; got {s}.", "x");
        if (kernel > s[2] || kernel > s[3])
            throw new ArgumentException($"{op}: the {kernel}×{kernel} window is larger than the {s[2]}×{s[3]} image of input {s}.", nameof(kernel));
        return Of(s, kernel, stride);
    }
}

/// <summary>y = gather(x, m):  x̄ = scatter(ȳ, m);  ẏ = gather(ẋ, m).</summary>
internal sealed class MaxPool2dRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var d = t.AdjointToWrite(n.A, out bool first);
        Pooling.Scatter(PoolingOps.GeometryOf(t, ref n), g, t.ValueOf(n.C), d, accumulate: !first);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        grads[0] = PoolingOps.Scatter(gy, n.C, t.ShapeOf(n.A), n.Axis, n.Offset);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return PoolingOps.Gather(tangents[0], n.C, n.Axis, n.Offset);
    }
}

/// <summary>z = scatter(g, m):  ḡ = gather(z̄, m);  ż = scatter(ġ, m).</summary>
internal sealed class MaxUnpool2dRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var d = t.AdjointToWrite(n.A, out bool first);
        Pooling.Gather(PoolingOps.GeometryOf(t, ref n), g, t.ValueOf(n.C), d, accumulate: !first);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        grads[0] = PoolingOps.Gather(gy, n.C, n.Axis, n.Offset);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return PoolingOps.Scatter(tangents[0], n.C, n.Shape, n.Axis, n.Offset);
    }
}

/// <summary>y = avg(x):  x̄ = spread(ȳ)/K²;  ẏ = avg(ẋ).</summary>
internal sealed class AvgPool2dRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var d = t.AdjointToWrite(n.A, out bool first);
        Pooling.AvgSpread(PoolingOps.GeometryOf(t, ref n), g, d, accumulate: !first);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        grads[0] = PoolingOps.Spread(gy, t.ShapeOf(n.A), n.Axis, n.Offset);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return PoolingOps.Avg(tangents[0], n.Axis, n.Offset);
    }
}

/// <summary>z = spread(g)/K²:  ḡ = avg(z̄);  ż = spread(ġ)/K².</summary>
internal sealed class AvgUnpool2dRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var d = t.AdjointToWrite(n.A, out bool first);
        Pooling.AvgForward(PoolingOps.GeometryOf(t, ref n), g, d, accumulate: !first);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        grads[0] = PoolingOps.Avg(gy, n.Axis, n.Offset);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return PoolingOps.Spread(tangents[0], n.Shape, n.Axis, n.Offset);
    }
}
