using static TorchSharp.torch;

namespace AutoDiff.Benchmarks.Torch;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// conv2d forward and backward in TorchSharp, float32 on the CPU: <c>y = conv2d(x, w)</c>, then
/// <c>y.backward(ȳ)</c>, which fills x.grad and w.grad; the gradients are zeroed for the next step.
/// </summary>
public sealed class TorchConv : IDisposable
{
    private readonly Tensor x, w, seed;

    public TorchConv(ConvBenchData data)
    {
        x = tensor(data.X, [data.N, data.C, data.H, data.W], requires_grad: true);
        w = tensor(data.Weight, [data.O, data.C, data.K, data.K], requires_grad: true);
        seed = tensor(data.OutputGrad, [data.N, data.O, data.OH, data.OW]);
    }

    /// <summary>One forward and backward pass; returns w.grad[0] (read before zeroing).</summary>
    public float Step()
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.conv2d(x, w);
        y.backward([seed]);
        float g = w.grad!.data<float>()[0];
        x.grad!.zero_();
        w.grad!.zero_();
        return g;
    }

    /// <summary>y, x.grad and w.grad of one step, copied out (for the agreement check).</summary>
    public (float[] Y, float[] InputGrad, float[] WeightGrad) Results()
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.conv2d(x, w);
        y.backward([seed]);
        var r = (y.data<float>().ToArray(), x.grad!.data<float>().ToArray(), w.grad!.data<float>().ToArray());
        x.grad!.zero_();
        w.grad!.zero_();
        return r;
    }

    public void Dispose()
    {
        x.Dispose();
        w.Dispose();
        seed.Dispose();
    }
}
