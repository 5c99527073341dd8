using System.Buffers;
using System.Numerics;

namespace AutoDiff;

/// <summary>User-defined tensor primitives (<see cref="TensorFunction{T}"/>) and values known to first order only.</summary>
internal static class FunctionOps
{
    public static Var<T> Function<T>(TensorFunction<T> f, ReadOnlySpan<Var<T>> inputs) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        if (inputs.IsEmpty) throw new ArgumentException($"The function '{f.Name}' needs at least one input.", nameof(inputs));
        var t = inputs[0].Section;
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

    internal static void CheckNoRecording<T>(TensorTape<T> t, int expected, TensorFunction<T> f, string method) where T : IFloatingPointIeee754<T>
    {
        if (t.Count != expected)
            throw new InvalidOperationException($"The function '{f.Name}' recorded on the tape inside {method}; a TensorFunction must compute on spans only.");
    }

    /// <summary>
    /// Pushes a value known to first order only (its caller fills it): the derivative of node
    /// <paramref name="origin"/>, linear in the adjoint <paramref name="linearIn"/> (or −1).
    /// </summary>
    public static int Opaque<T>(TensorTape<T> t, int origin, int linearIn, Shape shape) where T : IFloatingPointIeee754<T>
        => t.Push(TensorOp.Opaque, shape, origin, linearIn, t.AnyRequiresGrad(origin, linearIn));

    /// <summary>Why node <paramref name="opaque"/> cannot be differentiated, naming the function it came from.</summary>
    public static NotSupportedException FirstOrderOnly<T>(TensorTape<T> t, int opaque) where T : IFloatingPointIeee754<T>
    {
        var origin = t.Nodes[t.Nodes[opaque].A].Function;
        return new NotSupportedException(origin switch
        {
            ElementwiseFunction<T> f => $"The activation '{f.Name}' has no Derivative function object (ElementwiseFunction<T>.Derivative is null), " +
                "so a derivative of higher order through it is not available. Generated activations provide one; " +
                "a hand-written function can override Derivative.",
            TensorFunction<T> f => $"The TensorFunction '{f.Name}' has no vector-Jacobian product in tape operations (override TryVjp), " +
                "so a derivative of higher order through it is not available.",
            _ => "A value known to first order only was differentiated again.",
        });
    }
}

/// <summary>
/// y = f(x₀, …) for a <see cref="TensorFunction{T}"/> f: x̄ₖ += (∂y/∂xₖ)ᵀ·ȳ by f's Backward; in tape
/// operations by its TryVjp (else by Backward, as values known to first order only); tangents by its TryJvp.
/// </summary>
internal sealed class FunctionRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var f = (TensorFunction<T>)n.Function!;
        var nodes = n.Inputs!;
        int count = t.Count;
        f.Backward(new TensorFunctionInputs<T>(t, nodes), t.ValueOf(self), g, new TensorFunctionGradients<T>(t, nodes));
        FunctionOps.CheckNoRecording(t, count, f, "Backward");
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        var f = (TensorFunction<T>)t.Nodes[self].Function!;
        int[] nodes = t.Nodes[self].Inputs!;
        var inputs = ArrayPool<Var<T>>.Shared.Rent(nodes.Length);
        var result = ArrayPool<Var<T>>.Shared.Rent(nodes.Length);
        try
        {
            for (int k = 0; k < nodes.Length; k++) { inputs[k] = t.VarOf(nodes[k]); result[k] = default; }
            if (f.TryVjp(inputs.AsSpan(0, nodes.Length), t.VarOf(self), gy, result.AsSpan(0, nodes.Length)))
            {
                for (int k = 0; k < nodes.Length; k++)
                {
                    if (!needed[k] || result[k].IsDefault) continue;
                    var s = result[k].Shape;
                    if (s != t.ShapeOf(nodes[k]))
                        throw new ShapeMismatchException($"{f.Name}.TryVjp", t.ShapeOf(nodes[k]), s, $"the gradient of input {k} must have that input's shape");
                    grads[k] = result[k];
                }
                return;
            }
            // No rule in tape operations: the first-order Backward, into values that refuse a second derivative.
            Span<int> targets = nodes.Length <= 16 ? stackalloc int[nodes.Length] : new int[nodes.Length];
            for (int k = 0; k < nodes.Length; k++)
            {
                targets[k] = -1;
                if (!needed[k]) continue;
                var shape = t.ShapeOf(nodes[k]);
                targets[k] = FunctionOps.Opaque(t, self, gy.Index, shape);
                t.Nodes[targets[k]].Value.AsSpan(0, shape.Length).Clear();
            }
            int count = t.Count;
            f.Backward(new TensorFunctionInputs<T>(t, nodes), t.ValueOf(self), t.ValueOf(gy.Index), new TensorFunctionGradients<T>(t, nodes, targets));
            FunctionOps.CheckNoRecording(t, count, f, "Backward");
            for (int k = 0; k < nodes.Length; k++) if (targets[k] >= 0) grads[k] = t.Handle(targets[k]);
        }
        finally
        {
            ArrayPool<Var<T>>.Shared.Return(inputs, clearArray: true);
            ArrayPool<Var<T>>.Shared.Return(result, clearArray: true);
        }
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        var f = (TensorFunction<T>)t.Nodes[self].Function!;
        int[] nodes = t.Nodes[self].Inputs!;
        var inputs = ArrayPool<Var<T>>.Shared.Rent(nodes.Length);
        var dots = ArrayPool<Var<T>>.Shared.Rent(nodes.Length);
        try
        {
            for (int k = 0; k < nodes.Length; k++)
            {
                inputs[k] = t.VarOf(nodes[k]);
                dots[k] = tangents[k].IsDefault ? t.Full(t.ShapeOf(nodes[k]), T.Zero) : tangents[k];
            }
            if (!f.TryJvp(inputs.AsSpan(0, nodes.Length), t.VarOf(self), dots.AsSpan(0, nodes.Length), out var result))
                throw new NotSupportedException($"The TensorFunction '{f.Name}' has no tangent rule (override TryJvp); forward mode through it " +
                    "(Jvp, Hvp, Hessian) needs one.");
            if (result.IsDefault || result.Shape != t.ShapeOf(self))
                throw new ShapeMismatchException($"{f.Name}.TryJvp", t.ShapeOf(self), result.IsDefault ? Shape.ScalarShape : result.Shape,
                    "the output tangent must have the output's shape");
            return result;
        }
        finally
        {
            ArrayPool<Var<T>>.Shared.Return(inputs, clearArray: true);
            ArrayPool<Var<T>>.Shared.Return(dots, clearArray: true);
        }
    }
}

/// <summary>A value known to first order only (see <see cref="TensorOp.Opaque"/>): every rule refuses, naming the function.</summary>
internal sealed class OpaqueRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g) => throw FunctionOps.FirstOrderOnly(t, self);

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads) => throw FunctionOps.FirstOrderOnly(t, self);

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents) => throw FunctionOps.FirstOrderOnly(t, self);
}
