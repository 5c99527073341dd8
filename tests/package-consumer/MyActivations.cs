using AutoDiff;

namespace Consumer;

public static partial class MyActivations
{
    /// <summary>Swish, exactly as in the issue.</summary>
    [Differentiable]
    public static double Swish(double x) => x / (1 + Math.Exp(-x));

    /// <summary>Swish with a learnable β: the generator writes ∂/∂β as LearnedSwishPartialBeta.</summary>
    [Differentiable]
    public static double LearnedSwish(double x, double beta) => x / (1 + Math.Exp(-beta * x));
}

/// <summary>Whole functions, as in the issue: the generator writes their Gradient and Tangent.</summary>
public static partial class Objectives
{
    [Differentiable]
    public static double Rosenbrock(ReadOnlySpan<double> x)
    {
        double f = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = 1 - x[i], b = x[i + 1] - x[i] * x[i];
            f += a * a + 100 * b * b;
        }
        return f;
    }

    [Differentiable]
    public static double Himmelblau(double x, double y) => (x * x + y - 11) * (x * x + y - 11) + (x + y * y - 7) * (x + y * y - 7);
}
