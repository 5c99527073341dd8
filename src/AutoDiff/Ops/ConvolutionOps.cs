using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// 2-d convolution (cross-correlation with zero padding, as PyTorch's conv2d) and its two adjoints as
/// primitives of their own, so that every derivative of a convolution, to any order, is again one of
/// the three (the maps of <see cref="Convolution"/>):
/// <code>
///   Conv2d        y = x ⋆ w          (A = x, B = w)
///   Conv2dInput   z = g ⋆ᵀ w         (A = g, B = w; z has x's shape)   the transposed convolution
///   Conv2dWeight  v = x ⋆_w g        (A = x, B = g; v has w's shape)   the correlation of x with g
/// </code>
/// All three are bilinear and satisfy <c>⟨ȳ, x ⋆ w⟩ = ⟨w ⋆ᵀ ȳ, x⟩ = ⟨x ⋆_w ȳ, w⟩</c>, from which each
/// row below reads off its adjoints. The attributes travel in Axis (stride | dilation ≪ 16) and Offset
/// (padding | groups ≪ 16).
/// </summary>
internal static class ConvolutionOps
{
    /// <summary>The largest stride, padding, dilation or group count a node can record.</summary>
    internal const int MaxAttribute = short.MaxValue;

    public static Var<T> Conv2d<T>(Var<T> x, Var<T> weight, int stride, int padding, int dilation, int groups) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(x, weight);
        Geometry(t.ShapeOf(x.Index), t.ShapeOf(weight.Index), stride, padding, dilation, groups);
        return Forward(x, weight, stride | dilation << 16, padding | groups << 16);
    }

    /// <summary>Records <c>x ⋆ w</c> with packed attributes (operands already checked).</summary>
    internal static Var<T> Forward<T>(Var<T> x, Var<T> w, int axis, int offset) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(x, w);
        var g = Of(t.ShapeOf(x.Index), t.ShapeOf(w.Index), axis, offset);
        int i = Record(t, TensorOp.Conv2d, x, w, t.NextShape([g.N, g.O, g.OH, g.OW]), axis, offset);
        Convolution.Forward(g, t.ValueOf(x.Index), t.ValueOf(w.Index), t.Nodes[i].Value.AsSpan(0, t.ShapeOf(i).Length));
        return t.Handle(i);
    }

    /// <summary>Records the transposed convolution <c>g ⋆ᵀ w</c> into an input of shape <paramref name="x"/>.</summary>
    internal static Var<T> Input<T>(Var<T> g, Var<T> w, Shape x, int axis, int offset) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(g, w);
        var geometry = Of(x, t.ShapeOf(w.Index), axis, offset);
        int i = Record(t, TensorOp.Conv2dInput, g, w, t.NextShape(x.Dims), axis, offset);
        Convolution.BackwardInput(geometry, t.ValueOf(g.Index), t.ValueOf(w.Index), t.Nodes[i].Value.AsSpan(0, x.Length), accumulate: false);
        return t.Handle(i);
    }

    /// <summary>Records the weight correlation <c>x ⋆_w g</c> into a weight of shape <paramref name="w"/>.</summary>
    internal static Var<T> Weight<T>(Var<T> x, Var<T> g, Shape w, int axis, int offset) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(x, g);
        var geometry = Of(t.ShapeOf(x.Index), w, axis, offset);
        int i = Record(t, TensorOp.Conv2dWeight, x, g, t.NextShape(w.Dims), axis, offset);
        Convolution.BackwardWeight(geometry, t.ValueOf(x.Index), t.ValueOf(g.Index), t.Nodes[i].Value.AsSpan(0, w.Length), accumulate: false);
        return t.Handle(i);
    }

    private static int Record<T>(TensorTape<T> t, TensorOp op, Var<T> a, Var<T> b, Shape shape, int axis, int offset) where T : IFloatingPointIeee754<T>
    {
        int i = t.Push(op, shape, a.Index, b.Index, t.AnyRequiresGrad(a.Index, b.Index));
        t.Nodes[i].Axis = axis;
        t.Nodes[i].Offset = offset;
        return i;
    }

    /// <summary>The geometry of a convolution with input shape x, weight shape w and packed attributes.</summary>
    internal static Conv2dGeometry Of(Shape x, Shape w, int axis, int offset) =>
        new(x[0], x[1], x[2], x[3], w[0], w[2], w[3], stride: axis & 0xFFFF, padding: offset & 0xFFFF, dilation: axis >> 16, groups: offset >> 16);

    /// <summary>The geometry behind any of the three nodes: which of node, A and B hold x and w depends on the op.</summary>
    internal static Conv2dGeometry GeometryOf<T>(TensorTape<T> t, ref TensorNode<T> n) where T : IFloatingPointIeee754<T> => n.Op switch
    {
        TensorOp.Conv2d => Of(t.ShapeOf(n.A), t.ShapeOf(n.B), n.Axis, n.Offset),
        TensorOp.Conv2dInput => Of(n.Shape, t.ShapeOf(n.B), n.Axis, n.Offset),
        _ => Of(t.ShapeOf(n.A), n.Shape, n.Axis, n.Offset),
    };

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

/// <summary>y = x ⋆ w:  x̄ = w ⋆ᵀ ȳ,  w̄ = x ⋆_w ȳ;  ẏ = ẋ ⋆ w + x ⋆ ẇ.</summary>
internal sealed class Conv2dRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var geometry = ConvolutionOps.GeometryOf(t, ref n);
        if (t.RequiresGrad(n.A))
        {
            var d = t.AdjointToWrite(n.A, out bool first);
            Convolution.BackwardInput(geometry, g, t.ValueOf(n.B), d, accumulate: !first);
        }
        if (t.RequiresGrad(n.B))
        {
            var d = t.AdjointToWrite(n.B, out bool first);
            Convolution.BackwardWeight(geometry, t.ValueOf(n.A), g, d, accumulate: !first);
        }
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        if (needed[0]) grads[0] = ConvolutionOps.Input(gy, t.VarOf(n.B), t.ShapeOf(n.A), n.Axis, n.Offset);
        if (needed[1]) grads[1] = ConvolutionOps.Weight(t.VarOf(n.A), gy, t.ShapeOf(n.B), n.Axis, n.Offset);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return SumOfTerms(
            tangents[0].IsDefault ? default : ConvolutionOps.Forward(tangents[0], t.VarOf(n.B), n.Axis, n.Offset),
            tangents[1].IsDefault ? default : ConvolutionOps.Forward(t.VarOf(n.A), tangents[1], n.Axis, n.Offset));
    }
}

/// <summary>z = g ⋆ᵀ w (bilinear; ⟨z̄, g ⋆ᵀ w⟩ = ⟨g, z̄ ⋆ w⟩):  ḡ = z̄ ⋆ w,  w̄ = z̄ ⋆_w g;  ż = ġ ⋆ᵀ w + g ⋆ᵀ ẇ.</summary>
internal sealed class Conv2dInputRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var geometry = ConvolutionOps.GeometryOf(t, ref n);
        if (t.RequiresGrad(n.A))
        {
            var d = t.AdjointToWrite(n.A, out bool first);
            Convolution.Forward(geometry, g, t.ValueOf(n.B), d, accumulate: !first);
        }
        if (t.RequiresGrad(n.B))
        {
            var d = t.AdjointToWrite(n.B, out bool first);
            Convolution.BackwardWeight(geometry, g, t.ValueOf(n.A), d, accumulate: !first);
        }
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        if (needed[0]) grads[0] = ConvolutionOps.Forward(gy, t.VarOf(n.B), n.Axis, n.Offset);
        if (needed[1]) grads[1] = ConvolutionOps.Weight(gy, t.VarOf(n.A), t.ShapeOf(n.B), n.Axis, n.Offset);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return SumOfTerms(
            tangents[0].IsDefault ? default : ConvolutionOps.Input(tangents[0], t.VarOf(n.B), n.Shape, n.Axis, n.Offset),
            tangents[1].IsDefault ? default : ConvolutionOps.Input(t.VarOf(n.A), tangents[1], n.Shape, n.Axis, n.Offset));
    }
}

/// <summary>v = x ⋆_w g (bilinear; ⟨v̄, x ⋆_w g⟩ = ⟨g, x ⋆ v̄⟩ = ⟨x, g ⋆ᵀ v̄⟩):  x̄ = g ⋆ᵀ v̄,  ḡ = x ⋆ v̄;  v̇ = ẋ ⋆_w g + x ⋆_w ġ.</summary>
internal sealed class Conv2dWeightRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var geometry = ConvolutionOps.GeometryOf(t, ref n);
        if (t.RequiresGrad(n.A))
        {
            var d = t.AdjointToWrite(n.A, out bool first);
            Convolution.BackwardInput(geometry, t.ValueOf(n.B), g, d, accumulate: !first);
        }
        if (t.RequiresGrad(n.B))
        {
            var d = t.AdjointToWrite(n.B, out bool first);
            Convolution.Forward(geometry, t.ValueOf(n.A), g, d, accumulate: !first);
        }
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var n = ref t.Nodes[self];
        if (needed[0]) grads[0] = ConvolutionOps.Input(t.VarOf(n.B), gy, t.ShapeOf(n.A), n.Axis, n.Offset);
        if (needed[1]) grads[1] = ConvolutionOps.Forward(t.VarOf(n.A), gy, n.Axis, n.Offset);
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var n = ref t.Nodes[self];
        return SumOfTerms(
            tangents[0].IsDefault ? default : ConvolutionOps.Weight(tangents[0], t.VarOf(n.B), n.Shape, n.Axis, n.Offset),
            tangents[1].IsDefault ? default : ConvolutionOps.Weight(t.VarOf(n.A), tangents[1], n.Shape, n.Axis, n.Offset));
    }
}
