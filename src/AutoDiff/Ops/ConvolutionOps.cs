using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// 2-d convolution (cross-correlation with zero padding, as PyTorch's conv2d). Forward and backward side
/// by side; the backward rule is the two adjoint maps of <see cref="Convolution"/>.
/// </summary>
internal static class ConvolutionOps
{
    /// <summary>The largest stride, padding, dilation or group count a node can record.</summary>
    internal const int MaxAttribute = short.MaxValue;

    public static Var<T> Conv2d<T>(Var<T> x, Var<T> weight, int stride, int padding, int dilation, int groups) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(x, weight);
        var g = Geometry(t.ShapeOf(x.Index), t.ShapeOf(weight.Index), stride, padding, dilation, groups);
        var so = t.NextShape([g.N, g.O, g.OH, g.OW]);
        int i = t.Push(TensorOp.Conv2d, so, x.Index, weight.Index, t.AnyRequiresGrad(x.Index, weight.Index));
        // The attributes, two to an int: (stride, dilation) and (padding, groups).
        t.Nodes[i].Axis = stride | dilation << 16;
        t.Nodes[i].Offset = padding | groups << 16;
        Convolution.Forward(g, t.ValueOf(x.Index), t.ValueOf(weight.Index), t.Nodes[i].Value.AsSpan(0, so.Length));
        return t.Handle(i);
    }

    // y = x ⋆ w:  x̄ += w ⋆ᵀ ȳ (transposed convolution),  w̄ += x ⋆_w ȳ (correlation of x with ȳ)
    public static void Backward<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var geometry = GeometryOf(t, ref n);
        if (t.RequiresGrad(n.A))
        {
            var d = t.GradFor(n.A, out bool fresh);
            Convolution.BackwardInput(geometry, g, t.ValueOf(n.B), d, accumulate: !fresh);
        }
        if (t.RequiresGrad(n.B))
        {
            var d = t.GradFor(n.B, out bool fresh);
            Convolution.BackwardWeight(geometry, t.ValueOf(n.A), g, d, accumulate: !fresh);
        }
    }

    /// <summary>The geometry a recorded Conv2d node was made with.</summary>
    internal static Conv2dGeometry GeometryOf<T>(TensorTape<T> t, ref TensorNode<T> n) where T : IFloatingPointIeee754<T>
    {
        Shape sx = t.ShapeOf(n.A), sw = t.ShapeOf(n.B);
        return new Conv2dGeometry(sx[0], sx[1], sx[2], sx[3], sw[0], sw[2], sw[3],
            stride: n.Axis & 0xFFFF, padding: n.Offset & 0xFFFF, dilation: n.Axis >> 16, groups: n.Offset >> 16);
    }

    /// <summary>Checks the operands and attributes of a convolution, naming both shapes or the argument.</summary>
    internal static Conv2dGeometry Geometry(Shape x, Shape w, int stride, int padding, int dilation, int groups)
    {
        Attribute(stride, 1, nameof(stride));
        Attribute(padding, 0, nameof(padding));
        Attribute(dilation, 1, nameof(dilation));
        Attribute(groups, 1, nameof(groups));
        if (x.Rank != 4 || w.Rank != 4)
            throw new ShapeMismatchException("Conv2d", x, w, "the input must be [N, C, H, W] and the weight [O, C/groups, KH, KW]");
        int c = x[1], o = w[0], kh = w[2], kw = w[3];
        if (kh < 1 || kw < 1) throw new ShapeMismatchException("Conv2d", x, w, $"the kernel must be at least 1×1; it is {kh}×{kw}");
        if (c % groups != 0) throw new ShapeMismatchException("Conv2d", x, w, $"the input's {c} channels are not divisible by groups = {groups}");
        if (o % groups != 0) throw new ShapeMismatchException("Conv2d", x, w, $"the weight's {o} output channels are not divisible by groups = {groups}");
        if (w[1] != c / groups)
            throw new ShapeMismatchException("Conv2d", x, w, $"the weight takes {w[1]} input channels per group but the input has {c} channels in {groups} group(s), {c / groups} per group");
        long spanH = (long)dilation * (kh - 1) + 1, spanW = (long)dilation * (kw - 1) + 1;
        long paddedH = x[2] + 2L * padding, paddedW = x[3] + 2L * padding;
        if (spanH > paddedH || spanW > paddedW)
            throw new ShapeMismatchException("Conv2d", x, w,
                $"the kernel spans {spanH}×{spanW} (dilation {dilation}) but the padded input is only {paddedH}×{paddedW} (padding {padding})");
        if (paddedH * paddedW * c > Array.MaxLength)
            throw new ShapeMismatchException("Conv2d", x, w, "the padded input is too large");
        return new Conv2dGeometry(x[0], c, x[2], x[3], o, kh, kw, stride, padding, dilation, groups);
    }

    private static void Attribute(int value, int min, string name)
    {
        if (value < min || value > MaxAttribute)
            throw new ArgumentOutOfRangeException(name, value, $"Conv2d: {name} must be in {min}..{MaxAttribute}; got {value}.");
    }
}
