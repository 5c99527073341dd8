namespace AutoDiff.Tests.Core;

/// <summary>
/// Parametric ReLU with one learnable slope per channel (the last axis), written as a
/// <see cref="TensorFunction{T}"/>: y = x for x &gt; 0, else α·x. ∂y/∂x = [x &gt; 0] + [x ≤ 0]·α,
/// ∂y/∂α = [x ≤ 0]·x (summed over the leading axes).
/// </summary>
public sealed class PRelu : TensorFunction<double>
{
    public static readonly PRelu Instance = new();

    public override string Name => "prelu";

    public override Shape OutputShape(TensorFunctionInputs<double> inputs)
    {
        Shape x = inputs.ShapeOf(0), alpha = inputs.ShapeOf(1);
        if (x.Rank == 0 || alpha.Rank != 1 || alpha[0] != x[-1])
            throw new ShapeMismatchException("prelu", x, alpha, "the slopes must be a vector with one slope per channel (the input's last axis)");
        return x;
    }

    public override void Forward(TensorFunctionInputs<double> inputs, Span<double> output)
    {
        ReadOnlySpan<double> x = inputs[0], alpha = inputs[1];
        for (int i = 0; i < x.Length; i++) output[i] = x[i] > 0 ? x[i] : alpha[i % alpha.Length] * x[i];
    }

    public override void Backward(TensorFunctionInputs<double> inputs, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGrad, TensorFunctionGradients<double> inputGrads)
    {
        ReadOnlySpan<double> x = inputs[0], alpha = inputs[1];
        Span<double> dx = inputGrads[0], dalpha = inputGrads[1];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % alpha.Length;
            if (x[i] > 0) dx[i] += outputGrad[i];
            else
            {
                dx[i] += outputGrad[i] * alpha[c];
                dalpha[c] += outputGrad[i] * x[i];
            }
        }
    }
}

/// <summary><see cref="PRelu"/> with its rules in tape operations too, so it can be differentiated to any order.</summary>
public sealed class PReluWithRules : TensorFunction<double>
{
    public static readonly PReluWithRules Instance = new();

    public override string Name => "prelu (with tape rules)";

    public override Shape OutputShape(TensorFunctionInputs<double> inputs) => PRelu.Instance.OutputShape(inputs);

    public override void Forward(TensorFunctionInputs<double> inputs, Span<double> output) => PRelu.Instance.Forward(inputs, output);

    public override void Backward(TensorFunctionInputs<double> inputs, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGrad, TensorFunctionGradients<double> inputGrads)
        => PRelu.Instance.Backward(inputs, output, outputGrad, inputGrads);

    // x̄ = ȳ·(m + (1 − m)·α), ᾱ = Σ_rows ȳ·(1 − m)·x with the constant mask m = [x > 0]
    public override bool TryVjp(ReadOnlySpan<Var<double>> inputs, Var<double> output, Var<double> outputGrad, Span<Var<double>> inputGrads)
    {
        Var<double> x = inputs[0], alpha = inputs[1];
        var m = Var.Greater(x, 0.0);
        inputGrads[0] = outputGrad * (m + (1.0 - m) * alpha);
        inputGrads[1] = (outputGrad * (1.0 - m) * x).Reshape(-1, alpha.Shape[0]).Sum(0);
        return true;
    }

    // ẏ = ẋ·(m + (1 − m)·α) + α̇·(1 − m)·x
    public override bool TryJvp(ReadOnlySpan<Var<double>> inputs, Var<double> output, ReadOnlySpan<Var<double>> inputTangents, out Var<double> outputTangent)
    {
        Var<double> x = inputs[0], alpha = inputs[1];
        var m = Var.Greater(x, 0.0);
        outputTangent = inputTangents[0] * (m + (1.0 - m) * alpha) + inputTangents[1] * (1.0 - m) * x;
        return true;
    }
}
