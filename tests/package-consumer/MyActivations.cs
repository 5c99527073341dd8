using AutoDiff;

namespace Consumer;

public static partial class MyActivations
{
    /// <summary>Swish, exactly as in the issue.</summary>
    [Differentiable]
    public static double Swish(double x) => x / (1 + Math.Exp(-x));
}
