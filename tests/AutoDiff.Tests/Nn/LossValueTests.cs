using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Nn;

/// <summary>Each loss against values computed by hand (derivations in the comments).</summary>
public class LossValueTests
{
    private static Var<double> M(Tape t, double[,] v) => t.Track(Tensor.From(v));
    private static Var<double> C(Tape t, double[,] v) => t.Constant(Tensor.From(v));

    [Fact]
    public void L2_is_half_the_squared_distance_averaged_over_the_batch()
    {
        // y − d = [[0, 2], [3, 0]]: ½·4 = 2 and ½·9 = 4.5, mean 3.25; ∂/∂y = (y − d)/N = [[0, 1], [1.5, 0]]
        var t = new Tape();
        var y = M(t, new double[,] { { 1, 2 }, { 3, 4 } });
        var loss = Losses.L2(y, C(t, new double[,] { { 1, 0 }, { 0, 4 } }));
        t.Backward(loss);
        Assert.Equal(3.25, loss.Item, 1e-15);
        Assert.Equal([0, 1, 1.5, 0], y.Grad.ToArray());
    }

    [Fact]
    public void Mean_squared_error_averages_over_every_element_like_pytorch()
    {
        // y − d = [[0, 2], [3, 0]]: (0 + 4 + 9 + 0)/4 = 3.25 (L2 gives 3.25 too here only because k/2 = 1);
        // ∂/∂y = 2(y − d)/4 = [[0, 1], [1.5, 0]]. torch.nn.functional.mse_loss gives 3.25 for these tensors.
        var t = new Tape();
        var y = M(t, new double[,] { { 1, 2 }, { 3, 4 } });
        var loss = Losses.MeanSquaredError(y, C(t, new double[,] { { 1, 0 }, { 0, 4 } }));
        t.Backward(loss);
        Assert.Equal(3.25, loss.Item, 1e-15);
        Assert.Equal([0, 1, 1.5, 0], y.Grad.ToArray());

        // Three outputs per sample: L2 = ½·Σ/N = ½·(1 + 4 + 0 + 0 + 0 + 9)/2 = 3.5, MSE = 14/6 = 2.333…, so L2 = MSE·k/2.
        t.Reset();
        var y3 = M(t, new double[,] { { 1, 2, 0 }, { 0, 0, 3 } });
        var d3 = C(t, new double[,] { { 0, 0, 0 }, { 0, 0, 0 } });
        Assert.Equal(3.5, Losses.L2(y3, d3).Item, 1e-15);
        Assert.Equal(14.0 / 6, Losses.MeanSquaredError(y3, d3).Item, 1e-15);
    }

    [Fact]
    public void Binary_KL_on_probabilities()
    {
        // y = [0.8, 0.4], d = [1, 0]: (−ln 0.8 − ln 0.6)/2 = (0.2231435513 + 0.5108256238)/2 = 0.3669845876
        // ∂/∂y = (−d/y + (1−d)/(1−y))/N = [−1.25/2, 2.5/3/2] = [−0.625, 0.8333…]
        var t = new Tape();
        var y = t.Track(Tensor.From<double>([0.8, 0.4]));
        var loss = Losses.BinaryCrossEntropy(y, t.Constant(Tensor.From<double>([1, 0])));
        t.Backward(loss);
        Assert.Equal(0.36698458754, loss.Item, 1e-10);
        Assert.Equal(-0.625, y.Grad[0], 1e-12);
        Assert.Equal(5.0 / 6, y.Grad[1], 1e-12);
    }

    [Fact]
    public void Binary_KL_from_logits()
    {
        // z = [0, ln 4] → σ = [0.5, 0.8]; d = [1, 0]: (ln 2 + ln 5)/2 = ln 10 / 2 = 1.1512925465
        // ∂/∂z = (σ − d)/N = [−0.25, 0.4]
        var t = new Tape();
        var z = t.Track(Tensor.From<double>([0, Math.Log(4)]));
        var loss = Losses.BinaryCrossEntropyFromLogits(z, t.Constant(Tensor.From<double>([1, 0])));
        t.Backward(loss);
        Assert.Equal(Math.Log(10) / 2, loss.Item, 1e-14);
        Assert.Equal(-0.25, z.Grad[0], 1e-15);
        Assert.Equal(0.4, z.Grad[1], 1e-15);
    }

    [Theory]
    // z = +1e4, d = 1: loss 0, gradient 0;  z = −1e4, d = 1: loss 1e4, gradient (0 − 1)/1 = −1
    [InlineData(1e4, 1, 0, 0)]
    [InlineData(-1e4, 1, 1e4, -1)]
    [InlineData(1e4, 0, 1e4, 1)]
    [InlineData(-1e4, 0, 0, 0)]
    public void Binary_KL_from_logits_is_exact_at_extreme_logits(double logit, double target, double loss, double grad)
    {
        var t = new Tape();
        var z = t.Track(Tensor.From<double>([logit]));
        var l = Losses.BinaryCrossEntropyFromLogits(z, t.Constant(Tensor.From<double>([target])));
        t.Backward(l);
        Assert.Equal(loss, l.Item);
        Assert.Equal(grad, z.Grad[0]);
    }

    [Fact]
    public void Binary_KL_on_probabilities_stays_finite_at_0_and_1()
    {
        var t = new Tape();
        var y = t.Track(Tensor.From<double>([0, 1, 0, 1]));
        var l = Losses.BinaryCrossEntropy(y, t.Constant(Tensor.From<double>([0, 1, 1, 0])));
        t.Backward(l);
        Assert.True(double.IsFinite(l.Item));
        Assert.All(y.Grad.ToArray(), g => Assert.True(double.IsFinite(g)));
        // d = 0, y = 0: ∂/∂y of −ln(1 − y) is 1/(1 − y) = 1, over N = 4; the clamped ln y contributes nothing
        Assert.Equal(0.25, y.Grad[0]);
    }

    [Fact]
    public void Multiclass_KL_from_logits_with_labels_and_one_hot_targets_agree()
    {
        // softmax([0, ln 3]) = [¼, ¾]: label 1 → −ln ¾ = 0.2876820725, label 0 → −ln ¼ = 1.3862943611; mean 0.8369882168
        // ∂/∂z = (softmax − onehot)/N = [[¼, −¼], [−¾, ¾]]/2
        var logits = new double[,] { { 0, Math.Log(3) }, { 0, Math.Log(3) } };
        var t = new Tape();
        var z = M(t, logits);
        var l = Losses.CrossEntropyFromLogits(z, [1, 0]);
        t.Backward(l);
        Assert.Equal((-Math.Log(0.75) - Math.Log(0.25)) / 2, l.Item, 1e-15);
        Assert.Equal([0.125, -0.125, -0.375, 0.375], z.Grad.ToArray().Select(g => Math.Round(g, 14)));

        var t2 = new Tape();
        var z2 = M(t2, logits);
        var l2 = Losses.CrossEntropyFromLogits(z2, C(t2, new double[,] { { 0, 1 }, { 1, 0 } }));
        Assert.Equal(l.Item, l2.Item, 1e-15);
    }

    [Fact]
    public void Multiclass_KL_on_softmax_probabilities()
    {
        // y = [¼, ¾], label 1: −ln ¾; ∂/∂y_c = −1/y_c = −4/3, other 0
        var t = new Tape();
        var y = M(t, new double[,] { { 0.25, 0.75 } });
        var l = Losses.CrossEntropy(y, [1]);
        t.Backward(l);
        Assert.Equal(-Math.Log(0.75), l.Item, 1e-15);
        Assert.Equal(0, y.Grad[0]);
        Assert.Equal(-4.0 / 3, y.Grad[1], 1e-12);
    }

    [Fact]
    public void General_KL_with_soft_targets_and_zero_entries()
    {
        // Σ d ln(d/y): y = [½, ½], d = [¼, ¾]: ¼ ln ½ + ¾ ln 1.5 = 0.1308120285; d = [0, 1]: 0·ln 0 + ln 2 = ln 2; y = d: 0
        var t = new Tape();
        Assert.Equal(0.25 * Math.Log(0.5) + 0.75 * Math.Log(1.5), Losses.KL(M(t, new double[,] { { 0.5, 0.5 } }), C(t, new double[,] { { 0.25, 0.75 } })).Item, 1e-14);
        Assert.Equal(Math.Log(2), Losses.KL(M(t, new double[,] { { 0.5, 0.5 } }), C(t, new double[,] { { 0, 1 } })).Item, 1e-14);
        Assert.Equal(0, Losses.KL(M(t, new double[,] { { 0.3, 0.7 } }), C(t, new double[,] { { 0.3, 0.7 } })).Item, 1e-15);
        Assert.Equal(Math.Log(2), Losses.KLFromLogits(M(t, new double[,] { { 1, 1 } }), C(t, new double[,] { { 0, 1 } })).Item, 1e-14);
    }

    [Fact]
    public void A_bad_label_is_refused_naming_its_index()
    {
        var t = new Tape();
        var z = M(t, new double[,] { { 0, 1, 2 }, { 0, 1, 2 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropyFromLogits(z, [2, 3]));
        Assert.Contains("label 3 at index 1", e.Message);
        Assert.Contains("0..2", e.Message);
        Assert.Contains("1 labels for a batch of 2 rows", Assert.Throws<ArgumentException>(() => Losses.CrossEntropyFromLogits(z, [0])).Message);
    }

    [Fact]
    public void Target_shapes_and_values_are_checked()
    {
        var t = new Tape();
        var y = M(t, new double[,] { { 0.5, 0.5 } });
        var e = Assert.Throws<ShapeMismatchException>(() => Losses.L2(y, t.Constant(Tensor.Zeros<double>(2, 1))));
        Assert.Contains("[1, 2]", e.Message);
        Assert.Contains("[2, 1]", e.Message);
        Assert.Contains("1.5", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BinaryCrossEntropy(y, C(t, new double[,] { { 0, 1.5 } }))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(y, C(t, new double[,] { { double.NaN, 1 } })));
    }
}
