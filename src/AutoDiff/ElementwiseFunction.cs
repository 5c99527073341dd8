using System.Numerics;

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

    /// <inheritdoc/>
    public override string ToString() => Name;
}
