using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// A 2-d convolution layer <c>y = act(x ⋆ W + b)</c> for a batch x [N, C, H, W]: W is
/// [O, C/groups, KH, KW], b is [O] added to every pixel of its channel. Built from tape operations
/// (<see cref="Var{T}.Conv2d"/>, Reshape, Add, Apply), so its backward pass is the chain rule through
/// them. A null activation is the identity.
/// </summary>
public sealed class Conv2d<T> : ILayer<T> where T : IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] parameters;

    /// <summary>
    /// A layer with seeded initial weights as <paramref name="weightInit"/> says, or else as the activation asks
    /// (<see cref="ElementwiseFunction{T}.WeightInit"/>): He (normal, σ = √(2/fan_in)) for rectifiers, Xavier
    /// (uniform, ±√(6/(fan_in + fan_out))) otherwise, with fan_in = (C/groups)·k², fan_out = (O/groups)·k²
    /// (give He when a rectifier follows as a layer of its own, after pooling say); the bias starts at 0.
    /// </summary>
    public Conv2d(int inChannels, int outChannels, int kernel, Random random, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        bool bias = true, ElementwiseFunction<T>? activation = null, string name = "conv", WeightInit? weightInit = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{name}: {inChannels} input and {outChannels} output channels must both be divisible by groups = {groups}.", nameof(groups));
        int fanIn = inChannels / groups * kernel * kernel, fanOut = outChannels / groups * kernel * kernel;
        var w = (weightInit ?? activation?.WeightInit) == WeightInit.He
            ? Tensor.Normal<T>(random, Math.Sqrt(2.0 / fanIn), outChannels, inChannels / groups, kernel, kernel)
            : Tensor.Uniform<T>(random, -Math.Sqrt(6.0 / (fanIn + fanOut)), Math.Sqrt(6.0 / (fanIn + fanOut)), outChannels, inChannels / groups, kernel, kernel);
        (Stride, Padding, Dilation, Groups, Activation) = (stride, padding, dilation, groups, activation);
        Validate(name);
        Weight = new Parameter<T>(name + ".weight", w);
        Bias = bias ? new Parameter<T>(name + ".bias", Tensor.Zeros<T>(outChannels)) : null;
        parameters = Bias is null ? [Weight] : [Weight, Bias];
    }

    /// <summary>A layer with the given parameters: weight [O, C/groups, KH, KW] and bias [O] or null.</summary>
    public Conv2d(Tensor<T> weight, Tensor<T>? bias, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        ElementwiseFunction<T>? activation = null, string name = "conv")
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Shape.Rank != 4) throw new ArgumentException($"{name}: the weight must be [O, C/groups, KH, KW]; its shape is {weight.Shape}.", nameof(weight));
        if (bias is not null && bias.Shape != new Shape(weight.Shape[0]))
            throw new ShapeMismatchException(name, weight.Shape, bias.Shape, $"the bias must be [{weight.Shape[0]}] for this weight");
        (Stride, Padding, Dilation, Groups, Activation) = (stride, padding, dilation, groups, activation);
        Validate(name);
        if (weight.Shape[0] % groups != 0)
            throw new ArgumentException($"{name}: the weight's {weight.Shape[0]} output channels are not divisible by groups = {groups}.", nameof(groups));
        Weight = new Parameter<T>(name + ".weight", weight);
        Bias = bias is null ? null : new Parameter<T>(name + ".bias", bias);
        parameters = Bias is null ? [Weight] : [Weight, Bias];
    }

    private void Validate(string name)
    {
        if (Stride < 1) throw new ArgumentOutOfRangeException("stride", Stride, $"{name}: the stride must be at least 1.");
        if (Padding < 0) throw new ArgumentOutOfRangeException("padding", Padding, $"{name}: the padding must not be negative.");
        if (Dilation < 1) throw new ArgumentOutOfRangeException("dilation", Dilation, $"{name}: the dilation must be at least 1.");
        if (Groups < 1) throw new ArgumentOutOfRangeException("groups", Groups, $"{name}: groups must be at least 1.");
    }

    /// <summary>W, of shape [O, C/groups, KH, KW].</summary>
    public Parameter<T> Weight { get; }

    /// <summary>b, of shape [O], or null for a layer without bias.</summary>
    public Parameter<T>? Bias { get; }

    /// <summary>The activation, or null for linear.</summary>
    public ElementwiseFunction<T>? Activation { get; }

    /// <summary>The convolution's stride.</summary>
    public int Stride { get; }

    /// <summary>Zeros added on each side of the image.</summary>
    public int Padding { get; }

    /// <summary>The spacing of the kernel's taps.</summary>
    public int Dilation { get; }

    /// <summary>Channel groups: each output channel sees C/groups input channels.</summary>
    public int Groups { get; }

    /// <summary>Input channels C.</summary>
    public int InChannels => Weight.Value.Shape[1] * Groups;

    /// <summary>Output channels O.</summary>
    public int OutChannels => Weight.Value.Shape[0];

    /// <summary>W then b (if any).</summary>
    public IReadOnlyList<Parameter<T>> Parameters => parameters;

    /// <summary>Records <c>act(x ⋆ W + b)</c> on x's tape; x is [N, C, H, W].</summary>
    public Var<T> Forward(Var<T> x)
    {
        var tape = x.Owner;
        var y = x.Conv2d(Weight.On(tape), Stride, Padding, Dilation, Groups);
        if (Bias is not null)
        {
            // As [N, O, OH·OW] + [O, 1]: one broadcast row per channel image instead of one per pixel row.
            var s = y.Shape;
            int n = s[0], o = s[1], oh = s[2], ow = s[3];
            y = (y.Reshape(n, o, oh * ow) + Bias.On(tape).Reshape(o, 1)).Reshape(n, o, oh, ow);
        }
        return Activation is null ? y : y.Apply(Activation);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Conv2d({InChannels}→{OutChannels}, {Weight.Value.Shape[2]}×{Weight.Value.Shape[3]}, stride {Stride}, padding {Padding}, dilation {Dilation}, groups {Groups}{(Activation is null ? "" : ", " + Activation.Name)})";
}
