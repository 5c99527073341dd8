using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// A multilayer perceptron: a stack of <see cref="Dense{T}"/> layers, <c>f(X; W) = act_L(…act_1(X·W_1 + b_1)…·W_L + b_L)</c>.
/// Its forward pass records tape operations; training and gradients come from the tape.
/// </summary>
/// <remarks>
/// Not thread-safe. Its parameters remember the tape they were last tracked on
/// (<see cref="Parameter{T}.On"/>), so one model must not record on two tapes at once, and
/// <see cref="Predict(Tensor{T})"/> runs on one internal tape (two threads predicting at once are usually caught
/// by that tape's thread check and throw <see cref="InvalidOperationException"/>). For concurrent
/// inference or training give each thread its own model; the weight tensors may be shared read-only
/// through <see cref="Dense{T}(Tensor{T}, Tensor{T}, ElementwiseFunction{T}?, string)"/>.
/// </remarks>
public sealed class Mlp<T> where T : IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] parameters;
    private readonly Dense<T>[] layers;
    private Tape? inferenceTape;

    /// <summary>
    /// An MLP with layer widths <paramref name="sizes"/> (input first, output last) and one activation
    /// per layer (null = linear), initialised from <paramref name="seed"/>.
    /// </summary>
    public Mlp(int[] sizes, ElementwiseFunction<T>?[] activations, int seed)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(activations);
        if (sizes.Length < 2) throw new ArgumentException($"An MLP needs at least an input and an output size; got {sizes.Length} size(s).", nameof(sizes));
        if (activations.Length != sizes.Length - 1)
        {
            int n = sizes.Length - 1;
            throw new ArgumentException(
                $"The sizes [{string.Join(", ", sizes)}] make {n} {(n == 1 ? "layer, which needs 1 activation" : $"layers, which need {n} activations")} (null for linear); got {activations.Length}.",
                nameof(activations));
        }
        for (int i = 0; i < sizes.Length; i++)
            if (sizes[i] < 1) throw new ArgumentOutOfRangeException(nameof(sizes), $"Layer size {sizes[i]} at position {i} must be at least 1.");
        var random = new Random(seed);
        layers = Enumerable.Range(0, sizes.Length - 1)
            .Select(i => new Dense<T>(sizes[i], sizes[i + 1], activations[i], random, $"layer{i}")).ToArray();
        parameters = layers.SelectMany(l => new[] { l.Weight, l.Bias }).ToArray();
    }

    /// <summary>An MLP made of the given layers, whose widths must chain.</summary>
    public Mlp(IReadOnlyList<Dense<T>> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("An MLP needs at least one layer.", nameof(layers));
        for (int i = 1; i < layers.Count; i++)
            if (layers[i].Inputs != layers[i - 1].Outputs)
                throw new ArgumentException($"Layer {i} takes {layers[i].Inputs} inputs but layer {i - 1} gives {layers[i - 1].Outputs}.", nameof(layers));
        this.layers = layers.ToArray();
        parameters = this.layers.SelectMany(l => new[] { l.Weight, l.Bias }).ToArray();
    }

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<Dense<T>> Layers => layers;

    /// <summary>Every weight and bias, layer by layer.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => parameters;

    /// <summary>Number of inputs.</summary>
    public int Inputs => Layers[0].Inputs;

    /// <summary>Number of outputs.</summary>
    public int Outputs => Layers[^1].Outputs;

    /// <summary>Records the forward pass on a batch [N, in]; returns [N, out].</summary>
    public Var<T> Forward(Var<T> x)
    {
        foreach (var layer in layers) x = layer.Forward(x); // the array, not the interface: no enumerator allocated
        return x;
    }

    /// <summary>
    /// Runs the network without recording gradients on a batch of <paramref name="rows"/> inputs and
    /// copies the [rows, out] outputs into <paramref name="output"/>. Uses an internal tape: not
    /// thread-safe (see the class remarks).
    /// </summary>
    public void Predict(ReadOnlySpan<T> inputs, int rows, Span<T> output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (inputs.Length != rows * Inputs)
            throw new ArgumentException($"{rows} rows of {Inputs} inputs need {rows * Inputs} values; got {inputs.Length}.", nameof(inputs));
        if (output.Length != rows * Outputs)
            throw new ArgumentException($"{rows} rows of {Outputs} outputs need {rows * Outputs} values; got {output.Length}.", nameof(output));
        var tape = inferenceTape ??= new Tape();
        tape.Reset();
        using (tape.NoGrad())
            Forward(tape.Constant(inputs, rows, Inputs)).Value.CopyTo(output);
    }

    /// <summary>
    /// Runs the network without recording gradients: a batch [N, in] gives a new tensor [N, out], one
    /// sample [in] gives [out]. Allocates the result; for a loop that allocates nothing, use
    /// <see cref="Predict(ReadOnlySpan{T}, int, Span{T})"/> with a buffer. Not thread-safe (see the class remarks).
    /// </summary>
    public Tensor<T> Predict(Tensor<T> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var s = inputs.Shape;
        bool single = s.Rank == 1;
        if (!(single || s.Rank == 2) || s[s.Rank - 1] != Inputs)
            throw new ShapeMismatchException("Mlp.Predict", s, new Shape(Inputs), $"the input must be [N, {Inputs}] or [{Inputs}]");
        int rows = single ? 1 : s[0];
        var output = single ? Tensor.Zeros<T>(Outputs) : Tensor.Zeros<T>(rows, Outputs);
        Predict(inputs.Span, rows, output.Span);
        return output;
    }
}
