using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// Parametric ReLU (He et al., 2015) with a learned slope per channel:
/// <c>y = x</c> for x &gt; 0, else <c>a[c]·x</c>, for x of shape [N, C] or [N, C, …] (channel c along
/// axis 1). One tape operation whose rules are the generated members of
/// <see cref="Activations.PRelu{T}(T, T)"/>: ∂y/∂x = <c>PReluDerivative</c> (1 or a) and
/// ∂y/∂a = <c>PReluPartialSlope</c> (0 or x), so backpropagation reaches the slopes:
/// ∂L/∂a[c] = Σ over the channel's elements of ∂L/∂y·∂y/∂a.
/// </summary>
public sealed class PRelu<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>A layer of <paramref name="channels"/> slopes, each starting at <paramref name="initialSlope"/> (0.25, as PyTorch).</summary>
    public PRelu(int channels, double initialSlope = 0.25, string name = "prelu")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        var slope = Tensor.Zeros<T>(channels);
        slope.Data.AsSpan().Fill(T.CreateChecked(initialSlope));
        Slope = new Parameter<T>(name + ".slope", slope);
    }

    /// <summary>The slopes a, of shape [C].</summary>
    public Parameter<T> Slope { get; }

    /// <summary>Number of channels C.</summary>
    public int Channels => Slope.Value.Shape[0];

    /// <summary>Records <c>PReLU(x)</c> on <paramref name="x"/>'s tape; x is [N, C, …].</summary>
    /// <exception cref="ShapeMismatchException">x is not [N, C, …] for this layer's C (names both shapes).</exception>
    public Var<T> Forward(Var<T> x) => Var.Function(ChannelActivation<T, PReluRule>.Instance, x, Slope.On(x.Owner));

    private readonly struct PReluRule : IChannelRule<T>
    {
        public static string Name => "PRelu";

        public static T Value(T x, T p) => Activations.PRelu(x, p);

        public static T DerivativeX(T x, T p) => Activations.PReluDerivative(x, p);

        public static T DerivativeP(T x, T p) => Activations.PReluPartialSlope(x, p);
    }
}
