using Xunit;
using Act = AutoDiff.Activations;

namespace AutoDiff.Tests.Activations;

/// <summary>Generated activations on the tape: one operation each, with the generated derivative as backward rule.</summary>
public class TapeTests
{
    [Fact]
    public void ScalarSwishRecordsOneOpWithGeneratedDerivative()
    {
        var tape = new Tape();
        var x = tape.Variable(0.7);
        int before = tape.ScalarCount;
        var y = x.Swish();
        Assert.Equal(before + 1, tape.ScalarCount);
        tape.Backward(y);
        Assert.Equal(CustomActivations.Swish(0.7), y.Value);
        Assert.Equal(CustomActivations.SwishDerivative(0.7), x.Grad, 15);
    }

    [Fact]
    public void ChainRuleThroughScalarActivations()
    {
        var tape = new Tape();
        var x = tape.Variable(0.3);
        var y = (x * x).Sigmoid().Elu(alpha: 0.5) + x.Tanh();
        tape.Backward(y);
        double s = Act.Sigmoid(0.09);
        double expected = Act.EluDerivative(s, 0.5) * Act.SigmoidDerivative(0.09) * 0.6 + Act.TanhDerivative(0.3);
        Assert.Equal(expected, x.Grad, 14);
    }

    [Fact]
    public void GeneratedReluExtensionIsTheOneRelu()
    {
        // x.Relu() is the generated extension (Scalar.Relu is an obsolete alias of it): relu(v) and relu'(v), 0 at the kink as in PyTorch
        var tape = new Tape();
        foreach (var (v, value, slope) in new[] { (-1.0, 0.0, 0.0), (0.0, 0.0, 0.0), (2.0, 2.0, 1.0) })
        {
            tape.Reset();
            var a = tape.Variable(v);
            var generated = a.Relu();
            tape.Backward(generated);
            Assert.Equal(value, generated.Value);
            Assert.Equal(slope, a.Grad);
        }
    }

    [Fact]
    public void FloatSignatureWorksOnScalarTape()
    {
        var tape = new Tape();
        var x = tape.Variable(1.25);
        tape.Backward(x.SwishF());
        Assert.Equal(CustomActivations.SwishFDerivative(1.25f), x.Grad, 6);
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("elu")]
    [InlineData("leakyrelu")]
    public void TensorActivationGradientIsGeneratedDerivative(string name)
    {
        var row = ActivationCases.BuiltIn.Single(c => c.Name == name);
        float[] data = [-3f, -0.5f, 0.25f, 1f, 4f, -10f, 7.5f, 0.001f, -2f, 2f];
        var tape = new Tape();
        var x = tape.Track(Tensor.From<float>(data));
        var y = x.Apply(Act.ByName<float>(name));
        tape.Backward(y.Sum());
        for (int i = 0; i < data.Length; i++)
        {
            Assert.Equal((float)row.F(data[i]), y.Value[i], 5);
            Assert.Equal((float)row.D(data[i]), x.Grad[i], 5);
        }
    }

    [Fact]
    public void VarExtensionsOnDoubleAndFloat()
    {
        var tape = new Tape();
        var xd = tape.Track(Tensor.From<double>([0.5, -1.5]));
        var xf = tape.Track(Tensor.From<float>([0.5f, -1.5f]));
        tape.Backward(xd.Sigmoid().Sum());
        tape.Backward(xf.SwishF().Sum());
        Assert.Equal(Act.SigmoidDerivative(-1.5), xd.Grad[1], 15);
        Assert.Equal(CustomActivations.SwishFDerivative(-1.5f), xf.Grad[1], 6);
    }

    [Fact]
    public void CustomDoubleActivationOnTensorTape()
    {
        var tape = new Tape();
        var x = tape.Track(Tensor.From<double>([0.5, -1.5, 3]));
        tape.Backward(x.Mish().Sum());
        for (int i = 0; i < 3; i++) Assert.Equal(CustomActivations.MishDerivative(x.Value[i]), x.Grad[i], 15);
    }

    [Fact]
    public void FunctionObjectsAreCachedForDefaultsAndNamed()
    {
        Assert.Same(Act.SigmoidFunction<float>(), Act.SigmoidFunction<float>());
        Assert.Same(Act.EluFunction<double>(), Act.EluFunction<double>(1.0));
        Assert.NotSame(Act.EluFunction<double>(), Act.EluFunction<double>(0.5));
        Assert.Equal("Sigmoid", Act.SigmoidFunction<double>().Name);
        Assert.Equal("Elu(alpha: 0.5)", Act.EluFunction<double>(0.5).Name);
    }

    [Theory]
    [InlineData("Sigmoid", "Sigmoid")]
    [InlineData("RELU", "Relu")]
    [InlineData("step", "BinaryStep")]
    [InlineData("BinaryStep", "BinaryStep")]
    [InlineData("LeakyRelu", "LeakyRelu(slope: 0.01)")]
    public void ByNameIsCaseInsensitive(string name, string expected)
        => Assert.Equal(expected, Act.ByName<float>(name).Name);

    [Fact]
    public void ByNameCoversEveryListedName()
    {
        Assert.Equal(8, Act.Names.Count);
        foreach (var name in Act.Names) Assert.NotNull(Act.ByName<double>(name));
    }

    [Fact]
    public void ByNameRejectsUnknownNamesListingTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Act.ByName<float>("swishy"));
        Assert.Contains("swishy", e.Message);
        foreach (var name in Act.Names) Assert.Contains(name, e.Message);
    }
}
