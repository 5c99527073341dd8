using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Nn;

/// <summary>Whole networks: gradients against finite differences, shapes, inference and the graph export.</summary>
public class MlpTests
{
    [Fact]
    public void Linear_mlp_gradient_passes_gradcheck_for_every_loss()
    {
        var mlp = new Mlp<double>([4, 5, 3], [null, null], seed: 11);
        var x = Tensor.Uniform<double>(new Random(1), -1, 1, 6, 4);
        int[] labels = [0, 2, 1, 1, 0, 2];
        var d = Tensor.Uniform<double>(new Random(2), 0, 1, 6, 3);
        foreach (var loss in new Func<Var<double>, Tape, Var<double>>[]
        {
            (y, t) => Losses.CrossEntropyFromLogits(y, labels),
            (y, t) => Losses.L2(y, t.Constant(d)),
            (y, t) => Losses.BinaryCrossEntropyFromLogits(y, t.Constant(d)),
        })
        {
            var r = GradCheck.Check(t => loss(mlp.Forward(t.Constant(x)), t), mlp.Parameters);
            Assert.True(r.Passed, r.ToString());
        }
    }

    [Fact]
    public void Predict_equals_the_recorded_forward_pass()
    {
        var mlp = new Mlp<float>([3, 4, 2], [null, null], seed: 5);
        var x = Tensor.Uniform<float>(new Random(3), -1, 1, 2, 3);
        var tape = new Tape();
        var recorded = mlp.Forward(tape.Constant(x)).Value.ToArray();
        var predicted = new float[4];
        mlp.Predict(x.Span, 2, predicted);
        Assert.Equal(recorded, predicted);
    }

    [Fact]
    public void Inputs_of_the_wrong_width_name_both_shapes()
    {
        var mlp = new Mlp<float>([3, 4, 2], [null, null], seed: 5);
        var tape = new Tape();
        var e = Assert.Throws<ShapeMismatchException>(() => mlp.Forward(tape.Constant(Tensor.Zeros<float>(2, 5))));
        Assert.Contains("[2, 5]", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Throws<ArgumentException>(() => new Mlp<float>([3], [], 1));
        Assert.Contains("2 activations", Assert.Throws<ArgumentException>(() => new Mlp<float>([3, 4, 2], [null], 1)).Message);
    }

    [Fact]
    public void Seeded_initialisation_is_reproducible()
    {
        var a = new Mlp<double>([5, 7, 2], [null, null], seed: 3);
        var b = new Mlp<double>([5, 7, 2], [null, null], seed: 3);
        Assert.Equal(a.Parameters.SelectMany(p => p.Value.Data), b.Parameters.SelectMany(p => p.Value.Data));
        double bound = Math.Sqrt(6.0 / (5 + 7)); // Xavier/Glorot uniform for a linear layer
        Assert.All(a.Layers[0].Weight.Value.Data, w => Assert.InRange(Math.Abs(w), 0, bound));
    }

    [Theory]
    [InlineData("relu", WeightInit.He)]
    [InlineData("leakyrelu", WeightInit.He)]
    [InlineData("elu", WeightInit.He)]
    [InlineData("sigmoid", WeightInit.Xavier)]
    [InlineData("tanh", WeightInit.Xavier)]
    [InlineData("softplus", WeightInit.Xavier)]
    public void Each_activation_chooses_its_weight_initialisation(string name, WeightInit expected)
    {
        var activation = AutoDiff.Activations.ByName<double>(name);
        Assert.Equal(expected, activation.WeightInit);
        // He draws from N(0, 2/in): with 4,000 weights some exceed Xavier's bound √(6/(in+out)) = 0.11 by far.
        var layer = new Dense<double>(400, 10, activation, new Random(1));
        double largest = layer.Weight.Value.Data.Max(Math.Abs), xavierBound = Math.Sqrt(6.0 / 410);
        if (expected == WeightInit.He) Assert.True(largest > 2 * xavierBound, $"largest |w| {largest}");
        else Assert.True(largest <= xavierBound, $"largest |w| {largest}");
    }

    [Fact]
    public void Dot_export_names_every_operation_with_shapes_and_gradients()
    {
        var tape = new Tape();
        var w = tape.Track(Tensor.From<double>([2, -1], 2, 1));
        var x = tape.Constant(Tensor.From<double>([1, 3], 1, 2));
        var loss = (x.MatMul(w).Exp()).Sum();
        tape.Backward(loss);
        string dot = GraphViz.ToDot(loss);
        Assert.StartsWith("digraph", dot);
        Assert.Contains("matmul", dot);
        Assert.Contains("exp", dot);
        Assert.Contains("parameter", dot);
        Assert.Contains(@"[2, 1]", dot);
        Assert.Contains("grad", dot);          // x·w = −1: the loss e⁻¹ and its gradient show up on the scalar nodes
        Assert.Contains("value 0.3679", dot);
        Assert.Equal(dot.Count(c => c == '{'), dot.Count(c => c == '}'));
    }
}
