using AutoDiff.Data;
using AutoDiff.Nn;
using AutoDiff.Onnx;

namespace AutoDiff.Demo;

/// <summary>
/// The network the demo trains (<c>--model</c>): the MLP, <see cref="Dense{T}"/> layers on the flattened
/// pixels (saved as an <see cref="Mlp{T}"/>), or a small CNN, a <see cref="Sequential{T}"/> on the
/// [N, 1, rows, columns] images:
/// <code>
///   conv 5×5, 1 → 16 → max pool 2 → relu → conv 5×5, 16 → 32 → max pool 2 → relu → flatten
///   → dense → 64, relu → dropout 0.25 → dense → k
/// </code>
/// For 28×28 digits the convolutions are [N, 1, 28, 28] ⋆ [16, 1, 5, 5] and [N, 16, 12, 12] ⋆ [32, 16, 5, 5],
/// and the flattened features 32·4·4 = 512. (With 8 and 16 channels it stopped at 98.5% on the
/// embedded digits; 16 and 32 reach 99.05 % with seed 1 and the default options.)
/// </summary>
internal sealed class DigitsModel
{
    private readonly Mlp<float>? mlp;
    private readonly Sequential<float>? cnn;
    private readonly int pixels, rows, columns;

    private DigitsModel(Mlp<float>? mlp, Sequential<float>? cnn, DigitSet set)
    {
        (this.mlp, this.cnn) = (mlp, cnn);
        (pixels, rows, columns) = (set.Pixels, set.Rows, set.Columns);
        Parameters = mlp?.Parameters ?? cnn!.Parameters;
        // A method group, not a lambda: anomaly mode names the first frame outside the library, which
        // should be the trainer's loop, not a wrapper here.
        Forward = mlp is not null ? mlp.Forward : cnn!.Forward;
    }

    /// <summary>The network <paramref name="options"/> ask for, for images like <paramref name="set"/>'s and <paramref name="outputs"/> outputs, seeded.</summary>
    public static DigitsModel Create(DemoOptions options, DigitSet set, int outputs)
    {
        if (options.Model != "cnn")
            return new(new Mlp<float>(
                [set.Pixels, .. options.Hidden, outputs],
                [.. options.Hidden.Select(_ => (ElementwiseFunction<float>?)Activations.ByName<float>(options.Activation)), null],
                options.Seed), null, set);
        if (set.Rows < 16 || set.Columns < 16)
            throw new DemoUsageException($"the CNN (--model cnn, the default) needs images of at least 16×16 pixels; these are {set.Rows}×{set.Columns}: use --model mlp");
        var random = new Random(options.Seed);
        var relu = Activations.ReluFunction<float>();
        int h = ((set.Rows - 4) / 2 - 4) / 2, w = ((set.Columns - 4) / 2 - 4) / 2;
        // relu(max pool(x)) = max pool(relu(x)) (relu is monotonic), on a quarter of the elements.
        return new(null, new Sequential<float>(
            new Conv2d<float>(1, 16, 5, random, name: "conv0", weightInit: WeightInit.He),
            new MaxPool2d<float>(2),
            new Activation<float>(relu),
            new Conv2d<float>(16, 32, 5, random, name: "conv1", weightInit: WeightInit.He),
            new MaxPool2d<float>(2),
            new Activation<float>(relu),
            new Flatten<float>(),
            new Dense<float>(32 * h * w, 64, relu, random, "dense0"),
            new Dropout<float>(0.25, options.Seed),
            new Dense<float>(64, outputs, null, random, "dense1")), set);
    }

    /// <summary>The MLP, or null for the CNN.</summary>
    public Mlp<float>? Mlp => mlp;

    /// <summary>"MLP" or "CNN".</summary>
    public string Kind => mlp is null ? "CNN" : "MLP";

    /// <summary>Every trainable parameter.</summary>
    public IReadOnlyList<Parameter<float>> Parameters { get; }

    /// <summary>Training (dropout on) or evaluation behaviour; the MLP behaves the same in both.</summary>
    public bool Training { set { if (cnn is not null) cnn.Training = value; } }

    /// <summary>Records the forward pass on an input made by <see cref="Input"/>.</summary>
    public Func<Var<float>, Var<float>> Forward { get; }

    /// <summary><paramref name="count"/> images (row-major pixels, image after image) as the network's input constant: [N, pixels] or [N, 1, rows, columns].</summary>
    public Var<float> Input(Tape tape, ReadOnlySpan<float> images, int count) => mlp is not null
        ? tape.Constant(images, count, pixels)
        : tape.Constant(images, count, 1, rows, columns);

    /// <summary>The outputs for <paramref name="count"/> images, without recording gradients, in evaluation mode.</summary>
    public void Predict(ReadOnlySpan<float> images, int count, Span<float> output)
    {
        if (mlp is not null) mlp.Predict(images, count, output);
        else cnn!.Predict(images, [count, 1, rows, columns], output);
    }

    /// <summary>Writes the model file (format version 1 for the MLP, 2 for the CNN).</summary>
    public void Save(string path)
    {
        if (mlp is not null) ModelFile.Save(mlp, path);
        else ModelFile.Save(cnn!, path);
    }

    /// <summary>Writes the model as ONNX: the MLP's Gemm layers, or the CNN's evaluation-mode pass on [N, 1, rows, columns] images.</summary>
    public void ExportOnnx(string path)
    {
        if (mlp is not null) OnnxModel.Export(mlp, path);
        else OnnxModel.Export(cnn!, new Shape(1, 1, rows, columns), path);
    }

    /// <summary>One line for the demo's header.</summary>
    public string Describe(DemoOptions options) => mlp is not null
        ? $"MLP {pixels}→{string.Join("→", options.Hidden)}→k, {options.Activation}"
        : $"CNN conv 5×5 (16)→pool→conv 5×5 (32)→pool→64→k, relu, dropout 0.25";
}
