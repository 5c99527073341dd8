using System.Numerics;

namespace AutoDiff;

/// <summary>
/// The lecture's element-wise activations, each written once with <see cref="DifferentiableAttribute"/>:
/// the generator writes <c>fDerivative</c>, <c>fSecondDerivative</c>, <c>x.f()</c> on <see cref="Scalar"/>
/// and <see cref="Var{T}"/>, and <c>fFunction&lt;T&gt;()</c> for layers. Each is stable for any finite
/// input (no overflow, no NaN from |z| up to 1e4 and beyond). Softmax is not element-wise: see
/// <see cref="Var{T}.Softmax(int)"/>.
/// </summary>
public static partial class Activations
{
    /// <summary>Linear (identity): <c>f(z) = z</c>, <c>f' = 1</c>.</summary>
    [Differentiable]
    public static T Linear<T>(T z) where T : IFloatingPointIeee754<T> => z;

    /// <summary>
    /// Binary step: <c>f(z) = 1</c> for z ≥ 0, else 0. Its derivative is 0 wherever it is defined, so
    /// backpropagation through it passes no gradient and nothing before it learns (the perceptron
    /// learning rule, not gradient descent, trains such units).
    /// </summary>
    [Differentiable]
    public static T BinaryStep<T>(T z) where T : IFloatingPointIeee754<T> => z >= T.Zero ? T.One : T.Zero;

    /// <summary>Logistic sigmoid: <c>σ(z) = 1/(1+e^{−z})</c>, computed from <c>e^{−|z|}</c> ≤ 1 so it never overflows; σ' = σ(1−σ).</summary>
    [Differentiable]
    public static T Sigmoid<T>(T z) where T : IFloatingPointIeee754<T>
    {
        T e = T.Exp(-T.Abs(z));
        T s = T.One / (T.One + e);
        return z >= T.Zero ? s : e * s;
    }

    /// <summary>Hyperbolic tangent: <c>tanh z = (e^z − e^{−z})/(e^z + e^{−z})</c>; tanh' = 1 − tanh².</summary>
    [Differentiable]
    public static T Tanh<T>(T z) where T : IFloatingPointIeee754<T> => T.Tanh(z);

    /// <summary>Rectified linear unit: <c>f(z) = max(z, 0)</c>; f' = 1 for z &gt; 0, else 0 (0 at the kink, as PyTorch).</summary>
    [Differentiable(WeightInit = Nn.WeightInit.He)]
    public static T Relu<T>(T z) where T : IFloatingPointIeee754<T> => z > T.Zero ? z : T.Zero;

    /// <summary>Leaky ReLU: <c>f(z) = z</c> for z &gt; 0, else <c>slope·z</c> (slope 0.01 by default).</summary>
    [Differentiable(WeightInit = Nn.WeightInit.He)]
    public static T LeakyRelu<T>(T z, double slope = 0.01) where T : IFloatingPointIeee754<T>
        => z > T.Zero ? z : T.CreateTruncating(slope) * z;

    /// <summary>Exponential linear unit: <c>f(z) = z</c> for z &gt; 0, else <c>α(e^z − 1)</c> (α = 1 by default).</summary>
    [Differentiable(WeightInit = Nn.WeightInit.He)]
    public static T Elu<T>(T z, double alpha = 1.0) where T : IFloatingPointIeee754<T>
        => z > T.Zero ? z : T.CreateTruncating(alpha) * (T.Exp(z) - T.One);

    /// <summary>
    /// Parametric ReLU (He et al., 2015): <c>f(z) = z</c> for z &gt; 0, else <c>slope·z</c>, with the slope
    /// learned (<see cref="Nn.PRelu{T}"/>, one per channel): f' = 1 or slope, ∂f/∂slope = 0 or z
    /// (the generated <c>PReluPartialSlope</c>).
    /// </summary>
    [Differentiable(WeightInit = Nn.WeightInit.He)]
    public static T PRelu<T>(T z, T slope) where T : IFloatingPointIeee754<T> => z > T.Zero ? z : slope * z;

    /// <summary>
    /// Softplus: <c>f(z) = ln(1 + e^z)</c>, computed as <c>max(z, 0) + log1p(e^{−|z|})</c> so it never
    /// overflows and keeps full relative accuracy in the left tail; f' = σ(z).
    /// </summary>
    [Differentiable]
    public static T Softplus<T>(T z) where T : IFloatingPointIeee754<T>
    {
        // Trap: ln(1 + e) loses e when e < ε (softplus(−50) came out as 0, not 2e-22) and most of its
        // digits well before (0.1% at z = −10 in float). log1p(e) = ln w + (e − (w − 1))/w with
        // w = 1 + e puts back what rounding 1 + e dropped: w − 1 and e − (w − 1) are exact.
        T e = T.Exp(-T.Abs(z));
        T w = T.One + e;
        return T.Max(z, T.Zero) + (T.Log(w) - (w - T.One - e) / w);
    }

    /// <summary>The names <see cref="ByName{T}(string)"/> accepts (it also accepts "binarystep" for "step").</summary>
    public static IReadOnlyList<string> Names { get; } = ["linear", "step", "sigmoid", "tanh", "relu", "leakyrelu", "elu", "softplus"];

    /// <summary>
    /// The built-in activation called <paramref name="name"/> (case-insensitive; see <see cref="Names"/>)
    /// as an <see cref="ElementwiseFunction{T}"/>, with its default parameters.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static ElementwiseFunction<T> ByName<T>(string name) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "linear" => LinearFunction<T>(),
            "step" or "binarystep" => BinaryStepFunction<T>(),
            "sigmoid" => SigmoidFunction<T>(),
            "tanh" => TanhFunction<T>(),
            "relu" => ReluFunction<T>(),
            "leakyrelu" => LeakyReluFunction<T>(),
            "elu" => EluFunction<T>(),
            "softplus" => SoftplusFunction<T>(),
            _ => throw new ArgumentException($"Unknown activation '{name}'. Valid names: {string.Join(", ", Names)} (or 'binarystep').", nameof(name)),
        };
    }
}
