using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>The convolutional layers and the normalisation and dropout layers: values by hand or from a reference, gradients by GradCheck, both modes.</summary>
public class LayerTests
{
    private static readonly ElementwiseFunction<double> Tanh = AutoDiff.Activations.TanhFunction<double>();

    [Fact]
    public void Conv2d_layer_is_the_convolution_plus_a_bias_per_channel_then_the_activation()
    {
        var rng = new Random(2);
        var layer = new Conv2d<double>(2, 3, 3, rng, stride: 2, padding: 1, activation: Tanh);
        layer.Bias!.Value.Span.CopyTo(new double[3]);
        var bias = new[] { 0.5, -1.0, 2.0 };
        bias.CopyTo(layer.Bias.Value.Span);
        var x = Tensor.Uniform<double>(rng, -1, 1, 2, 2, 5, 6);
        var c = new ConvCase(2, 2, 5, 6, 3, 3, 3, 2, 1, 1, 1);
        var conv = c.Forward(x.Data, layer.Weight.Value.Data);
        var tape = new Tape();
        var y = layer.Forward(tape.Constant(x));
        Assert.Equal(new Shape(2, 3, 3, 3), y.Shape);
        for (int i = 0; i < conv.Length; i++)
            Assert.Equal(Math.Tanh(conv[i] + bias[i / 9 % 3]), y.Value[i], 12);
        Assert.Equal([layer.Weight, layer.Bias], layer.Parameters);
        var check = GradCheck.Check(t => layer.Forward(t.Constant(x)).Square().Sum(), layer.Parameters);
        Assert.True(check.Passed, check.ToString());
    }

    [Fact]
    public void Conv2d_layer_initialises_by_its_activation_and_seed()
    {
        var he = new Conv2d<double>(4, 8, 3, new Random(1), activation: AutoDiff.Activations.ReluFunction<double>());
        var xavier = new Conv2d<double>(4, 8, 3, new Random(1), activation: Tanh);
        double Std(Conv2d<double> l) => Math.Sqrt(l.Weight.Value.Data.Select(v => v * v).Average());
        Assert.InRange(Std(he), 0.8 * Math.Sqrt(2.0 / 36), 1.2 * Math.Sqrt(2.0 / 36));                 // σ = √(2/fan_in)
        Assert.InRange(xavier.Weight.Value.Data.Max(Math.Abs), 0, Math.Sqrt(6.0 / (36 + 72)));        // ±√(6/(fan_in + fan_out))
        Assert.Equal(he.Weight.Value.Data, new Conv2d<double>(4, 8, 3, new Random(1), activation: AutoDiff.Activations.ReluFunction<double>()).Weight.Value.Data);
        Assert.All(he.Bias!.Value.Data, b => Assert.Equal(0, b));
        Assert.Null(new Conv2d<double>(4, 8, 3, new Random(1), bias: false).Bias);
    }

    [Fact]
    public void Dropout_in_training_keeps_with_probability_1_minus_p_scales_by_its_inverse_and_is_seeded()
    {
        const double p = 0.3;
        var x = Tensor.Uniform<double>(new Random(3), 1, 2, 100, 1000);
        double[] Run(int seed, out double[] grad)
        {
            var dropout = new Dropout<double>(p, seed);
            var tape = new Tape();
            var xv = tape.Track(x);
            var y = dropout.Forward(xv);
            tape.Backward(y.Sum());
            grad = xv.Grad.ToArray();
            return y.Value.ToArray();
        }
        var y1 = Run(7, out var g1);
        var y2 = Run(7, out _);
        var y3 = Run(8, out _);
        Assert.Equal(y1, y2);                                   // same seed, same mask
        Assert.NotEqual(y1, y3);
        int dropped = 0;
        for (int i = 0; i < y1.Length; i++)
        {
            if (y1[i] == 0) { dropped++; Assert.Equal(0, g1[i]); continue; }
            Assert.Equal(x.Data[i] / (1 - p), y1[i], 1e-12);        // kept elements scaled by 1/(1 − p)
            Assert.Equal(1 / (1 - p), g1[i], 1e-12);                // and the gradient flows through them alone
        }
        Assert.InRange(dropped / (double)y1.Length, p - 0.01, p + 0.01); // 100,000 draws: σ ≈ 0.0014
    }

    [Fact]
    public void Dropout_in_evaluation_and_with_p_0_is_the_identity()
    {
        var tape = new Tape();
        var x = tape.Constant(Tensor.Uniform<double>(new Random(1), -1, 1, 4, 5));
        var dropout = new Dropout<double>(0.5, 1) { Training = false };
        var y = dropout.Forward(x);
        Assert.Equal(x.Value.ToArray(), y.Value.ToArray());
        Assert.Equal(x.Value.ToArray(), new Dropout<double>(0, 1).Forward(x).Value.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout<double>(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout<double>(-0.1, 1));
    }

    // x [2, 2, 1, 2]: channel 0 holds 1, 2 (sample 0) and 3, 6 (sample 1); channel 1 holds 0, 0 and 4, 4.
    private static readonly double[] BatchInput = [1, 2, 0, 0, 3, 6, 4, 4];

    [Fact]
    public void BatchNorm2d_in_training_normalises_with_the_batch_statistics_and_updates_the_running_ones()
    {
        var bn = new BatchNorm2d<double>(2);
        bn.Gamma.Value.Span[1] = 2;
        bn.Beta.Value.Span[1] = 0.5;
        var tape = new Tape();
        var y = bn.Forward(tape.Constant(Tensor.From<double>(BatchInput, 2, 2, 1, 2))).Value;
        // Channel 0: μ = (1 + 2 + 3 + 6)/4 = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5, y = (x − 3)/√3.50001.
        // Channel 1: μ = 2, σ² = (4 + 4 + 4 + 4)/4 = 4, y = 2·(x − 2)/√4.00001 + 0.5.
        double s0 = 1 / Math.Sqrt(3.50001), s1 = 2 / Math.Sqrt(4.00001);
        double[] expected = [-2 * s0, -1 * s0, -2 * s1 + 0.5, -2 * s1 + 0.5, 0, 3 * s0, 2 * s1 + 0.5, 2 * s1 + 0.5];
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], y[i], 12);
        Assert.Equal(-1.0690434404458735, y[0], 12);
        // Running: μ ← 0.9·0 + 0.1·μ; σ² ← 0.9·1 + 0.1·σ²·4/3 (the unbiased variance of 4 values).
        Assert.Equal(0.3, bn.RunningMean.Span[0], 12);
        Assert.Equal(0.2, bn.RunningMean.Span[1], 12);
        Assert.Equal(0.9 + 0.1 * 3.5 * 4 / 3, bn.RunningVariance.Span[0], 12);
        Assert.Equal(0.9 + 0.1 * 4.0 * 4 / 3, bn.RunningVariance.Span[1], 12);
    }

    [Fact]
    public void BatchNorm2d_in_evaluation_uses_the_running_statistics_as_constants()
    {
        var bn = new BatchNorm2d<double>(Tensor.From<double>([1, 2]), Tensor.From<double>([0, 0.5]), Tensor.From<double>([0.3, 0.2]),
            Tensor.From<double>([1.3666666666666667, 1.4333333333333333])) { Training = false };
        var tape = new Tape();
        var x = tape.Track(Tensor.From<double>(BatchInput, 2, 2, 1, 2));
        var y = bn.Forward(x);
        // y = γ·(x − μ_run)/√(σ²_run + ε) + β: (1 − 0.3)/√1.36667667 = 0.598777…, 2·(0 − 0.2)/√1.43334333 + 0.5 = 0.165893…
        double[] expected = [0.598777055294055, 1.4541728485712766, 0.1658935376518038, 0.1658935376518038,
            2.3095686418484984, 4.8757560216801625, 6.848022784615726, 6.848022784615726];
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], y.Value[i], 12);
        tape.Backward(y.Sum());
        Assert.Equal(1 / Math.Sqrt(1.3666666666666667 + 1e-5), x.Grad[0], 12); // a constant affine map: ∂y/∂x = γ/√(σ²_run + ε)
        Assert.Equal(0.3, bn.RunningMean.Span[0]);                              // untouched in evaluation
    }

    [Fact]
    public void BatchNorm2d_and_LayerNorm_gradients_pass_gradcheck()
    {
        var rng = new Random(9);
        var x = Tensor.Uniform<double>(rng, -2, 2, 3, 2, 2, 3);
        var bn = new BatchNorm2d<double>(2);
        Tensor.Uniform<double>(rng, 0.5, 1.5, 2).Span.CopyTo(bn.Gamma.Value.Span);
        var weights = Tensor.Uniform<double>(rng, -1, 1, 3, 2, 2, 3);
        foreach (bool training in new[] { true, false })
        {
            bn.Training = training;
            var check = GradCheck.Check((t, v) => bn.Forward(v[0]) * v[1], [x, weights]);
            Assert.True(check.Passed, $"batch norm (training {training}) input: {check}");
            var parameters = GradCheck.Check(t => (bn.Forward(t.Constant(x)) * t.Constant(weights)).Sum(), bn.Parameters);
            Assert.True(parameters.Passed, $"batch norm (training {training}) γ, β: {parameters}");
        }
        var ln = new LayerNorm<double>([2, 3]);
        Tensor.Uniform<double>(rng, 0.5, 1.5, 2, 3).Span.CopyTo(ln.Gamma.Value.Span);
        var lnCheck = GradCheck.Check((t, v) => ln.Forward(v[0]) * v[1], [x, weights]);
        Assert.True(lnCheck.Passed, $"layer norm input: {lnCheck}");
        Assert.True(GradCheck.Check(t => (ln.Forward(t.Constant(x)) * t.Constant(weights)).Sum(), ln.Parameters).Passed);
    }

    [Fact]
    public void LayerNorm_normalises_each_sample_over_its_trailing_dimensions()
    {
        var ln = new LayerNorm<double>([2]);
        ln.Gamma.Value.Span[1] = 3;
        ln.Beta.Value.Span[0] = 1;
        var tape = new Tape();
        var y = ln.Forward(tape.Constant(Tensor.From<double>([1, 3, 10, 4], 2, 2))).Value;
        // Row [1, 3]: μ = 2, σ² = 1, y = (∓1)/√1.00001·γ + β; row [10, 4]: μ = 7, σ² = 9, y = (±3)/√9.00001·γ + β.
        Assert.Equal(-1 / Math.Sqrt(1.00001) + 1, y[0], 12);
        Assert.Equal(3 / Math.Sqrt(1.00001), y[1], 12);
        Assert.Equal(3 / Math.Sqrt(9.00001) + 1, y[2], 12);
        Assert.Equal(-9 / Math.Sqrt(9.00001), y[3], 12);
        Assert.Throws<ShapeMismatchException>(() => ln.Forward(tape.Constant(Tensor.Zeros<double>(2, 3))));
    }

    [Fact]
    public void Sequential_chains_its_layers_switches_their_mode_and_predicts_in_evaluation()
    {
        var rng = new Random(5);
        var model = new Sequential<double>(
            new Conv2d<double>(1, 2, 3, rng, padding: 1, activation: Tanh),
            new BatchNorm2d<double>(2),
            new MaxPool2d<double>(2),
            new Flatten<double>(),
            new Dropout<double>(0.5, 3),
            new Dense<double>(8, 3, null, rng));
        Assert.Equal(6, model.Parameters.Count);
        Assert.True(model.Training);
        var x = Tensor.Uniform<double>(rng, -1, 1, 4, 1, 4, 4);
        var tape = new Tape();
        var y = model.Forward(tape.Constant(x));
        Assert.Equal(new Shape(4, 3), y.Shape);

        model.Training = false;
        Assert.False(((Dropout<double>)model.Layers[4]).Training);
        Assert.False(((BatchNorm2d<double>)model.Layers[1]).Training);
        tape.Reset();
        var evaluated = model.Forward(tape.Constant(x)).Value.ToArray();
        var manual = tape.Constant(x);
        foreach (var layer in model.Layers) manual = layer.Forward(manual);
        Assert.Equal(evaluated, manual.Value.ToArray());

        model.Training = true;
        var predicted = new double[12];
        model.Predict(x.Span, [4, 1, 4, 4], predicted);
        Assert.Equal(evaluated, predicted);
        Assert.Equal(evaluated, model.Predict(x).Data);
        Assert.True(model.Training);                             // restored
        Assert.Throws<ArgumentException>(() => model.Predict(x.Span, [4, 1, 4, 4], new double[11]));
        Assert.Throws<ArgumentException>(() => model.Predict(x.Span, [4, 1, 4, 3], predicted));
        // The gradient in training mode (batch statistics), with the dropout mask held fixed (evaluation).
        ((Dropout<double>)model.Layers[4]).Training = false;
        var check = GradCheck.Check(t => Losses.CrossEntropyFromLogits(model.Forward(t.Constant(x)), [0, 1, 2, 1]), model.Parameters);
        Assert.True(check.Passed, check.ToString());
    }
}
