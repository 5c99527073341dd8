using System.Numerics;
using AutoDiff;

namespace AutoDiff.Tests.Activations;

/// <summary>
/// Activations a user would write, compiled through the generator in this test project: one of
/// each supported construct. Each has a row in <see cref="ActivationCases"/>.
/// </summary>
public static partial class CustomActivations
{
    /// <summary>Swish (SiLU), as in the issue: x·σ(x).</summary>
    [Differentiable]
    public static double Swish(double x) => x / (1 + Math.Exp(-x));

    /// <summary>The same in float, with MathF.</summary>
    [Differentiable]
    public static float SwishF(float x) => x / (1f + MathF.Exp(-x));

    /// <summary>Calls another [Differentiable] method from the library (chain rule through it).</summary>
    [Differentiable]
    public static double Silu(double x) => x * AutoDiff.Activations.Sigmoid(x);

    /// <summary>Mish: x·tanh(softplus x), nesting two library activations.</summary>
    [Differentiable]
    public static double Mish(double x) => x * Math.Tanh(AutoDiff.Activations.Softplus(x));

    /// <summary>Calls another [Differentiable] method of this class.</summary>
    [Differentiable]
    public static double TwiceSwish(double x) => 2 * Swish(x) + x;

    /// <summary>Piecewise with a block body, locals, if / else if / else and an early return: a soft clip.</summary>
    [Differentiable]
    public static double SoftClip(double x, double limit = 2.0)
    {
        double t;
        if (x > limit)
        {
            var excess = x - limit;
            t = limit + Math.Log(1 + excess);
        }
        else if (x < -limit)
        {
            return -limit - Math.Log(1 - x - limit);
        }
        else
        {
            t = x;
        }
        return t;
    }

    /// <summary>Huber-style: quadratic near 0, linear outside (piecewise through Abs).</summary>
    [Differentiable]
    public static double Huber(double x, double delta = 1.0)
    {
        double a = Math.Abs(x);
        if (a <= delta) return 0.5 * x * x;
        return delta * (a - 0.5 * delta);
    }

    /// <summary>GELU, tanh approximation, in generic math with an integer power.</summary>
    [Differentiable]
    public static T Gelu<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T c = T.CreateTruncating(0.7978845608028654); // √(2/π)
        T inner = c * (x + T.CreateTruncating(0.044715) * T.Pow(x, T.CreateTruncating(3)));
        return T.CreateTruncating(0.5) * x * (T.One + T.Tanh(inner));
    }

    /// <summary>Uses Atan, which has no SIMD form: a scalar kernel (info AD0011).</summary>
    [Differentiable]
    public static double ArcTan(double x) => Math.Atan(x);

    /// <summary>log cosh, through Cosh (scalar kernel) and Log.</summary>
    [Differentiable]
    public static double LogCosh(double x) => Math.Log(Math.Cosh(x));

    /// <summary>A generic activation with an element-typed constant and compound assignment.</summary>
    [Differentiable]
    public static T ScaledSquare<T>(T x, T scale) where T : IFloatingPointIeee754<T>
    {
        T y = x * x;
        y *= scale;
        y += T.Sqrt(x * x + T.One);
        return y;
    }
}
