using AutoDiff.Nn;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// The same training step in AutoDiff: <c>h = σ(x·W1 + b1)</c>, <c>logits = h·W2 + b2</c>, mean
/// log-softmax + NLL, one reverse sweep, plain SGD, float32, from <see cref="MlpBenchData"/>'s weights.
/// </summary>
public sealed class AutoDiffMlp
{
    private readonly Mlp<float> mlp;
    private readonly Sgd<float> sgd;
    private readonly Tape tape = new();
    private readonly MlpBenchData data;
    private readonly Tensor<float> input;

    public AutoDiffMlp(MlpBenchData data, float learningRate)
    {
        this.data = data;
        mlp = new Mlp<float>(
        [
            new Dense<float>(Tensor.From<float>(data.W1, MlpBenchData.Inputs, MlpBenchData.Hidden), Tensor.From<float>(data.B1), Activations.SigmoidFunction<float>()),
            new Dense<float>(Tensor.From<float>(data.W2, MlpBenchData.Hidden, MlpBenchData.Classes), Tensor.From<float>(data.B2), null),
        ]);
        sgd = new Sgd<float>(learningRate);
        // The batch as a tensor made once, as TorchMlp's tensor(X): neither side copies it per step.
        input = new Tensor<float>(data.X, new Shape(data.Batch, MlpBenchData.Inputs));
    }

    /// <summary>One step; returns the loss before the update.</summary>
    public float Step()
    {
        tape.Reset();
        var logits = mlp.Forward(tape.Constant(input));
        var loss = Losses.CrossEntropyFromLogits(logits, data.Labels);
        tape.Backward(loss);
        sgd.Step(mlp.Parameters);
        return loss.Item;
    }
}
