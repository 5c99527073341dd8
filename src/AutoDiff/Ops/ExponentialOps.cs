using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff;

/// <summary>Exp and Log. Forward and backward side by side.</summary>
internal static class ExponentialOps
{
    public static Var<T> Unary<T>(TensorOp op, Var<T> a) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
        var s = t.ShapeOf(a.Index);
        int i = t.Push(op, s, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        var d = t.Nodes[i].Value.AsSpan(0, s.Length);
        if (op == TensorOp.Exp) TensorPrimitives.Exp(t.ValueOf(a.Index), d);
        else TensorPrimitives.Log(t.ValueOf(a.Index), d);
        return t.Handle(i);
    }

    // z = eᵃ:  ā += z̄·z   (reuses the output)
    public static void BackwardExp<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
        => t.AddGradProduct(n.A, g, n.Value.AsSpan(0, n.Shape.Length), T.One);

    // z = ln a:  ā += z̄/a
    public static void BackwardLog<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var d = t.GradFor(n.A, out bool fresh);
        if (fresh) { TensorPrimitives.Divide(g, t.ValueOf(n.A), d); return; }
        var tmp = t.Scratch(g.Length);
        TensorPrimitives.Divide(g, t.ValueOf(n.A), tmp);
        TensorPrimitives.Add(d, tmp, d);
    }
}
