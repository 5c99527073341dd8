using System.Numerics;
using AutoDiff;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// Activations for the derivative-chain and <c>Describe</c> tests: every operation kind a description
/// can hold, constants of each type, calls, and two that cannot describe themselves.
/// </summary>
public static partial class ChainActivations
{
    /// <summary>Logs in three bases, a power, max/min, a comparison chain with ≠ and an int constant.</summary>
    [Differentiable]
    public static double Mixed(double x, int k = 3, float scale = 0.5f)
    {
        double a = Math.Log2(1 + x * x) + Math.Log10(2 + x * x) + Math.Pow(1 + x * x, 0.25);
        bool inside = x > -1 && x != 0.5 || !(x < 2);
        return inside ? Math.Max(a, k * x) - scale * Math.Min(x, 1) : Math.Sin(x) * Math.Cos(x) + Math.Sqrt(1 + x * x);
    }

    /// <summary>A swish with an element-typed slope: x·σ(βx).</summary>
    [Differentiable]
    public static T Swoosh<T>(T x, T beta) where T : IFloatingPointIeee754<T> => x / (T.One + T.Exp(-beta * x));

    /// <summary>Calls a library activation with a non-default constant, and one of this class.</summary>
    [Differentiable]
    public static double Calls(double x) => AutoDiff.Activations.Elu(x, 0.5) + Swoosh(x, 2.0) * Math.Tanh(x);

    /// <summary>Cube root: no <see cref="ExpressionOp"/> (a power would lose the sign), so no description.</summary>
    [Differentiable]
    public static double CubeRoot(double x) => Math.Cbrt(1 + x * x);

    /// <summary>Calls <see cref="CubeRoot"/>: its null description makes this one null too.</summary>
    [Differentiable]
    public static double CallsCubeRoot(double x) => x * CubeRoot(x);
}
