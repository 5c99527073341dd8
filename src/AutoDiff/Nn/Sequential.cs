using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// A chain of layers, <c>f(x) = fₙ(…f₂(f₁(x))…)</c>, itself a layer. Its forward pass records each
/// layer's operations; training and gradients come from the tape. <see cref="Training"/> switches the
/// layers that behave differently in evaluation (dropout, batch normalisation); <see cref="Predict(ReadOnlySpan{T}, ReadOnlySpan{int}, Span{T})"/>
/// always evaluates. Saved and loaded by <see cref="ModelFile"/>.
/// </summary>
/// <remarks>
/// Not thread-safe (as <see cref="Mlp{T}"/>): its parameters remember the tape they were last tracked
/// on, and <see cref="Predict(ReadOnlySpan{T}, ReadOnlySpan{int}, Span{T})"/> runs on one internal tape.
/// </remarks>
public sealed class Sequential<T> : ILayer<T> where T : IFloatingPointIeee754<T>
{
    private readonly ILayer<T>[] layers;
    private readonly Parameter<T>[] parameters;
    private bool training = true;
    private Tape? inferenceTape;

    /// <summary>A chain of <paramref name="layers"/>, applied first to last, in training mode.</summary>
    public Sequential(params ILayer<T>[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("A sequential model needs at least one layer.", nameof(layers));
        for (int i = 0; i < layers.Length; i++)
            if (layers[i] is null) throw new ArgumentNullException(nameof(layers), $"Layer {i} is null.");
        this.layers = (ILayer<T>[])layers.Clone();
        parameters = this.layers.SelectMany(l => l.Parameters).ToArray();
        var seen = new HashSet<Parameter<T>>(ReferenceEqualityComparer.Instance);
        foreach (var p in parameters)
            if (!seen.Add(p)) throw new ArgumentException($"Parameter {p.Name} belongs to two layers; share a layer object instead of its parameters.", nameof(layers));
        SetTraining(true);
    }

    /// <summary>The layers, first applied first.</summary>
    public IReadOnlyList<ILayer<T>> Layers => layers;

    /// <summary>Every layer's parameters, layer by layer.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => parameters;

    /// <summary>True (the default) for training behaviour, false for evaluation; setting it sets every layer.</summary>
    public bool Training
    {
        get => training;
        set => SetTraining(value);
    }

    /// <inheritdoc/>
    public void SetTraining(bool training)
    {
        this.training = training;
        foreach (var layer in layers) layer.SetTraining(training);
    }

    /// <summary>Records the forward pass: each layer in turn.</summary>
    public Var<T> Forward(Var<T> x)
    {
        foreach (var layer in layers) x = layer.Forward(x);
        return x;
    }

    /// <summary>
    /// Runs the model in evaluation mode without recording gradients on inputs of dimensions
    /// <paramref name="dims"/> (batch first) and copies the outputs into <paramref name="output"/>, whose
    /// length must be the output's. The training switch is restored afterwards. Uses an internal tape:
    /// not thread-safe.
    /// </summary>
    public void Predict(ReadOnlySpan<T> inputs, ReadOnlySpan<int> dims, Span<T> output)
    {
        long length = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(dims), $"Input dimensions {Shape.Format(dims)} include a negative one.");
            length *= d;
        }
        if (inputs.Length != length)
            throw new ArgumentException($"Inputs of dimensions {Shape.Format(dims)} need {length} values; got {inputs.Length}.", nameof(inputs));
        var tape = inferenceTape ??= new Tape();
        bool was = training;
        SetTraining(false);
        try
        {
            tape.Reset();
            using (tape.NoGrad())
            {
                var y = Forward(tape.Constant(inputs, dims));
                if (y.Value.Length != output.Length)
                    throw new ArgumentException($"The output has shape {y.Shape} ({y.Value.Length} values) but the output span holds {output.Length}.", nameof(output));
                y.Value.CopyTo(output);
            }
        }
        finally
        {
            SetTraining(was);
        }
    }

    /// <summary>Runs the model in evaluation mode on <paramref name="input"/> and returns a new tensor with the output.</summary>
    public Tensor<T> Predict(Tensor<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var tape = inferenceTape ??= new Tape();
        bool was = training;
        SetTraining(false);
        try
        {
            tape.Reset();
            using (tape.NoGrad()) return Forward(tape.Constant(input)).ToTensor();
        }
        finally
        {
            SetTraining(was);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Sequential({string.Join(" → ", layers.Select(l => l.ToString()))})";
}
