using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// A trainable tensor that lives outside any tape. <see cref="On"/> tracks it on a tape (once per
/// recording: a parameter used twice is one leaf, so its gradient collects both uses); after the
/// backward sweep <see cref="Grad"/> holds ∂loss/∂parameter for an optimiser to read.
/// </summary>
/// <remarks>Not thread-safe: it remembers the one tape it was last tracked on.</remarks>
public sealed class Parameter<T> where T : IFloatingPointIeee754<T>
{
    private Var<T> tracked;

    /// <summary>Wraps <paramref name="value"/> (not copied) under <paramref name="name"/>.</summary>
    public Parameter(string name, Tensor<T> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
    }

    /// <summary>A name for messages and model files, e.g. "layer0.weight".</summary>
    public string Name { get; }

    /// <summary>The current value; optimisers update it in place.</summary>
    public Tensor<T> Value { get; }

    /// <summary>This parameter as a differentiable leaf on <paramref name="tape"/>, recorded once per tape generation.</summary>
    public Var<T> On(Tape tape)
    {
        ArgumentNullException.ThrowIfNull(tape);
        if (tracked.Tape != tape || tracked.Generation != tape.Generation) tracked = tape.Track(Value);
        return tracked;
    }

    /// <summary>∂loss/∂parameter from the last backward sweep of the tape it was last tracked on.</summary>
    public ReadOnlySpan<T> Grad => tracked.Tape is null
        ? throw new InvalidOperationException($"Parameter {Name} has no gradient: it was never used on a tape.")
        : tracked.Grad;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value.Shape}";
}
