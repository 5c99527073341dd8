using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// A binary element-wise primitive with NumPy broadcasting, as an operator struct: its forward kernel
/// and its two partials. <see cref="BinaryRule{T, TOp}"/> is the one driver that derives every rule from them.
/// </summary>
internal interface IBinaryOp<T> where T : IFloatingPointIeee754<T>
{
    static abstract TensorOp Op { get; }
    static abstract string Name { get; }
    static abstract void Forward(Shape sa, ReadOnlySpan<T> a, Shape sb, ReadOnlySpan<T> b, Shape so, Span<T> y);
    /// <summary>∂y/∂a.</summary>
    static abstract Partial PartialA { get; }
    /// <summary>∂y/∂b.</summary>
    static abstract Partial PartialB { get; }
}

/// <summary>A unary element-wise primitive (its constant α, if any, is the node's Alpha), as an operator struct.</summary>
internal interface IUnaryOp<T> where T : IFloatingPointIeee754<T>
{
    static abstract TensorOp Op { get; }
    static abstract void Forward(ReadOnlySpan<T> a, T alpha, Span<T> y);
    /// <summary>∂y/∂a.</summary>
    static abstract Partial Partial { get; }
}

/// <summary>y = a + b: ∂y/∂a = 1, ∂y/∂b = 1.</summary>
internal readonly struct AddOp<T> : IBinaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Add;
    public static string Name => "Add";
    public static void Forward(Shape sa, ReadOnlySpan<T> a, Shape sb, ReadOnlySpan<T> b, Shape so, Span<T> y) => Broadcast.Binary<T, AddKernel<T>>(sa, a, sb, b, so, y);
    public static Partial PartialA => new();
    public static Partial PartialB => new();
}

/// <summary>y = a − b: ∂y/∂a = 1, ∂y/∂b = −1.</summary>
internal readonly struct SubOp<T> : IBinaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Sub;
    public static string Name => "Sub";
    public static void Forward(Shape sa, ReadOnlySpan<T> a, Shape sb, ReadOnlySpan<T> b, Shape so, Span<T> y) => Broadcast.Binary<T, SubtractKernel<T>>(sa, a, sb, b, so, y);
    public static Partial PartialA => new();
    public static Partial PartialB => new(Negate: true);
}

/// <summary>y = a·b: ∂y/∂a = b, ∂y/∂b = a.</summary>
internal readonly struct MulOp<T> : IBinaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Mul;
    public static string Name => "Mul";
    public static void Forward(Shape sa, ReadOnlySpan<T> a, Shape sb, ReadOnlySpan<T> b, Shape so, Span<T> y) => Broadcast.Binary<T, MultiplyKernel<T>>(sa, a, sb, b, so, y);
    public static Partial PartialA => new(Times: Factor.B);
    public static Partial PartialB => new(Times: Factor.A);
}

/// <summary>y = a / b: ∂y/∂a = 1/b, ∂y/∂b = −y/b (reuses the output).</summary>
internal readonly struct DivOp<T> : IBinaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Div;
    public static string Name => "Div";
    public static void Forward(Shape sa, ReadOnlySpan<T> a, Shape sb, ReadOnlySpan<T> b, Shape so, Span<T> y) => Broadcast.Binary<T, DivideKernel<T>>(sa, a, sb, b, so, y);
    public static Partial PartialA => new(Over: Factor.B);
    public static Partial PartialB => new(Times: Factor.Out, Over: Factor.B, Negate: true);
}

/// <summary>
/// y = max(a, b): ∂y/∂a = [a ≥ b], ∂y/∂b = [a &lt; b] (ties go to a, so max(x, x) passes the gradient once;
/// PyTorch's <c>maximum</c> splits it ½, ½).
/// </summary>
internal readonly struct MaxOp<T> : IBinaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Max;
    public static string Name => "Max";
    public static void Forward(Shape sa, ReadOnlySpan<T> a, Shape sb, ReadOnlySpan<T> b, Shape so, Span<T> y) => Broadcast.Binary<T, MaxKernel<T>>(sa, a, sb, b, so, y);
    public static Partial PartialA => new(Times: Factor.AGeB);
    public static Partial PartialB => new(Times: Factor.ALtB);
}

/// <summary>y = min(a, b): ∂y/∂a = [a ≤ b], ∂y/∂b = [a &gt; b] (ties go to a, as for max).</summary>
internal readonly struct MinOp<T> : IBinaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Min;
    public static string Name => "Min";
    public static void Forward(Shape sa, ReadOnlySpan<T> a, Shape sb, ReadOnlySpan<T> b, Shape so, Span<T> y) => Broadcast.Binary<T, MinKernel<T>>(sa, a, sb, b, so, y);
    public static Partial PartialA => new(Times: Factor.ALeB);
    public static Partial PartialB => new(Times: Factor.AGtB);
}

/// <summary>y = −a: ∂y/∂a = −1.</summary>
internal readonly struct NegOp<T> : IUnaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Neg;
    public static void Forward(ReadOnlySpan<T> a, T alpha, Span<T> y) => SpanMath.Negate(a, y);
    public static Partial Partial => new(Negate: true);
}

/// <summary>y = α·a: ∂y/∂a = α.</summary>
internal readonly struct ScaleOp<T> : IUnaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Scale;
    public static void Forward(ReadOnlySpan<T> a, T alpha, Span<T> y) => Elementwise.Binary<T, MultiplyOperation<T>>(a, alpha, y);
    public static Partial Partial => new(Times: Factor.Alpha);
}

/// <summary>The rows of the binary element-wise primitives: every rule comes from the op's two partials.</summary>
internal sealed class BinaryRule<T, TOp> : TensorRule<T> where T : IFloatingPointIeee754<T> where TOp : struct, IBinaryOp<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        if (TOp.Op == TensorOp.Mul && n.A == n.B)
        {
            t.AddGradProduct(n.A, g, t.ValueOf(n.A), T.CreateTruncating(2)); // x·x: 2x in one pass
            return;
        }
        PartialRules.Backward(t, ref n, self, n.A, TOp.PartialA, g);
        PartialRules.Backward(t, ref n, self, n.B, TOp.PartialB, g);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        if (TOp.Op == TensorOp.Mul && t.Nodes[self].A == t.Nodes[self].B)
        {
            grads[0] = ArithmeticOps.Unary<T, ScaleOp<T>>(gy * t.VarOf(t.Nodes[self].A), T.CreateTruncating(2)); // x·x: 2xȳ, once
            return;
        }
        if (needed[0]) grads[0] = PartialRules.Vjp(t, self, t.Nodes[self].A, TOp.PartialA, gy);
        if (needed[1]) grads[1] = PartialRules.Vjp(t, self, t.Nodes[self].B, TOp.PartialB, gy);
    }

    // ẏ = ẋa·∂y/∂a + ẋb·∂y/∂b, broadcast to y's shape
    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        if (TOp.Op == TensorOp.Mul && t.Nodes[self].A == t.Nodes[self].B)
            return ArithmeticOps.Unary<T, ScaleOp<T>>(tangents[0] * t.VarOf(t.Nodes[self].A), T.CreateTruncating(2)); // x·x: 2xẋ
        if (!tangents[0].IsDefault && !tangents[1].IsDefault && TOp.PartialA == new Partial() && TOp.PartialB is { Times: Factor.One, Over: Factor.One })
        {
            var (da, db) = (tangents[0], tangents[1]); // a ± b: ẏ = ȧ ± ḃ in one pass
            return ReductionOps.BroadcastTo(TOp.PartialB.Negate ? da - db : da + db, t.ShapeOf(self));
        }
        var sum = SumOfTerms(
            tangents[0].IsDefault ? default : PartialRules.Jvp(t, self, TOp.PartialA, tangents[0]),
            tangents[1].IsDefault ? default : PartialRules.Jvp(t, self, TOp.PartialB, tangents[1]));
        return ReductionOps.BroadcastTo(sum, t.ShapeOf(self));
    }
}

/// <summary>The rows of the unary element-wise primitives: every rule comes from the op's partial.</summary>
internal sealed class UnaryRule<T, TOp> : TensorRule<T> where T : IFloatingPointIeee754<T> where TOp : struct, IUnaryOp<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
        => PartialRules.Backward(t, ref n, self, n.A, TOp.Partial, g);

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
        => grads[0] = PartialRules.Vjp(t, self, t.Nodes[self].A, TOp.Partial, gy);

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
        => PartialRules.Jvp(t, self, TOp.Partial, tangents[0]);
}

/// <summary>The forwards of the arithmetic primitives: Add, Sub, Mul, Div, Max, Min with broadcasting; Neg, Scale, Exp, Log.</summary>
internal static class ArithmeticOps
{
    public static Var<T> Binary<T, TOp>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T> where TOp : struct, IBinaryOp<T>
    {
        var t = Var<T>.Same(a, b);
        Shape sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        Shape so;
        if (sa == sb) so = sa;
        else
        {
            Span<int> dims = stackalloc int[Math.Max(sa.Rank, sb.Rank)];
            Shape.Broadcast(sa, sb, dims, TOp.Name);
            so = dims.SequenceEqual(sa.Dims) ? sa : dims.SequenceEqual(sb.Dims) ? sb : t.NextShape(dims);
        }
        int i = t.Push(TOp.Op, so, a.Index, b.Index, t.AnyRequiresGrad(a.Index, b.Index));
        TOp.Forward(sa, t.ValueOf(a.Index), sb, t.ValueOf(b.Index), so, t.Nodes[i].Value.AsSpan(0, so.Length));
        return t.Handle(i);
    }

    public static Var<T> Unary<T, TOp>(Var<T> a, T alpha = default!) where T : IFloatingPointIeee754<T> where TOp : struct, IUnaryOp<T>
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        int i = t.Push(TOp.Op, s, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Alpha = alpha;
        TOp.Forward(t.ValueOf(a.Index), alpha, t.Nodes[i].Value.AsSpan(0, s.Length));
        return t.Handle(i);
    }
}
