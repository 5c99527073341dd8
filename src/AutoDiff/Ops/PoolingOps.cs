using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Max and average pooling over [N, C, H, W]. Forward and backward side by side. Max pooling records
/// where each window's maximum is as a constant node (input C of the pooling node), so its backward
/// rule is a scatter of ȳ to those positions.
/// </summary>
internal static class PoolingOps
{
    public static Var<T> MaxPool2d<T>(Var<T> x, int kernel, int stride) where T : IFloatingPointIeee754<T>
    {
        var t = x.Checked;
        var g = Geometry("MaxPool2d", t.ShapeOf(x.Index), kernel, stride);
        Span<int> dims = [g.N, g.C, g.OH, g.OW];
        int where = t.Push(TensorOp.Constant, t.NextShape(dims));
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.MaxPool2d, so, x.Index, requiresGrad: t.RequiresGrad(x.Index));
        t.Nodes[i].C = where;
        t.Nodes[i].Axis = kernel;
        t.Nodes[i].Offset = stride;
        Pooling.MaxForward(g, t.ValueOf(x.Index), t.Nodes[i].Value.AsSpan(0, so.Length), t.Nodes[where].Value.AsSpan(0, so.Length));
        return t.Handle(i);
    }

    // y = max over each window, at recorded positions m:  x̄[m] += ȳ
    public static void BackwardMax<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var d = t.GradFor(n.A, out bool fresh);
        Pooling.Scatter(GeometryOf(t, ref n), g, t.ValueOf(n.C), d, accumulate: !fresh);
    }

    public static Var<T> AvgPool2d<T>(Var<T> x, int kernel, int stride) where T : IFloatingPointIeee754<T>
    {
        var t = x.Checked;
        var g = Geometry("AvgPool2d", t.ShapeOf(x.Index), kernel, stride);
        var so = t.NextShape([g.N, g.C, g.OH, g.OW]);
        int i = t.Push(TensorOp.AvgPool2d, so, x.Index, requiresGrad: t.RequiresGrad(x.Index));
        t.Nodes[i].Axis = kernel;
        t.Nodes[i].Offset = stride;
        Pooling.AvgForward(g, t.ValueOf(x.Index), t.Nodes[i].Value.AsSpan(0, so.Length));
        return t.Handle(i);
    }

    // y = mean over each window:  x̄[window] += ȳ/K²
    public static void BackwardAvg<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var d = t.GradFor(n.A, out bool fresh);
        Pooling.AvgSpread(GeometryOf(t, ref n), g, d, accumulate: !fresh);
    }

    private static Pool2dGeometry GeometryOf<T>(TensorTape<T> t, ref TensorNode<T> n) where T : IFloatingPointIeee754<T>
    {
        var s = t.ShapeOf(n.A);
        return new Pool2dGeometry(s[0], s[1], s[2], s[3], n.Axis, n.Offset);
    }

    private static Pool2dGeometry Geometry(string op, Shape s, int kernel, int stride)
    {
        if (kernel < 1) throw new ArgumentOutOfRangeException(nameof(kernel), kernel, $"{op}: the kernel size must be at least 1; got {kernel}.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{op}: the stride must be at least 1; got {stride}.");
        if (s.Rank != 4) throw new ArgumentException($"{op} needs an input of shape [N, C, H, W]; got {s}.", "x");
        if (kernel > s[2] || kernel > s[3])
            throw new ArgumentException($"{op}: the {kernel}×{kernel} window is larger than the {s[2]}×{s[3]} image of input {s}.", nameof(kernel));
        return new Pool2dGeometry(s[0], s[1], s[2], s[3], kernel, stride);
    }
}
