using static TorchSharp.torch;

namespace AutoDiff.Benchmarks.Torch;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>The CNN training step (<see cref="CnnBenchData"/>) in TorchSharp, float32 on the CPU, then plain SGD.</summary>
public sealed class TorchCnn : IDisposable
{
    private readonly Tensor x, y;
    private readonly Tensor[] parameters;
    private readonly double lr;
    private readonly bool dropout;

    public TorchCnn(CnnBenchData d, bool dropout = true)
    {
        (lr, this.dropout) = (CnnBenchData.LearningRate, dropout);
        x = tensor(d.X, [d.Batch, 1, CnnBenchData.Side, CnnBenchData.Side]);
        y = tensor(Array.ConvertAll(d.Labels, l => (long)l), [d.Batch]);
        const int k = CnnBenchData.Kernel;
        parameters =
        [
            tensor(d.W1, [CnnBenchData.C1, 1, k, k], requires_grad: true),
            tensor(d.B1, [CnnBenchData.C1], requires_grad: true),
            tensor(d.W2, [CnnBenchData.C2, CnnBenchData.C1, k, k], requires_grad: true),
            tensor(d.B2, [CnnBenchData.C2], requires_grad: true),
            tensor(d.W3, [CnnBenchData.Features, CnnBenchData.Hidden], requires_grad: true),
            tensor(d.B3, [CnnBenchData.Hidden], requires_grad: true),
            tensor(d.W4, [CnnBenchData.Hidden, CnnBenchData.Classes], requires_grad: true),
            tensor(d.B4, [CnnBenchData.Classes], requires_grad: true),
        ];
    }

    /// <summary>One forward pass, backward pass and SGD update; returns the loss before the update.</summary>
    public float Step()
    {
        using var scope = NewDisposeScope();
        var p = parameters;
        var h = nn.functional.relu(nn.functional.max_pool2d(nn.functional.conv2d(x, p[0], p[1]), 2));
        h = nn.functional.relu(nn.functional.max_pool2d(nn.functional.conv2d(h, p[2], p[3]), 2)).flatten(1);
        h = nn.functional.relu(addmm(p[5], h, p[4], beta: 1, alpha: 1));
        if (dropout) h = nn.functional.dropout(h, CnnBenchData.Dropout, training: true);
        var loss = nn.functional.cross_entropy(addmm(p[7], h, p[6], beta: 1, alpha: 1), y);
        loss.backward();
        using (no_grad())
            foreach (var t in p)
            {
                var grad = t.grad ?? throw new InvalidOperationException("backward left a parameter without a gradient");
                t.add_(grad, alpha: -lr);
                grad.zero_();
            }
        return loss.item<float>();
    }

    public void Dispose()
    {
        x.Dispose();
        y.Dispose();
        foreach (var t in parameters) t.Dispose();
    }
}
