namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// The same step in AutoDiff: <c>y = x.Conv2d(w)</c> on a reused tape, then one reverse sweep seeded
/// with ȳ, which fills the gradients of x and w.
/// </summary>
public sealed class AutoDiffConv
{
    private readonly Tensor<float> x, w, seed;
    private readonly Tape tape = new();

    public AutoDiffConv(ConvBenchData data)
    {
        x = Tensor.From<float>(data.X, data.N, data.C, data.H, data.W);
        w = Tensor.From<float>(data.Weight, data.O, data.C, data.K, data.K);
        seed = Tensor.From<float>(data.OutputGrad, data.N, data.O, data.OH, data.OW);
    }

    /// <summary>One forward and backward pass; returns ∂/∂w[0].</summary>
    public float Step()
    {
        tape.Reset();
        var pw = tape.Track(w);
        var y = tape.Track(x).Conv2d(pw);
        tape.Backward(y, seed);
        return pw.Grad[0];
    }

    /// <summary>y, ∂/∂x and ∂/∂w of one step, copied out (for the agreement check).</summary>
    public (float[] Y, float[] InputGrad, float[] WeightGrad) Results()
    {
        tape.Reset();
        var (px, pw) = (tape.Track(x), tape.Track(w));
        var y = px.Conv2d(pw);
        tape.Backward(y, seed);
        return (y.Value.ToArray(), px.Grad.ToArray(), pw.Grad.ToArray());
    }
}
