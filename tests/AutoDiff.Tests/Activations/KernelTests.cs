using Xunit;
using System.Numerics;
using System.Runtime.Intrinsics;
using Act = AutoDiff.Activations;

namespace AutoDiff.Tests.Activations;

/// <summary>
/// The vectorised tensor kernels against the scalar methods, element by element, on every length
/// from 0 to three 512-bit vectors plus one (so every tail is hit), in place, and on NaN, ±∞, ±0.
/// </summary>
public class KernelTests
{
    /// <summary>A kernel row: the function object and the scalar f and f' it must agree with.</summary>
    public sealed record KernelCase<T>(string Name, ElementwiseFunction<T> Function, Func<T, T> F, Func<T, T> D, double FloatTolerance = 4e-6)
        where T : IFloatingPointIeee754<T>
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<KernelCase<T>> Cases<T>() where T : IFloatingPointIeee754<T>
    {
        yield return new("linear", Act.LinearFunction<T>(), Act.Linear, Act.LinearDerivative);
        yield return new("step", Act.BinaryStepFunction<T>(), Act.BinaryStep, Act.BinaryStepDerivative);
        yield return new("sigmoid", Act.SigmoidFunction<T>(), Act.Sigmoid, Act.SigmoidDerivative);
        yield return new("tanh", Act.TanhFunction<T>(), Act.Tanh, Act.TanhDerivative);
        yield return new("relu", Act.ReluFunction<T>(), Act.Relu, Act.ReluDerivative);
        yield return new("leakyrelu", Act.LeakyReluFunction<T>(), x => Act.LeakyRelu(x), x => Act.LeakyReluDerivative(x));
        yield return new("leakyrelu(0.2)", Act.LeakyReluFunction<T>(0.2), x => Act.LeakyRelu(x, 0.2), x => Act.LeakyReluDerivative(x, 0.2));
        yield return new("elu", Act.EluFunction<T>(), x => Act.Elu(x), x => Act.EluDerivative(x));
        yield return new("elu(0.5)", Act.EluFunction<T>(0.5), x => Act.Elu(x, 0.5), x => Act.EluDerivative(x, 0.5));
        yield return new("softplus", Act.SoftplusFunction<T>(), Act.Softplus, Act.SoftplusDerivative);
        yield return new("gelu", CustomActivations.GeluFunction<T>(), CustomActivations.Gelu, CustomActivations.GeluDerivative,
            FloatTolerance: 1e-4); // 1 + tanh(u) cancels for x ≪ 0 in float: scalar and vector tanh round differently
        yield return new("scaledsquare", CustomActivations.ScaledSquareFunction(T.CreateTruncating(3)),
            x => CustomActivations.ScaledSquare(x, T.CreateTruncating(3)), x => CustomActivations.ScaledSquareDerivative(x, T.CreateTruncating(3)));
    }

    public static TheoryData<string> FloatNames() => new(Cases<float>().Select(c => c.Name));

    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1e4, -1e4, 1e-30, -1e-30];

    private static T[] Inputs<T>(int length, int seed) where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var x = new T[length];
        for (int i = 0; i < length; i++)
            x[i] = T.CreateTruncating(i % 5 == 4 ? Specials[random.Next(Specials.Length)] : random.NextDouble() * 30 - 15);
        return x;
    }

    // Exact for NaN and ±∞; otherwise a few ulps relative to max(1, |expected|): the vector exp and
    // log of .NET differ from Math's by an ulp or two (the float vector e^0 is 1 + 1 ulp).
    private static void AssertClose<T>(T expected, T actual, string what, double floatTolerance = 4e-6) where T : IFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected))
        {
            Assert.True(T.IsNaN(actual), $"{what}: expected NaN, got {actual}");
            return;
        }
        if (T.IsInfinity(expected))
        {
            Assert.True(expected == actual, $"{what}: expected {expected}, got {actual}");
            return;
        }
        double tolerance = typeof(T) == typeof(float) ? floatTolerance : 1e-13;
        double e = double.CreateTruncating(expected), a = double.CreateTruncating(actual);
        Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"{what}: expected {e:R}, got {a:R}");
    }

    private static void CheckAllLengths<T>(KernelCase<T> c) where T : IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        for (int n = 0; n <= 3 * width + 1; n++)
        {
            var x = Inputs<T>(n, seed: n);
            var y = new T[n];
            c.Function.Forward(x, y);
            for (int i = 0; i < n; i++) AssertClose(c.F(x[i]), y[i], $"{c} forward, length {n}, x[{i}] = {x[i]}", c.FloatTolerance);

            var dy = Inputs<T>(n, seed: 1000 + n).Select(v => T.IsFinite(v) ? v : T.One).ToArray();
            var dx = Enumerable.Range(0, n).Select(i => T.CreateTruncating(i * 0.25)).ToArray();
            var before = (T[])dx.Clone();
            c.Function.Backward(x, y, dy, dx);
            for (int i = 0; i < n; i++)
                AssertClose(before[i] + dy[i] * c.D(x[i]), dx[i], $"{c} backward, length {n}, x[{i}] = {x[i]}", c.FloatTolerance);

            var inPlace = (T[])x.Clone();
            c.Function.Forward(inPlace, inPlace);
            for (int i = 0; i < n; i++) AssertClose(y[i], inPlace[i], $"{c} in place, length {n}");
        }
    }

    [Theory]
    [MemberData(nameof(FloatNames))]
    public void Float_kernels_match_scalar_on_every_length(string name) => CheckAllLengths(Cases<float>().Single(c => c.Name == name));

    [Theory]
    [MemberData(nameof(FloatNames))]
    public void Double_kernels_match_scalar_on_every_length(string name) => CheckAllLengths(Cases<double>().Single(c => c.Name == name));

    [Fact]
    public void Half_falls_back_to_scalar_loop()
    {
        var x = new[] { (Half)(-2), (Half)0, (Half)1.5 };
        var y = new Half[3];
        Act.SigmoidFunction<Half>().Forward(x, y);
        for (int i = 0; i < 3; i++) Assert.Equal(Act.Sigmoid(x[i]), y[i]);
    }

    [Fact]
    public void Scalar_only_kernel_runs_over_spans()
    {
        double[] x = [-3, -0.5, 0, 0.5, 3];
        var y = new double[5];
        CustomActivations.ArcTanFunction().Forward(x, y);
        var dx = new double[5];
        CustomActivations.ArcTanFunction().Backward(x, y, [1, 1, 1, 1, 1], dx);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(Math.Atan(x[i]), y[i]);
            Assert.Equal(1 / (1 + x[i] * x[i]), dx[i], 15);
        }
    }

    [Fact]
    public void Mismatched_lengths_throw()
    {
        var f = Act.SigmoidFunction<float>();
        Assert.Throws<ArgumentException>(() => f.Forward(new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => f.Backward(new float[4], new float[4], new float[4], new float[5]));
    }

    [Fact]
    public void Vector_tanh_matches_math_tanh_relatively()
    {
        foreach (double scale in new[] { 1e-30, 1e-8, 1e-4, 1e-2, 1 })
            for (double v = -20; v <= 20; v += 0.0137)
            {
                double x = v * scale;
                double d = ActivationKernels.Tanh(Vector512.Create(x)).GetElement(3);
                float f = ActivationKernels.Tanh(Vector256.Create((float)x)).GetElement(1);
                Assert.True(Math.Abs(d - Math.Tanh(x)) <= 1.5e-15 * Math.Abs(Math.Tanh(x)), $"double tanh({x:R}) = {d:R}, Math.Tanh {Math.Tanh(x):R}");
                Assert.True(Math.Abs(f - MathF.Tanh((float)x)) <= 6e-7f * Math.Abs(MathF.Tanh((float)x)), $"float tanh({x:R}) = {f:R}, MathF.Tanh {MathF.Tanh((float)x):R}");
            }
        Assert.Equal(0.0, ActivationKernels.Tanh(Vector128<double>.Zero).GetElement(0));
        Assert.True(double.IsNegative(ActivationKernels.Tanh(Vector128.Create(-0.0)).GetElement(0)));
    }
}
