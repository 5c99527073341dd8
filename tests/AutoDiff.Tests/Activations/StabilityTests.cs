using Xunit;
using Act = AutoDiff.Activations;

namespace AutoDiff.Tests.Activations;

/// <summary>Values from outside the code under test, and large inputs that overflow naive forms.</summary>
public class StabilityTests
{
    public static TheoryData<string> Names() => new(ActivationCases.BuiltIn.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void No_overflow_or_NaN_for_large_inputs(string name)
    {
        var row = ActivationCases.BuiltIn.Single(c => c.Name == name);
        foreach (double z in new[] { 1e4, -1e4, 800, -800, 710, -710, 89, -89, 1e-300, -1e-300 })
        {
            Assert.True(double.IsFinite(row.F(z)), $"{name}({z}) = {row.F(z)}");
            Assert.True(double.IsFinite(row.D(z)), $"{name}'({z}) = {row.D(z)}");
            Assert.True(double.IsFinite(row.D2(z)), $"{name}''({z}) = {row.D2(z)}");
        }
        var f = Act.ByName<float>(name);
        float[] x = [1e4f, -1e4f, 100f, -100f, 89f, -89f];
        var y = new float[x.Length];
        var dx = new float[x.Length];
        f.Forward(x, y);
        f.Backward(x, y, [1, 1, 1, 1, 1, 1], dx);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.All(dx, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Reference_values()
    {
        // σ(0) = 1/2, σ'(0) = 1/4, softplus(0) = ln 2, tanh(1) = 0.76159415595576489 (Abramowitz & Stegun 4.5)
        Assert.Equal(0.5, Act.Sigmoid(0.0));
        Assert.Equal(0.25, Act.SigmoidDerivative(0.0));
        Assert.Equal(Math.Log(2), Act.Softplus(0.0), 15);
        Assert.Equal(0.5, Act.SoftplusDerivative(0.0));
        Assert.Equal(0.76159415595576489, Act.Tanh(1.0), 15);
        Assert.Equal(1.0, Act.TanhDerivative(0.0));
        Assert.Equal(Math.Exp(-1) - 1, Act.Elu(-1.0), 15);
        Assert.Equal(-0.02, Act.LeakyRelu(-2.0), 15);
        Assert.Equal(1e4, Act.Softplus(1e4));
        Assert.Equal(0.0, Act.Softplus(-1e4));
        Assert.Equal(1.0, Act.Sigmoid(1e4));
        Assert.Equal(0.0, Act.Sigmoid(-1e4));
    }

    [Fact]
    public void Kink_conventions()
    {
        // ReLU' (0) = 0 as in PyTorch and Scalar.Relu; BinaryStep(0) = 1 and its derivative is 0 everywhere
        Assert.Equal(0.0, Act.ReluDerivative(0.0));
        Assert.Equal(1.0, Act.BinaryStep(0.0));
        Assert.Equal(0.0, Act.BinaryStepDerivative(0.0));
        Assert.Equal(0.01, Act.LeakyReluDerivative(0.0));
    }
}
