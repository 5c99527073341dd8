using System.Runtime.Intrinsics;
using Xunit;

namespace AutoDiff.Tests.Activations;

/// <summary>
/// <see cref="ActivationKernels.Exp(Vector512{float})"/>, the float exponential of every generated
/// activation: within 1.5 ulp of the correctly rounded <c>eˣ</c> (Math.Exp in double, then rounded),
/// the same bits at every vector width, and the IEEE special cases.
/// </summary>
public class VectorExpTests
{
    /// <summary>Inputs and the expected result where the answer is exact or a boundary.</summary>
    public static TheoryData<float, float> Specials() => new()
    {
        { 0f, 1f },
        { -0f, 1f },
        { float.PositiveInfinity, float.PositiveInfinity },
        { float.NegativeInfinity, 0f },
        { float.NaN, float.NaN },
        { 88.7229f, float.PositiveInfinity },   // just above ln(float.MaxValue) = 88.72284
        { 1000f, float.PositiveInfinity },
        { -104f, 0f },                          // below ln(ε/2) = −103.972: rounds to 0
        { -1e30f, 0f },
        { -103.9f, float.Epsilon },             // e^−103.9 = 7.5e-46 rounds to the smallest subnormal, 1.4e-45
        { 1e-10f, 1f },
        { 1f, 2.71828183f },
        { -1f, 0.367879441f },
        { 88.72f, 3.3931806e38f },             // near the top, results stay finite
    };

    [Theory]
    [MemberData(nameof(Specials))]
    public void Special_inputs_give_the_ieee_results(float x, float expected)
    {
        foreach (float actual in AllWidths(x))
            Assert.Equal(expected, actual, (a, b) => a.Equals(b) || Math.Abs(a - b) <= 1.5 * Ulp(b));
    }

    [Fact]
    public void Within_one_and_a_half_ulp_of_the_rounded_exponential_from_underflow_to_overflow()
    {
        var random = new Random(7);
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < 200_000; i++)
        {
            float x = (float)(random.NextDouble() * (88.72 + 87.3) - 87.3); // normal results only: subnormals have absolute ulps
            float expected = (float)Math.Exp(x);
            double ulps = Math.Abs(Vector512Exp(x) - Math.Exp(x)) / Ulp(expected);
            if (ulps > worst) (worst, worstAt) = (ulps, x);
        }
        Assert.True(worst <= 1.5, $"{worst:0.00} ulp at x = {worstAt:R}");
    }

    [Fact]
    public void Every_width_gives_the_same_bits()
    {
        var random = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            float x = (float)(random.NextDouble() * 220 - 115);
            var results = AllWidths(x).Select(BitConverter.SingleToInt32Bits).Distinct().ToArray();
            Assert.True(results.Length == 1, $"x = {x:R}: widths disagree");
        }
    }

    [Fact]
    public void Sigmoid_of_large_arguments_saturates_without_nan()
    {
        var f = AutoDiff.Activations.SigmoidFunction<float>();
        float[] x = [-1e30f, -200f, -88f, 88f, 200f, 1e30f, float.NegativeInfinity, float.PositiveInfinity,
            -1, -1, -1, -1, -1, -1, -1, -1];
        var y = new float[x.Length];
        var dx = new float[x.Length];
        f.Forward(x, y);
        f.Backward(x, y, Enumerable.Repeat(1f, x.Length).ToArray(), dx);
        Assert.Equal([0f, 0f, 6.0546e-39f, 1f, 1f, 1f, 0f, 1f], y.Take(8), (a, b) => Math.Abs(a - b) <= 1e-42 + 1e-6 * Math.Abs(b));
        Assert.All(dx, d => Assert.True(float.IsFinite(d) && d >= 0, $"σ' = {d}"));
    }

    private static float Vector512Exp(float x) => ActivationKernels.Exp(Vector512.Create(x)).GetElement(5);

    private static float[] AllWidths(float x) =>
    [
        Vector512Exp(x),
        ActivationKernels.Exp(Vector256.Create(x)).GetElement(3),
        ActivationKernels.Exp(Vector128.Create(x)).GetElement(1),
    ];

    private static double Ulp(float v) => v == 0 ? float.Epsilon : MathF.BitIncrement(Math.Abs(v)) - Math.Abs(v);
}
