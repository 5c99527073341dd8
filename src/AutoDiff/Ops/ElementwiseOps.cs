using System.Numerics;

namespace AutoDiff;

/// <summary>The hook for element-wise functions (activations): forward and first-order backward come from the function object.</summary>
internal static class ElementwiseOps
{
    public static Var<T> Apply<T>(Var<T> a, ElementwiseFunction<T> f) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        int i = t.Push(TensorOp.Elementwise, s, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Function = f;
        f.Forward(t.ValueOf(a.Index), t.Nodes[i].Value.AsSpan(0, s.Length));
        return t.Handle(i);
    }
}

/// <summary>
/// y = f(a) for an <see cref="ElementwiseFunction{T}"/> f: ā += ȳ·f′(a). The fused kernel is f's own
/// Backward (free to reuse y); in tape operations f′(a) is <c>a.Apply(f.Derivative)</c>, so a generated
/// activation differentiates to any order through its f′, f″, … chain. A function without a
/// <see cref="ElementwiseFunction{T}.Derivative"/> gives f′(a) as a value known to first order only.
/// </summary>
internal sealed class ApplyRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
        => ((ElementwiseFunction<T>)n.Function!).Backward(t.ValueOf(n.A), t.ValueOf(self), g, t.AdjointToAdd(n.A));

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
        => grads[0] = gy * Derivative(t, self);

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
        => tangents[0] * Derivative(t, self);

    /// <summary>f′(a) as a tape value.</summary>
    private static Var<T> Derivative(TensorTape<T> t, int self)
    {
        var f = (ElementwiseFunction<T>)t.Nodes[self].Function!;
        int a = t.Nodes[self].A;
        if (f.Derivative is { } derivative) return ElementwiseOps.Apply(t.VarOf(a), derivative);
        // f′ from the first-order kernel (ȳ = 1 into zeros), as a value that refuses to be differentiated again
        var shape = t.ShapeOf(self);
        int i = FunctionOps.Opaque(t, self, -1, shape);
        var d = t.Nodes[i].Value.AsSpan(0, shape.Length);
        d.Clear();
        var ones = t.Scratch(shape.Length);
        ones.Fill(T.One);
        f.Backward(t.ValueOf(a), t.ValueOf(self), ones, d);
        return t.Handle(i);
    }
}
