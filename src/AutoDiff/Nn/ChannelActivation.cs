using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// An activation f(x, p) with one learned parameter p per channel: its value, ∂f/∂x and ∂f/∂p, each a
/// generated member of a <see cref="DifferentiableAttribute"/> method (<c>F</c>, <c>FDerivative</c>,
/// <c>FPartialP</c>). Static members, so <see cref="ChannelActivation{T, TRule}"/> is specialised per rule.
/// </summary>
internal interface IChannelRule<T> where T : IFloatingPointIeee754<T>
{
    static abstract string Name { get; }

    static abstract T Value(T x, T p);

    static abstract T DerivativeX(T x, T p);

    static abstract T DerivativeP(T x, T p);
}

/// <summary>
/// y = f(x, p[c]) element-wise for x of shape [N, C, …] (channel c = index along axis 1) and p of shape
/// [C], recorded as one tape operation. Backward: x̄ += ȳ·∂f/∂x and p̄[c] += Σ over the channel's
/// elements of ȳ·∂f/∂p. First order only (no TryVjp/TryJvp): a second derivative through it throws.
/// </summary>
internal sealed class ChannelActivation<T, TRule> : TensorFunction<T>
    where T : IFloatingPointIeee754<T>
    where TRule : IChannelRule<T>
{
    public static ChannelActivation<T, TRule> Instance { get; } = new();

    public override string Name => TRule.Name;

    public override Shape OutputShape(TensorFunctionInputs<T> inputs)
    {
        var x = inputs.ShapeOf(0);
        var p = inputs.ShapeOf(1);
        if (x.Rank < 2 || p.Rank != 1 || p[0] != x[1])
            throw new ShapeMismatchException(TRule.Name, x, p, $"the input must be [N, C, …] and the parameter [C]");
        return x;
    }

    public override void Forward(TensorFunctionInputs<T> inputs, Span<T> output)
    {
        ReadOnlySpan<T> x = inputs[0], p = inputs[1];
        int inner = Inner(inputs.ShapeOf(0));
        for (int start = 0, c = 0; start < x.Length; start += inner, c = c + 1 == p.Length ? 0 : c + 1)
        {
            T pc = p[c];
            for (int i = start; i < start + inner; i++) output[i] = TRule.Value(x[i], pc);
        }
    }

    public override void Backward(TensorFunctionInputs<T> inputs, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGrad, TensorFunctionGradients<T> inputGrads)
    {
        ReadOnlySpan<T> x = inputs[0], p = inputs[1];
        int inner = Inner(inputs.ShapeOf(0));
        bool needX = inputGrads.IsNeeded(0), needP = inputGrads.IsNeeded(1);
        Span<T> dx = needX ? inputGrads[0] : default, dp = needP ? inputGrads[1] : default;
        for (int start = 0, c = 0; start < x.Length; start += inner, c = c + 1 == p.Length ? 0 : c + 1)
        {
            T pc = p[c], sum = T.Zero;
            for (int i = start; i < start + inner; i++)
            {
                if (needX) dx[i] += outputGrad[i] * TRule.DerivativeX(x[i], pc);
                if (needP) sum += outputGrad[i] * TRule.DerivativeP(x[i], pc);
            }
            if (needP) dp[c] += sum;
        }
    }

    // elements per (sample, channel): the product of the axes after the channel axis
    private static int Inner(Shape x)
    {
        int inner = 1;
        for (int k = 2; k < x.Rank; k++) inner *= x[k];
        return inner;
    }
}
