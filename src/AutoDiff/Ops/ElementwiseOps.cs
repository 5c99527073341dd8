using System.Numerics;

namespace AutoDiff;

/// <summary>The hook for element-wise functions (activations): forward and backward come from the function object.</summary>
internal static class ElementwiseOps
{
    public static Var<T> Apply<T>(Var<T> a, ElementwiseFunction<T> f) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        var t = a.Checked;
        var s = t.ShapeOf(a.Index);
        int i = t.Push(TensorOp.Elementwise, s, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Function = f;
        f.Forward(t.ValueOf(a.Index), t.Nodes[i].Value.AsSpan(0, s.Length));
        return t.Handle(i);
    }

    // y = f(a):  ā += ȳ·f'(a), with f' free to read y
    public static void Backward<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
        => ((ElementwiseFunction<T>)n.Function!).Backward(t.ValueOf(n.A), n.Value.AsSpan(0, n.Shape.Length), g, t.GradOf(n.A));
}
