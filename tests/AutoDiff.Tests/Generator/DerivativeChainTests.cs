using System.Numerics;
using Xunit;
using Act = AutoDiff.Activations;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// The derivative chain of generated function objects: <c>Derivative</c> is f′, its <c>Derivative</c>
/// f″, then f‴, whose <c>Derivative</c> is null and whose backward rule refuses with the order and the
/// name. Values against the lecture's closed forms (σ′ = σ(1−σ), tanh′ = 1 − tanh², softplus′ = σ and
/// their derivatives, written out here) and against central differences of the previous order.
/// </summary>
public class DerivativeChainTests
{
    private static double S(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>(activation, order) → closed form of f⁽ᵏ⁾, order 0 to 3.</summary>
    private static readonly Dictionary<string, Func<double, double>[]> ClosedForms = new()
    {
        ["sigmoid"] =
        [
            S,
            z => S(z) * (1 - S(z)),
            z => S(z) * (1 - S(z)) * (1 - 2 * S(z)),
            z => S(z) * (1 - S(z)) * (1 - 6 * S(z) + 6 * S(z) * S(z)),
        ],
        ["tanh"] =
        [
            Math.Tanh,
            z => 1 - Math.Tanh(z) * Math.Tanh(z),
            z => -2 * Math.Tanh(z) * (1 - Math.Tanh(z) * Math.Tanh(z)),
            z => (1 - Math.Tanh(z) * Math.Tanh(z)) * (6 * Math.Tanh(z) * Math.Tanh(z) - 2),
        ],
        ["softplus"] =
        [
            z => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))),
            S,
            z => S(z) * (1 - S(z)),
            z => S(z) * (1 - S(z)) * (1 - 2 * S(z)),
        ],
    };

    private static ElementwiseFunction<T> Function<T>(string name) where T : IFloatingPointIeee754<T> => name switch
    {
        "sigmoid" => Act.SigmoidFunction<T>(),
        "tanh" => Act.TanhFunction<T>(),
        _ => Act.SoftplusFunction<T>(),
    };

    private static ElementwiseFunction<T>[] Chain<T>(ElementwiseFunction<T> f) where T : IFloatingPointIeee754<T>
    {
        var chain = new ElementwiseFunction<T>[4];
        chain[0] = f;
        for (int k = 1; k < 4; k++) chain[k] = chain[k - 1].Derivative ?? throw new InvalidOperationException($"{chain[k - 1].Name}.Derivative is null");
        return chain;
    }

    private static readonly double[] Points = [-30, -8, -3.5, -1, -0.25, 0, 0.1, 0.5, 1.7, 4, 9, 30];

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    public void ForwardOfEachOrderIsTheClosedForm(string name)
    {
        var chain = Chain(Function<double>(name));
        for (int k = 0; k < 4; k++)
        {
            var y = new double[Points.Length];
            chain[k].Forward(Points, y);
            for (int i = 0; i < Points.Length; i++)
            {
                double expected = ClosedForms[name][k](Points[i]);
                Assert.True(Math.Abs(y[i] - expected) <= 1e-13 * Math.Max(1, Math.Abs(expected)),
                    $"{chain[k].Name}({Points[i]}) = {y[i]:R}, closed form {expected:R}");
            }
        }
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    public void FloatChainAgreesWithTheClosedForm(string name)
    {
        var chain = Chain(Function<float>(name));
        var x = Points.Select(p => (float)p).ToArray();
        for (int k = 0; k < 4; k++)
        {
            var y = new float[x.Length];
            chain[k].Forward(x, y);
            for (int i = 0; i < x.Length; i++)
                Assert.True(Math.Abs(y[i] - ClosedForms[name][k](x[i])) <= 2e-6 * Math.Max(1, Math.Abs(ClosedForms[name][k](x[i]))),
                    $"float {chain[k].Name}({x[i]}) = {y[i]}, closed form {ClosedForms[name][k](x[i])}");
        }
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    public void BackwardOfEachOrderAccumulatesTheNextOrder(string name)
    {
        var chain = Chain(Function<double>(name));
        var rng = new Random(3);
        for (int k = 0; k < 3; k++)
        {
            var y = new double[Points.Length];
            chain[k].Forward(Points, y);
            var dy = Points.Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            var before = Points.Select(_ => rng.NextDouble()).ToArray();
            var dx = (double[])before.Clone();
            chain[k].Backward(Points, y, dy, dx);
            for (int i = 0; i < Points.Length; i++)
            {
                double expected = before[i] + dy[i] * ClosedForms[name][k + 1](Points[i]);
                Assert.True(Math.Abs(dx[i] - expected) <= 1e-13 * Math.Max(1, Math.Abs(expected)),
                    $"{chain[k].Name}.Backward at {Points[i]}: {dx[i]:R}, expected {expected:R}");
            }
        }
    }

    [Fact]
    public void ScalarThirdDerivativesAreTheClosedForms()
    {
        foreach (double z in Points)
        {
            Assert.Equal(ClosedForms["sigmoid"][3](z), Act.SigmoidThirdDerivative(z), 13);
            Assert.Equal(ClosedForms["tanh"][3](z), Act.TanhThirdDerivative(z), 13);
            Assert.Equal(ClosedForms["softplus"][3](z), Act.SoftplusThirdDerivative(z), 13);
        }
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("elu(0.5)")]
    public void TheChainEndsAtTheThirdDerivative(string name)
    {
        var chain = Chain(name == "elu(0.5)" ? Act.EluFunction<double>(0.5) : Function<double>(name));
        Assert.Null(chain[3].Derivative);
        double[] x = [0.5], y = [0.0], dy = [1.0], dx = [0.0];
        chain[3].Forward(x, y);
        var e = Assert.Throws<NotSupportedException>(() => chain[3].Backward(x, y, dy, dx));
        Assert.Contains("fourth derivative", e.Message);
        Assert.Contains(name == "elu(0.5)" ? "Elu" : chain[0].Name, e.Message);
    }

    /// <summary>Activations whose chain is checked against central differences, with their kinks.</summary>
    public static TheoryData<string> Differenced() => new(Differences.Keys);

    private static readonly Dictionary<string, (ElementwiseFunction<double> F, double[] Kinks)> Differences = new()
    {
        ["sigmoid"] = (Act.SigmoidFunction<double>(), []),
        ["tanh"] = (Act.TanhFunction<double>(), []),
        ["softplus"] = (Act.SoftplusFunction<double>(), []),
        ["relu"] = (Act.ReluFunction<double>(), [0]),
        ["leakyrelu(0.2)"] = (Act.LeakyReluFunction<double>(0.2), [0]),
        ["elu(0.5)"] = (Act.EluFunction<double>(0.5), [0]),
        ["swish"] = (AutoDiff.Tests.Activations.CustomActivations.SwishFunction(), []),
        ["mish (calls Softplus)"] = (AutoDiff.Tests.Activations.CustomActivations.MishFunction(), []),
        ["gelu"] = (AutoDiff.Tests.Activations.CustomActivations.GeluFunction<double>(), []),
        ["scaledsquare(3)"] = (AutoDiff.Tests.Activations.CustomActivations.ScaledSquareFunction<double>(3.0), []),
        ["swoosh(β = 1.5)"] = (ChainActivations.SwooshFunction<double>(1.5), []),
        ["calls"] = (ChainActivations.CallsFunction(), [0]),
    };

    [Theory]
    [MemberData(nameof(Differenced))]
    public void EachOrderIsTheCentralDifferenceOfThePrevious(string name)
    {
        var (f, kinks) = Differences[name];
        var chain = Chain(f);
        var rng = new Random(name.Length);
        var x = Enumerable.Range(0, 40).Select(_ => rng.NextDouble() * 8 - 4).Where(p => kinks.All(k => Math.Abs(p - k) > 1e-2)).ToArray();
        const double h = 1e-5;
        var plus = x.Select(p => p + h).ToArray();
        var minus = x.Select(p => p - h).ToArray();
        for (int k = 1; k < 4; k++)
        {
            double[] yk = new double[x.Length], yp = new double[x.Length], ym = new double[x.Length];
            chain[k].Forward(x, yk);
            chain[k - 1].Forward(plus, yp);
            chain[k - 1].Forward(minus, ym);
            for (int i = 0; i < x.Length; i++)
            {
                double fd = (yp[i] - ym[i]) / (2 * h);
                Assert.True(Math.Abs(yk[i] - fd) <= 1e-5 * Math.Max(1, Math.Abs(fd)),
                    $"{chain[k].Name}({x[i]:R}) = {yk[i]:R}, central difference of {chain[k - 1].Name} {fd:R}");
            }
        }
    }

    [Fact]
    public void ConstantsAreCarriedAlongTheChain()
    {
        var leaky = Chain(Act.LeakyReluFunction<double>(0.2));
        double[] x = [-2.0], y = [0.0];
        leaky[1].Forward(x, y);
        Assert.Equal(0.2, y[0]);
        Assert.Contains("slope: 0.2", leaky[1].Name);
        var elu = Chain(Act.EluFunction<double>(0.5));
        elu[2].Forward(x, y);
        Assert.Equal(0.5 * Math.Exp(-2), y[0], 15);
        Assert.Same(Act.SigmoidFunction<double>().Derivative, Act.SigmoidFunction<double>().Derivative); // shared, not allocated per access
    }

    [Fact]
    public void ScalarExtensionCarriesTheFunctionObject()
    {
        // the generated x.Sigmoid() on the scalar tape records the same value and slope as before
        var tape = new Tape();
        var z = tape.Variable(0.3);
        var y = z.Sigmoid();
        tape.Backward(y);
        Assert.Equal(S(0.3), y.Value, 15);
        Assert.Equal(S(0.3) * (1 - S(0.3)), z.Grad, 15);
    }
}
