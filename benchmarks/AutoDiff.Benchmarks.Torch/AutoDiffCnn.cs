using AutoDiff.Nn;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>The same CNN training step in AutoDiff: a <see cref="Sequential{T}"/> of the library's layers, one reverse sweep, plain SGD.</summary>
public sealed class AutoDiffCnn
{
    private readonly Sequential<float> model;
    private readonly Sgd<float> sgd = new(CnnBenchData.LearningRate);
    private readonly Tape tape = new();
    private readonly CnnBenchData data;

    public AutoDiffCnn(CnnBenchData d, bool dropout = true)
    {
        data = d;
        const int k = CnnBenchData.Kernel;
        var relu = Activations.ReluFunction<float>();
        var layers = new List<ILayer<float>>
        {
            new Conv2d<float>(Tensor.From<float>(d.W1, CnnBenchData.C1, 1, k, k), Tensor.From<float>(d.B1)),
            new MaxPool2d<float>(2),
            new Activation<float>(relu),
            new Conv2d<float>(Tensor.From<float>(d.W2, CnnBenchData.C2, CnnBenchData.C1, k, k), Tensor.From<float>(d.B2)),
            new MaxPool2d<float>(2),
            new Activation<float>(relu),
            new Flatten<float>(),
            new Dense<float>(Tensor.From<float>(d.W3, CnnBenchData.Features, CnnBenchData.Hidden), Tensor.From<float>(d.B3), relu),
        };
        if (dropout) layers.Add(new Dropout<float>(CnnBenchData.Dropout, 1));
        layers.Add(new Dense<float>(Tensor.From<float>(d.W4, CnnBenchData.Hidden, CnnBenchData.Classes), Tensor.From<float>(d.B4), null));
        model = new Sequential<float>([.. layers]);
    }

    /// <summary>One step; returns the loss before the update.</summary>
    public float Step()
    {
        tape.Reset();
        var logits = model.Forward(tape.Constant<float>(data.X, data.Batch, 1, CnnBenchData.Side, CnnBenchData.Side));
        var loss = Losses.CrossEntropyFromLogits(logits, data.Labels);
        tape.Backward(loss);
        sgd.Step(model.Parameters);
        return loss.Item;
    }
}
