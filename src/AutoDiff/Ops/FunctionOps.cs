using System.Numerics;

namespace AutoDiff;

/// <summary>User-defined tensor primitives (<see cref="TensorFunction{T}"/>): forward and backward come from the function object.</summary>
internal static class FunctionOps
{
    public static Var<T> Function<T>(TensorFunction<T> f, ReadOnlySpan<Var<T>> inputs) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        if (inputs.IsEmpty) throw new ArgumentException($"The function '{f.Name}' needs at least one input.", nameof(inputs));
        var t = inputs[0].Checked;
        for (int k = 1; k < inputs.Length; k++) Var<T>.Same(inputs[0], inputs[k]);
        int[] nodes = t.NextInputs(inputs.Length);
        bool requiresGrad = false;
        for (int k = 0; k < inputs.Length; k++)
        {
            nodes[k] = inputs[k].Index;
            requiresGrad |= t.RequiresGrad(nodes[k]);
        }
        int count = t.Count;
        var args = new TensorFunctionInputs<T>(t, nodes);
        var shape = f.OutputShape(args);
        if (shape.IsDefault)
            throw new InvalidOperationException($"The function '{f.Name}' returned default(Shape) from OutputShape; return a real shape (Shape.ScalarShape for one value).");
        CheckNoRecording(t, count, f, "OutputShape");
        int i = t.Push(TensorOp.Function, shape, requiresGrad: requiresGrad);
        t.Nodes[i].Function = f;
        f.Forward(args, t.Nodes[i].Value.AsSpan(0, shape.Length));
        CheckNoRecording(t, i + 1, f, "Forward");
        return t.Handle(i);
    }

    private static void CheckNoRecording<T>(TensorTape<T> t, int expected, TensorFunction<T> f, string method) where T : IFloatingPointIeee754<T>
    {
        if (t.Count != expected)
            throw new InvalidOperationException($"The function '{f.Name}' recorded on the tape inside {method}; a TensorFunction must compute on spans only.");
    }

    // y = f(x₀, …):  x̄ₖ += (∂y/∂xₖ)ᵀ·ȳ, by the function's own Backward
    public static void Backward<T>(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var f = (TensorFunction<T>)n.Function!;
        var nodes = n.Inputs!;
        int count = t.Count;
        f.Backward(new TensorFunctionInputs<T>(t, nodes), t.ValueOf(self), g, new TensorFunctionGradients<T>(t, nodes));
        CheckNoRecording(t, count, f, "Backward");
    }
}
