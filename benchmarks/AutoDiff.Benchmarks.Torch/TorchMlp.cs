using TorchSharp;
using static TorchSharp.torch;

namespace AutoDiff.Benchmarks.Torch;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// The benchmark's training step in TorchSharp, float32 on the CPU:
/// <c>h = σ(x·W1 + b1)</c>, <c>logits = h·W2 + b2</c>, <c>L = nll(log_softmax(logits), y)</c>
/// averaged over the batch, then plain SGD <c>θ ← θ - lr·∂L/∂θ</c>.
/// Starts from the weights of <see cref="MlpBenchData"/>, in the same in×out layout.
/// </summary>
public sealed class TorchMlp : IDisposable
{
    readonly Tensor _x, _y;
    readonly Tensor[] _parameters;
    readonly double _lr;

    public TorchMlp(MlpBenchData data, float learningRate)
    {
        _lr = learningRate;
        _x = tensor(data.X, [data.Batch, MlpBenchData.Inputs]);
        _y = tensor(Array.ConvertAll(data.Labels, l => (long)l), [data.Batch]);
        _parameters =
        [
            tensor(data.W1, [MlpBenchData.Inputs, MlpBenchData.Hidden], requires_grad: true),
            tensor(data.B1, [MlpBenchData.Hidden], requires_grad: true),
            tensor(data.W2, [MlpBenchData.Hidden, MlpBenchData.Classes], requires_grad: true),
            tensor(data.B2, [MlpBenchData.Classes], requires_grad: true),
        ];
    }

    /// <summary>One forward pass, backward pass and SGD update; returns the loss before the update.</summary>
    public float Step()
    {
        using var scope = NewDisposeScope();
        var (w1, b1, w2, b2) = (_parameters[0], _parameters[1], _parameters[2], _parameters[3]);

        var hidden = sigmoid(addmm(b1, _x, w1, beta: 1, alpha: 1));
        var logits = addmm(b2, hidden, w2, beta: 1, alpha: 1);
        var loss = nn.functional.nll_loss(nn.functional.log_softmax(logits, dim: 1), _y);
        loss.backward();

        using (no_grad())
        {
            foreach (var p in _parameters)
            {
                var grad = p.grad ?? throw new InvalidOperationException("backward left a parameter without a gradient");
                p.add_(grad, alpha: -_lr);
                grad.zero_();
            }
        }
        return loss.item<float>();
    }

    public void Dispose()
    {
        _x.Dispose();
        _y.Dispose();
        foreach (var p in _parameters) p.Dispose();
    }
}
