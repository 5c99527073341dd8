using AutoDiff.Nn;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>
/// A physics-informed network: an MLP u(x) on [0, 1] trained so that u″(x) = −π² sin(πx) with
/// u(0) = u(1) = 0, whose solution is sin(πx). The loss is built from ∂²u/∂x², recorded on the tape by
/// differentiating the network twice with respect to its input, and trained by its gradient with respect
/// to the weights (which goes through tanh‴).
/// </summary>
public class PhysicsInformedTests(ITestOutputHelper output)
{
    [Fact]
    public void Network_trained_on_its_second_derivative_solves_the_Poisson_equation()
    {
        const int n = 32;
        var xs = Tensor.From(Enumerable.Range(0, n).Select(i => (i + 0.5) / n).ToArray(), n, 1);
        var forcing = Tensor.From(xs.Data.Select(x => -Math.PI * Math.PI * Math.Sin(Math.PI * x)).ToArray(), n, 1);
        var boundary = Tensor.From<double>([0, 1], 2, 1);
        var tanh = AutoDiff.Activations.TanhFunction<double>();
        var u = new Mlp<double>([1, 16, 16, 1], [tanh, tanh, null], seed: 3);
        var adam = new Adam<double>(0.01);
        var tape = new Tape();
        double loss = 0;
        int step;
        for (step = 0; step < 1000; step++)
        {
            tape.Reset();
            adam.LearningRate = step < 600 ? 0.01 : 0.003;
            var x = tape.Track(xs);
            var ux = u.Forward(x);
            var du = tape.Differentiate(ux.Sum(), x)[0];   // uᵢ depends on xᵢ only, so ∂Σu/∂xᵢ = u′(xᵢ)
            var d2u = tape.Differentiate(du.Sum(), x)[0];  // u″(xᵢ)
            var residual = d2u - tape.Constant(forcing);
            var ends = u.Forward(tape.Constant(boundary));
            var l = residual.Square().Mean() + ends.Square().Mean() * 100.0;
            tape.Backward(l);
            adam.Step(u.Parameters);
            loss = l.Item;
        }
        var grid = Tensor.From(Enumerable.Range(0, 201).Select(i => i / 200.0).ToArray(), 201, 1);
        var prediction = u.Predict(grid);
        double maxError = grid.Data.Zip(prediction.Data, (x, p) => Math.Abs(p - Math.Sin(Math.PI * x))).Max();
        output.WriteLine($"after {step} steps: loss {loss:G4}, max |u − sin πx| on 201 points = {maxError:G4}");
        Assert.True(maxError < 1e-2, $"max |u − sin πx| = {maxError} (loss {loss})");
    }
}
