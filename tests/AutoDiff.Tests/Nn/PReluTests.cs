using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Nn;

/// <summary>
/// The generated partials of an activation's extra parameters, and the <see cref="PRelu{T}"/> layer built
/// on them: values by hand, gradients against central differences, a shape error naming both shapes,
/// and training that recovers known slopes.
/// </summary>
public class PReluTests
{
    /// <summary>Learned swish y = x·σ(βx): ∂y/∂β = x²σ(βx)(1 − σ(βx)) by hand.</summary>
    [Fact]
    public void Partials_of_extra_parameters_match_their_formulas()
    {
        Assert.Equal(0.0, global::AutoDiff.Activations.PReluPartialSlope(2.0, 0.3));
        Assert.Equal(-2.0, global::AutoDiff.Activations.PReluPartialSlope(-2.0, 0.3));
        Assert.Equal(0.3, global::AutoDiff.Activations.PReluDerivative(-2.0, 0.3));
        Assert.Equal(0.0, global::AutoDiff.Activations.EluPartialAlpha(2.0, 1.5));
        Assert.Equal(Math.Exp(-1) - 1, global::AutoDiff.Activations.EluPartialAlpha(-1.0, 1.5), 15);
        Assert.Equal(Math.Exp(-1) - 1, global::AutoDiff.Activations.EluPartialAlpha(-1.0f, 1.5), 6);
        foreach (var (x, beta) in new[] { (0.7, 1.3), (-2.0, 0.5), (3.0, -0.8) })
        {
            double s = 1 / (1 + Math.Exp(-beta * x));
            Assert.Equal(x * x * s * (1 - s), LearnedActivations.SwishPartialBeta(x, beta), 14);
            double h = 1e-5;
            double central = (LearnedActivations.Swish(x, beta + h) - LearnedActivations.Swish(x, beta - h)) / (2 * h);
            Assert.Equal(central, LearnedActivations.SwishPartialBeta(x, beta), 8);
        }
    }

    [Theory]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 2, 3, 2, 2 })]
    public void Gradients_reach_input_and_slopes(int[] dims)
    {
        var random = new Random(7);
        var shape = new Shape(dims);
        // values away from the kink at 0, where central differences would straddle it
        var x = new Parameter<double>("x", new Tensor<double>(Enumerable.Range(0, shape.Length)
            .Select(_ => (random.Next(2) * 2 - 1) * (0.1 + random.NextDouble())).ToArray(), shape));
        var layer = new PRelu<double>(dims[1], initialSlope: 0.25);
        for (int c = 0; c < dims[1]; c++) layer.Slope.Value.Data[c] = 0.1 * c - 0.2;
        var weights = new Tensor<double>(Enumerable.Range(0, shape.Length).Select(i => Math.Sin(i + 1.0)).ToArray(), shape);

        var result = GradCheck.Check(tape => (layer.Forward(x.On(tape)) * tape.Constant(weights)).Sum(), [x, layer.Slope]);

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Slope_gradient_is_the_sum_over_the_channel_by_hand()
    {
        var tape = new Tape();
        var layer = new PRelu<double>(2, initialSlope: 0.5);
        // channel 0 gets −1 and 3, channel 1 gets −2 and −4
        var x = tape.Track(new Tensor<double>([-1, -2, 3, -4], new Shape(2, 2)));
        var y = layer.Forward(x);
        tape.Backward(y.Sum());
        Assert.Equal([-0.5, -1, 3, -2], y.Value.ToArray());
        Assert.Equal([-1.0, -6.0], layer.Slope.Grad.ToArray());   // ∂Σy/∂a[c] = Σ of the channel's negative x
        Assert.Equal([0.5, 0.5, 1, 0.5], x.Grad.ToArray());
    }

    [Fact]
    public void A_wrong_channel_count_names_both_shapes()
    {
        var tape = new Tape();
        var layer = new PRelu<double>(4);
        var e = Assert.Throws<ShapeMismatchException>(() => layer.Forward(tape.Track(Tensor.Zeros<double>(2, 5))));
        Assert.Contains("[2, 5]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    /// <summary>
    /// Fitting the slopes to a teacher PReLU with slopes a* by plain gradient descent on the mean squared
    /// error. For x &gt; 0 the outputs agree whatever a; for x &lt; 0 the error is (a − a*)x, so the loss
    /// is Σ_c (a_c − a*_c)² m_c with m_c = mean over all N·C elements of x² on channel c's negative inputs
    /// ≈ (1/C)(1/2)(1/3) for x uniform in (−1, 1). Each step multiplies a_c − a*_c by 1 − 2·lr·m_c ≈ 0.83
    /// (lr = 1, C = 2), so 100 steps leave 0.83¹⁰⁰ ≈ 1e-8 of the start: slopes within 1e-5 of a* and a
    /// loss below 1e-10 hold with a wide margin whatever the sample.
    /// </summary>
    [Fact]
    public void Training_moves_the_slopes_to_the_teachers_and_the_loss_falls()
    {
        const int n = 400, channels = 2;
        double[] target = [0.1, -0.3];
        var random = new Random(3);
        var input = new Tensor<double>(Enumerable.Range(0, n * channels).Select(_ => random.NextDouble() * 2 - 1).ToArray(), new Shape(n, channels));
        var wanted = new Tensor<double>(input.Data.Select((v, i) => v > 0 ? v : target[i % channels] * v).ToArray(), input.Shape);
        var layer = new PRelu<double>(channels);
        var optimizer = new Sgd<double>(learningRate: 1.0);
        var tape = new Tape();
        double first = 0, loss = 0;
        for (int step = 0; step < 100; step++)
        {
            tape.Reset();
            var error = layer.Forward(tape.Constant(input)) - tape.Constant(wanted);
            var l = (error * error).Mean();
            loss = l.Item;
            if (step == 0) first = loss;
            tape.Backward(l);
            optimizer.Step([layer.Slope]);
        }
        Assert.True(first > 1e-3, $"the untrained loss {first} should be far from 0");
        Assert.True(loss < 1e-10, $"loss {loss} after 100 steps");
        for (int c = 0; c < channels; c++) Assert.Equal(target[c], layer.Slope.Value.Data[c], 5);
    }
}

/// <summary>A swish with a learnable β: the generator writes its ∂/∂β (SwishPartialBeta).</summary>
public static partial class LearnedActivations
{
    /// <summary>y = x·σ(βx).</summary>
    [Differentiable]
    public static double Swish(double x, double beta) => x / (1 + Math.Exp(-beta * x));
}
