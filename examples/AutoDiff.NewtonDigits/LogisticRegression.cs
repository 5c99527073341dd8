using AutoDiff.Data;
using AutoDiff.Nn;

namespace AutoDiff.NewtonDigits;

/// <summary>
/// "Is this a 2?" as L2-regularised logistic regression on the digits: parameters x = [w; b] (784 + 1),
/// logits z = X·w + b, objective <c>f(x) = mean BCE(z, d) + (λ/2)‖w‖²</c>. The whole training set is one
/// batch, so f is a deterministic smooth function for Newton's method.
/// </summary>
public sealed class LogisticRegression
{
    public const int PositiveDigit = 2;

    private readonly Tensor<double> images, targets;

    public LogisticRegression(DigitSet set, double lambda)
    {
        ArgumentNullException.ThrowIfNull(set);
        Count = set.Count;
        Pixels = set.Pixels;
        Lambda = lambda;
        var all = Enumerable.Range(0, Count).ToArray();
        images = new Tensor<double>(new Shape(Count, Pixels));
        set.CopyImages<double>(all, images.Span);
        targets = new Tensor<double>(new Shape(Count, 1));
        for (int i = 0; i < Count; i++) targets.Span[i] = set.Labels[i] == PositiveDigit ? 1 : 0;
    }

    public int Count { get; }
    public int Pixels { get; }
    public double Lambda { get; }

    /// <summary>Number of parameters: the weights and the bias.</summary>
    public int Parameters => Pixels + 1;

    /// <summary>The objective f(x) recorded on a tape, for <see cref="Derivatives"/>.</summary>
    public Var<double> Objective(Tape tape, Var<double> x)
    {
        var w = x.Slice(0, 0, Pixels);
        var b = x.Slice(0, Pixels, 1);
        var z = tape.Constant(images).MatMul(w.Reshape(Pixels, 1)) + b;
        return Losses.BinaryCrossEntropyFromLogits(z, tape.Constant(targets)) + w.Square().Sum() * (0.5 * Lambda);
    }

    /// <summary>The objective at x (value only).</summary>
    public double Value(Tensor<double> x)
    {
        var tape = new Tape();
        using (tape.NoGrad()) return Objective(tape, tape.Constant(x)).Item;
    }

    /// <summary>The share of <paramref name="set"/> classified right by x: "a 2" when z &gt; 0.</summary>
    public static double Accuracy(Tensor<double> x, DigitSet set)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(set);
        var w = x.Span[..set.Pixels];
        double b = x.Span[set.Pixels];
        int right = 0;
        for (int i = 0; i < set.Count; i++)
        {
            var image = set.Image(i);
            double z = b;
            for (int p = 0; p < image.Length; p++) z += w[p] * (image[p] / 255.0);
            if ((z > 0) == (set.Labels[i] == PositiveDigit)) right++;
        }
        return right / (double)set.Count;
    }

    /// <summary>The baseline: Adam on mini-batches of the same objective, from zero.</summary>
    public Tensor<double> TrainWithAdam(int epochs, int batch, double learningRate, int seed)
    {
        var x = new Tensor<double>(new Shape(Parameters));
        var parameter = new Parameter<double>("x", x);
        var adam = new Adam<double>(learningRate);
        var tape = new Tape();
        var order = Enumerable.Range(0, Count).ToArray();
        var random = new Random(seed);
        var xb = new double[batch * Pixels];
        var db = new double[batch];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start + batch <= Count; start += batch)
            {
                for (int r = 0; r < batch; r++)
                {
                    images.Span.Slice(order[start + r] * Pixels, Pixels).CopyTo(xb.AsSpan(r * Pixels, Pixels));
                    db[r] = targets.Span[order[start + r]];
                }
                tape.Reset();
                var v = parameter.On(tape);
                var w = v.Slice(0, 0, Pixels);
                var z = tape.Constant<double>(xb, batch, Pixels).MatMul(w.Reshape(Pixels, 1)) + v.Slice(0, Pixels, 1);
                var loss = Losses.BinaryCrossEntropyFromLogits(z, tape.Constant<double>(db, batch, 1)) + w.Square().Sum() * (0.5 * Lambda);
                tape.Backward(loss);
                adam.Step([parameter]);
            }
        }
        return x;
    }
}
