using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff;

/// <summary>y = eᵃ: ∂y/∂a = y (reuses the output). Row: <see cref="UnaryRule{T, TOp}"/>.</summary>
internal readonly struct ExpOp<T> : IUnaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Exp;
    public static void Forward(ReadOnlySpan<T> a, T alpha, Span<T> y) => TensorPrimitives.Exp(a, y);
    public static Partial Partial => new(Times: Factor.Out);
}

/// <summary>y = ln a: ∂y/∂a = 1/a. Row: <see cref="UnaryRule{T, TOp}"/>.</summary>
internal readonly struct LogOp<T> : IUnaryOp<T> where T : IFloatingPointIeee754<T>
{
    public static TensorOp Op => TensorOp.Log;
    public static void Forward(ReadOnlySpan<T> a, T alpha, Span<T> y) => TensorPrimitives.Log(a, y);
    public static Partial Partial => new(Over: Factor.A);
}
