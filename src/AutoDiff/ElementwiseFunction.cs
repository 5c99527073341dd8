using System.Numerics;
using AutoDiff.Nn;

namespace AutoDiff;

/// <summary>
/// An element-wise function <c>y = f(x)</c> that can be recorded on a tape with
/// <see cref="Var{T}.Apply(ElementwiseFunction{T})"/>. Its backward rule sees the input and the
/// output, so a derivative such as σ' = σ(1−σ) can reuse the forward value. The source generator
/// emits one per <c>[Differentiable]</c> method; hand-written ones are welcome too.
/// </summary>
public abstract class ElementwiseFunction<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>The function's name, used in error messages and graph exports.</summary>
    public abstract string Name { get; }

    /// <summary>Writes <c>y[i] = f(x[i])</c>; both spans have the same length.</summary>
    public abstract void Forward(ReadOnlySpan<T> x, Span<T> y);

    /// <summary>Accumulates <c>dx[i] += dy[i]·f'(x[i])</c>, where <c>y[i] = f(x[i])</c> is available to reuse.</summary>
    public abstract void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx);

    /// <summary>
    /// <c>f′</c> as an element-wise function of x (whose own <see cref="Derivative"/> is <c>f″</c>, and so
    /// on), so that derivatives of higher order can record <c>x̄ = ȳ·f′(x)</c> as a differentiable
    /// operation. Null when f′ is not available as a function object: a derivative of second or higher
    /// order through this function then throws, naming it. Generated activations provide it.
    /// </summary>
    public virtual ElementwiseFunction<T>? Derivative => null;

    /// <summary>
    /// f as an expression over its input <paramref name="x"/> (<c>x / (1 + exp(−x))</c> for swish), for
    /// exporters such as ONNX; null when f has no such description (the exporter then refuses it, naming
    /// <see cref="Name"/>). Generated activations describe themselves.
    /// </summary>
    public virtual ElementwiseExpression? Describe(ElementwiseExpression x) => null;

    /// <summary>The weight initialisation a layer should use before this activation.</summary>
    public virtual WeightInit WeightInit => WeightInit.Xavier;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
