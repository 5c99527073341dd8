using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>y = eᵃ: ∂y/∂a = y (reuses the output). Row: <see cref="UnaryRule{T, TOp}"/>.</summary>
internal readonly struct ExpOp<T> : IUnaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Exp;
    public static void Forward(ReadOnlySpan<T> a, T alpha, Span<T> y) => SpanMath.Exp(a, y);
    public static Partial Partial => new(Times: Factor.Out);
}

/// <summary>y = ln a: ∂y/∂a = 1/a. Row: <see cref="UnaryRule{T, TOp}"/>.</summary>
internal readonly struct LogOp<T> : IUnaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Log;
    public static void Forward(ReadOnlySpan<T> a, T alpha, Span<T> y) => SpanMath.Log(a, y);
    public static Partial Partial => new(Over: Factor.A);
}

/// <summary>
/// y = aᶜ for a constant c (the node's Alpha), as PyTorch's <c>pow(x, c)</c>: ā += ȳ·c·aᶜ⁻¹, and 0 when
/// c = 0 (so 0⁰ = 1 has gradient 0, not 0·∞); ẏ = ȧ·c·aᶜ⁻¹. The rules record c·aᶜ⁻¹ as another Pow, so an
/// integer power differentiates down to a constant and then to zero.
/// </summary>
internal sealed class PowRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public static Var<T> Forward(Var<T> a, T c)
    {
        var t = a.Section;
        var s = t.ShapeOf(a.Index);
        int i = t.Push(TensorOp.Pow, s, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Alpha = c;
        var x = t.ValueOf(a.Index);
        var y = t.Nodes[i].Value.AsSpan(0, s.Length);
        if (c == T.CreateTruncating(2)) SpanMath.Multiply(x, x, y);
        else if (c == T.One) x.CopyTo(y);
        else for (int k = 0; k < y.Length; k++) y[k] = T.Pow(x[k], c);
        return t.Handle(i);
    }

    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        T c = n.Alpha;
        if (c == T.Zero) return;
        var x = t.ValueOf(n.A);
        if (c == T.One) { t.AddGradScaled(n.A, g, T.One); return; }
        if (c == T.CreateTruncating(2)) { t.AddGradProduct(n.A, g, x, c); return; }
        var p = t.Scratch(g.Length); // g·aᶜ⁻¹, then added c times
        T c1 = c - T.One;
        for (int k = 0; k < p.Length; k++) p[k] = g[k] * T.Pow(x[k], c1);
        t.AddGradScaled(n.A, p, c);
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        if (Derivative(t, self) is { IsDefault: false } d) grads[0] = gy * d;
        else if (t.Nodes[self].Alpha == T.One) grads[0] = gy;
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        T c = t.Nodes[self].Alpha;
        if (c == T.Zero) return default;
        return c == T.One ? tangents[0] : tangents[0] * Derivative(t, self);
    }

    /// <summary>dy/da = c·aᶜ⁻¹ recorded, or default for the constants 0 (c = 0) and 1 (c = 1).</summary>
    private static Var<T> Derivative(TensorTape<T> t, int self)
    {
        T c = t.Nodes[self].Alpha;
        if (c == T.Zero || c == T.One) return default;
        var a = t.VarOf(t.Nodes[self].A);
        return c == T.CreateTruncating(2) ? a * c : Forward(a, c - T.One) * c;
    }
}
