using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// A layer of a network: a composition of tape operations with no backward rule of its own, so its
/// gradients come from the reverse sweep through the operations it records. <see cref="Sequential{T}"/>
/// chains layers; <see cref="Dense{T}"/>, <see cref="Conv2d{T}"/>, the pooling, normalisation and
/// <see cref="Dropout{T}"/> layers implement it, and so can your own.
/// </summary>
public interface ILayer<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>Records the layer's forward pass on <paramref name="x"/>'s tape and returns its output.</summary>
    Var<T> Forward(Var<T> x);

    /// <summary>The trainable parameters, in a fixed order (empty for a layer without any).</summary>
    IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>
    /// Switches between training (<c>true</c>) and evaluation behaviour. Only layers that behave
    /// differently (dropout, batch normalisation) do anything; the default ignores it.
    /// </summary>
    void SetTraining(bool training) { }
}

/// <summary>An element-wise activation as a layer: <c>y = f(x)</c> (see <see cref="Activations"/>).</summary>
public sealed class Activation<T>(ElementwiseFunction<T> function) : ILayer<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>f.</summary>
    public ElementwiseFunction<T> Function { get; } = function ?? throw new ArgumentNullException(nameof(function));

    /// <summary>Records <c>f(x)</c>.</summary>
    public Var<T> Forward(Var<T> x) => x.Apply(Function);

    /// <summary>None.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc/>
    public override string ToString() => $"Activation({Function.Name})";
}

/// <summary>[N, d₁, d₂, …] → [N, d₁·d₂·…], keeping the batch dimension (<see cref="Var{T}.Flatten"/>).</summary>
public sealed class Flatten<T> : ILayer<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>Records the reshape (a view).</summary>
    public Var<T> Forward(Var<T> x) => x.Flatten();

    /// <summary>None.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc/>
    public override string ToString() => "Flatten";
}

/// <summary>
/// A pooling layer over [N, C, H, W] with a square <see cref="Kernel"/>×<see cref="Kernel"/> window every
/// <see cref="Stride"/> pixels; no parameters. <see cref="MaxPool2d{T}"/> and <see cref="AvgPool2d{T}"/> say what
/// each window gives.
/// </summary>
public abstract class Pool2d<T> : ILayer<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>A <paramref name="kernel"/>×<paramref name="kernel"/> window every <paramref name="stride"/> pixels (default: the kernel size, windows side by side).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The kernel or the stride is below 1.</exception>
    private protected Pool2d(int kernel, int? stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        Kernel = kernel;
        Stride = stride ?? kernel;
        ArgumentOutOfRangeException.ThrowIfLessThan(Stride, 1, nameof(stride));
    }

    /// <summary>The window size.</summary>
    public int Kernel { get; }

    /// <summary>The distance between windows.</summary>
    public int Stride { get; }

    /// <summary>Records the pooling.</summary>
    public abstract Var<T> Forward(Var<T> x);

    /// <summary>None.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name[..^2]}({Kernel}, stride {Stride})";
}

/// <summary>Max pooling: each window gives its maximum (<see cref="Var{T}.MaxPool2d"/>).</summary>
public sealed class MaxPool2d<T>(int kernel, int? stride = null) : Pool2d<T>(kernel, stride) where T : IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Var<T> Forward(Var<T> x) => x.MaxPool2d(Kernel, Stride);
}

/// <summary>Average pooling: each window gives its mean (<see cref="Var{T}.AvgPool2d"/>).</summary>
public sealed class AvgPool2d<T>(int kernel, int? stride = null) : Pool2d<T>(kernel, stride) where T : IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Var<T> Forward(Var<T> x) => x.AvgPool2d(Kernel, Stride);
}
