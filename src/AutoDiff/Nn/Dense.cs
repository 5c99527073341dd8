using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// A fully connected layer <c>y = act(x·W + b)</c> for a batch x of shape [N, in]: W is [in, out], b is
/// [out] broadcast over the batch. Built from tape operations (MatMul, Add, Apply), so its backward
/// pass is the chain rule through them. A null activation is the identity (linear).
/// </summary>
public sealed class Dense<T> : ILayer<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>
    /// A layer with seeded initial weights as the activation asks (<see cref="ElementwiseFunction{T}.WeightInit"/>):
    /// He (normal, σ = √(2/in)) for rectifiers, Xavier/Glorot (uniform, ±√(6/(in+out))) otherwise; biases start at 0.
    /// </summary>
    public Dense(int inputs, int outputs, ElementwiseFunction<T>? activation, Random random, string name = "dense")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentNullException.ThrowIfNull(random);
        Activation = activation;
        var w = activation?.WeightInit == WeightInit.He
            ? Tensor.Normal<T>(random, Math.Sqrt(2.0 / inputs), inputs, outputs)
            : Tensor.Uniform<T>(random, -Math.Sqrt(6.0 / (inputs + outputs)), Math.Sqrt(6.0 / (inputs + outputs)), inputs, outputs);
        Weight = new Parameter<T>(name + ".weight", w);
        Bias = new Parameter<T>(name + ".bias", Tensor.Zeros<T>(outputs));
    }

    /// <summary>A layer with the given parameters (shapes [in, out] and [out]).</summary>
    public Dense(Tensor<T> weight, Tensor<T> bias, ElementwiseFunction<T>? activation, string name = "dense")
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.Shape.Rank != 2) throw new ArgumentException($"{name}: the weight must be [in, out]; its shape is {weight.Shape}.", nameof(weight));
        if (bias.Shape != new Shape(weight.Shape[1]))
            throw new ShapeMismatchException(name, weight.Shape, bias.Shape, $"the bias must be [{weight.Shape[1]}] for this weight");
        Weight = new Parameter<T>(name + ".weight", weight);
        Bias = new Parameter<T>(name + ".bias", bias);
        Activation = activation;
    }

    /// <summary>W, of shape [in, out].</summary>
    public Parameter<T> Weight { get; }

    /// <summary>b, of shape [out].</summary>
    public Parameter<T> Bias { get; }

    /// <summary>The activation, or null for linear.</summary>
    public ElementwiseFunction<T>? Activation { get; }

    private Parameter<T>[]? parameters;

    /// <summary>W then b.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => parameters ??= [Weight, Bias];

    /// <summary>Number of inputs.</summary>
    public int Inputs => Weight.Value.Shape[0];

    /// <summary>Number of outputs.</summary>
    public int Outputs => Weight.Value.Shape[1];

    /// <summary>Records <c>act(x·W + b)</c> on <paramref name="x"/>'s tape; x is [N, in].</summary>
    public Var<T> Forward(Var<T> x)
    {
        var tape = x.Owner;
        var s = x.Shape;
        if (s.Rank != 2 || s[1] != Inputs)
            throw new ShapeMismatchException($"{Weight.Name[..^7]} forward", s, Weight.Value.Shape, $"the input must be [N, {Inputs}]");
        var z = x.MatMul(Weight.On(tape)) + Bias.On(tape);
        return Activation is null ? z : z.Apply(Activation);
    }
}
