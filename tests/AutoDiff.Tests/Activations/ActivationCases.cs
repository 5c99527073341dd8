using Act = AutoDiff.Activations;

namespace AutoDiff.Tests.Activations;

/// <summary>
/// One row per activation: f, its generated f' and f'', the input range to test on, and points
/// where f' or f'' jumps (central differences across those are meaningless). A new activation is a
/// new row.
/// </summary>
public sealed record ActivationCase(
    string Name,
    Func<double, double> F,
    Func<double, double> D,
    Func<double, double> D2,
    double Low = -20,
    double High = 20,
    double[]? Kinks = null)
{
    public override string ToString() => Name;

    public bool NearKink(double x, double h) => Kinks?.Any(k => Math.Abs(x - k) <= 4 * h) ?? false;
}

public static class ActivationCases
{
    private static readonly double[] Zero = [0.0];

    /// <summary>The built-ins of <see cref="Act"/>, at double.</summary>
    public static readonly ActivationCase[] BuiltIn =
    [
        new("linear", Act.Linear, Act.LinearDerivative, Act.LinearSecondDerivative),
        new("step", Act.BinaryStep, Act.BinaryStepDerivative, Act.BinaryStepSecondDerivative, Kinks: Zero),
        new("sigmoid", Act.Sigmoid, Act.SigmoidDerivative, Act.SigmoidSecondDerivative, -40, 40),
        new("tanh", Act.Tanh, Act.TanhDerivative, Act.TanhSecondDerivative),
        new("relu", Act.Relu, Act.ReluDerivative, Act.ReluSecondDerivative, Kinks: Zero),
        new("leakyrelu", x => Act.LeakyRelu(x), x => Act.LeakyReluDerivative(x), x => Act.LeakyReluSecondDerivative(x), Kinks: Zero),
        new("elu", x => Act.Elu(x), x => Act.EluDerivative(x), x => Act.EluSecondDerivative(x), Kinks: Zero),
        new("softplus", Act.Softplus, Act.SoftplusDerivative, Act.SoftplusSecondDerivative, -40, 40),
    ];

    /// <summary>Activations defined in this test project, plus built-ins with non-default constants.</summary>
    public static readonly ActivationCase[] Custom =
    [
        new("leakyrelu(0.2)", x => Act.LeakyRelu(x, 0.2), x => Act.LeakyReluDerivative(x, 0.2), x => Act.LeakyReluSecondDerivative(x, 0.2), Kinks: Zero),
        new("elu(0.5)", x => Act.Elu(x, 0.5), x => Act.EluDerivative(x, 0.5), x => Act.EluSecondDerivative(x, 0.5), Kinks: Zero),
        new("swish", CustomActivations.Swish, CustomActivations.SwishDerivative, CustomActivations.SwishSecondDerivative),
        new("silu (calls Sigmoid)", CustomActivations.Silu, CustomActivations.SiluDerivative, CustomActivations.SiluSecondDerivative),
        new("mish (calls Softplus)", CustomActivations.Mish, CustomActivations.MishDerivative, CustomActivations.MishSecondDerivative),
        new("twiceswish (calls Swish)", CustomActivations.TwiceSwish, CustomActivations.TwiceSwishDerivative, CustomActivations.TwiceSwishSecondDerivative),
        new("softclip (if/else)", x => CustomActivations.SoftClip(x), x => CustomActivations.SoftClipDerivative(x), x => CustomActivations.SoftClipSecondDerivative(x), -5.9, 20, [-2.0, 2.0]),
        new("huber (abs, early return)", x => CustomActivations.Huber(x), x => CustomActivations.HuberDerivative(x), x => CustomActivations.HuberSecondDerivative(x), Kinks: [-1.0, 0.0, 1.0]),
        new("gelu (generic, pow)", CustomActivations.Gelu, CustomActivations.GeluDerivative, CustomActivations.GeluSecondDerivative, -10, 10),
        new("arctan (scalar kernel)", CustomActivations.ArcTan, CustomActivations.ArcTanDerivative, CustomActivations.ArcTanSecondDerivative),
        new("logcosh", CustomActivations.LogCosh, CustomActivations.LogCoshDerivative, CustomActivations.LogCoshSecondDerivative),
        new("scaledsquare(3)", x => CustomActivations.ScaledSquare(x, 3.0), x => CustomActivations.ScaledSquareDerivative(x, 3.0), x => CustomActivations.ScaledSquareSecondDerivative(x, 3.0)),
    ];

    public static readonly ActivationCase[] All = [.. BuiltIn, .. Custom];
}
