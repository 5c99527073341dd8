using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Nn;

/// <summary>Each optimiser's update against the rule computed by hand, on the loss L = ½‖w‖² (so ∂L/∂w = w).</summary>
public class OptimizerTests
{
    private static Parameter<double> Step(Optimizer<double> opt, double[] w, int steps)
    {
        var p = new Parameter<double>("w", Tensor.From<double>(w));
        var tape = new Tape();
        for (int s = 0; s < steps; s++)
        {
            tape.Reset();
            var v = p.On(tape);
            tape.Backward((v * v).Sum() * 0.5);
            opt.Step([p]);
        }
        return p;
    }

    [Fact]
    public void Finite_gradients_whose_sum_overflows_are_applied_not_refused()
    {
        // ∂L/∂w = c = 3e38 per element: finite, but Σ over the two overflows float to ∞, which the
        // optimisers' fast NaN/∞ check (Σg·0) must not take for a bad gradient.
        var p = new Parameter<float>("w", Tensor.From<float>([0f, 0f]));
        var tape = new Tape();
        var v = p.On(tape);
        tape.Backward((v * tape.Constant(Tensor.From<float>([3e38f, 3e38f]))).Sum());
        new Sgd<float>(0.5).Step([p]);
        Assert.Equal([-1.5e38f, -1.5e38f], p.Value.Data);
    }

    [Fact]
    public void Sgd_steps_against_the_gradient()
    {
        // w ← w − η·w = 0.9w
        Assert.Equal([0.9, -1.8], Step(new Sgd<double>(0.1), [1, -2], 1).Value.Data.Select(x => Math.Round(x, 15)));
    }

    [Fact]
    public void Momentum_accumulates_velocity()
    {
        // v₁ = g₁ = 1, w₁ = 1 − 0.1 = 0.9;  v₂ = 0.9·1 + 0.9 = 1.8, w₂ = 0.9 − 0.18 = 0.72
        Assert.Equal(0.72, Step(new Momentum<double>(0.1, 0.9), [1], 2).Value[0], 1e-15);
    }

    [Fact]
    public void Adam_first_step_moves_by_the_learning_rate()
    {
        // t = 1: m̂ = g, v̂ = g², so Δw = −η·g/(|g| + ε) ≈ −η·sign(g)
        var p = Step(new Adam<double>(0.01), [3, -0.5], 1);
        Assert.Equal(3 - 0.01, p.Value[0], 1e-9);
        Assert.Equal(-0.5 + 0.01, p.Value[1], 1e-9);
    }

    [Fact]
    public void Adam_second_step_matches_the_formula()
    {
        // g₁ = 1 → w₁ = 1 − 0.1·1/(1+ε) ≈ 0.9; g₂ = 0.9:
        // m = 0.9·0.1 + 0.1·0.9 = 0.18, m̂ = 0.18/0.19; v = 0.999·0.001 + 0.001·0.81 = 0.001809, v̂ = 0.001809/0.001999
        double m = 0.18 / (1 - 0.81), v = 0.001809 / (1 - 0.998001);
        double expected = 0.9 - 0.1 * m / (Math.Sqrt(v) + 1e-8);
        Assert.Equal(expected, Step(new Adam<double>(0.1), [1], 2).Value[0], 1e-7);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(100)]
    public void Adam_vector_path_equals_the_formula_element_by_element(int length)
    {
        // Three steps on L = Σ cᵢ·wᵢ²/2 (gradient cᵢ·wᵢ), against the update written out per element in double.
        var rng = new Random(length);
        double[] w0 = Enumerable.Range(0, length).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        double[] c = Enumerable.Range(0, length).Select(_ => rng.NextDouble() + 0.5).ToArray();
        var p = new Parameter<double>("w", Tensor.From<double>(w0));
        var adam = new Adam<double>(0.01);
        var tape = new Tape();
        double[] w = (double[])w0.Clone(), m = new double[length], v = new double[length];
        for (int t = 1; t <= 3; t++)
        {
            tape.Reset();
            var x = p.On(tape);
            tape.Backward((x * x * tape.Constant(Tensor.From<double>(c))).Sum() * 0.5);
            adam.Step([p]);
            for (int i = 0; i < length; i++)
            {
                double g = c[i] * w[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                w[i] -= 0.01 * (m[i] / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(0.999, t))) + 1e-8);
            }
        }
        for (int i = 0; i < length; i++) Assert.Equal(w[i], p.Value[i], 1e-12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_bad_learning_rate_is_refused(double rate)
    {
        Assert.Contains("learning rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<double>(rate)).Message);
    }

    [Fact]
    public void Schedules_follow_their_formulas()
    {
        Assert.Equal(0.1, LearningRateSchedule.Constant(0.1).At(50));
        Assert.Equal(0.025, new LearningRateSchedule.StepDecay(0.1, 0.5, 10).At(25), 1e-15);
        var cos = new LearningRateSchedule.Cosine(0.1, 0.0, 10);
        Assert.Equal(0.1, cos.At(0), 1e-15);
        Assert.Equal(0.05, cos.At(5), 1e-15);
        Assert.Equal(0.0, cos.At(10), 1e-15);
    }

    [Fact]
    public void Mini_batches_cover_every_sample_once_per_epoch_in_a_seeded_order()
    {
        var a = new MiniBatches(10, 4, seed: 3);
        var b = new MiniBatches(10, 4, seed: 3);
        a.Shuffle(); b.Shuffle();
        Assert.Equal(3, a.Count);
        var seen = Enumerable.Range(0, a.Count).SelectMany(i => a[i].ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 10), seen.Order());
        Assert.Equal(seen, Enumerable.Range(0, b.Count).SelectMany(i => b[i].ToArray()));
        Assert.Equal(2, a[2].Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => a[3].ToArray());
    }

    [Fact]
    public void Accuracy_and_confusion_matrix()
    {
        int[] labels = [0, 1, 2, 2], predictions = [0, 2, 2, 2];
        Assert.Equal(0.75, Metrics.Accuracy(predictions, labels));
        var m = Metrics.ConfusionMatrix(predictions, labels, 3);
        Assert.Equal(1, m[0, 0]);
        Assert.Equal(1, m[1, 2]);
        Assert.Equal(2, m[2, 2]);
        Assert.Contains("index 1", Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.ConfusionMatrix([0, 5], [0, 1], 3)).Message);
        var preds = new int[2];
        Metrics.ArgMax<double>([0.1, 0.7, 0.2, 0.9, 0.05, 0.05], 3, preds);
        Assert.Equal([1, 0], preds);
    }
}
