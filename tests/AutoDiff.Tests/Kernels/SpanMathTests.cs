using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Kernels;

/// <summary>
/// <see cref="SpanMath"/>, the tape's span loops, on every length from 0 to three 512-bit vectors plus
/// one (so every tail path runs): element-wise functions against the scalar ones, an element's result
/// independent of its position, and the reductions against sums in double.
/// </summary>
public class SpanMathTests
{
    /// <summary>(name, span form, scalar form, tolerance in ulps of the float result).</summary>
    public static TheoryData<string> Unaries() => new(UnaryTable.Keys);

    private static readonly Dictionary<string, (SpanFunction Span, Func<double, double> Exact, double Ulps)> UnaryTable = new()
    {
        ["negate"] = (SpanMath.Negate, x => -x, 0),
        ["exp"] = (SpanMath.Exp, Math.Exp, 1.5),
        ["log"] = (SpanMath.Log, Math.Log, 1.5),
    };

    private delegate void SpanFunction(ReadOnlySpan<float> x, Span<float> d);

    [Theory]
    [MemberData(nameof(Unaries))]
    public void Unary_functions_are_within_their_ulps_at_every_length_and_position(string name)
    {
        var (span, exact, ulps) = UnaryTable[name];
        var random = new Random(3);
        for (int n = 0; n <= 49; n++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)(name == "log" ? random.NextDouble() * 100 : random.NextDouble() * 40 - 20)).ToArray();
            var d = new float[n + 1];
            d[n] = 42; // past the end: must stay untouched
            span(x, d.AsSpan(0, n + 1));
            for (int i = 0; i < n; i++)
            {
                double e = exact(x[i]);
                Assert.True(Math.Abs(d[i] - e) <= ulps * Ulp((float)e) || d[i] == (float)e, $"{name}({x[i]:R}) at {i} of {n}: {d[i]:R}, exact {e:R}");
            }
            Assert.Equal(42f, d[n]);
        }
    }

    [Theory]
    [MemberData(nameof(Unaries))]
    public void A_value_gives_the_same_bits_wherever_it_sits(string name)
    {
        var span = UnaryTable[name].Span;
        foreach (float v in new[] { 0.3f, 1.7f, 12.25f })
        {
            var x = Enumerable.Repeat(v, 37).ToArray();
            var d = new float[37];
            span(x, d);
            Assert.All(d, r => Assert.Equal(BitConverter.SingleToInt32Bits(d[0]), BitConverter.SingleToInt32Bits(r)));
        }
    }

    [Theory]
    [InlineData(float.NaN, float.NaN, float.NaN)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity, 0f, float.NaN)]
    [InlineData(0f, 1f, float.NegativeInfinity)]
    public void Exp_and_log_keep_the_ieee_special_values(float x, float exp, float log)
    {
        var xs = Enumerable.Repeat(x, 19).ToArray(); // one vector and a tail
        var e = new float[19];
        var l = new float[19];
        SpanMath.Exp(xs, e);
        SpanMath.Log(xs, l);
        Assert.All(e, v => Assert.Equal(exp, v));
        Assert.All(l, v => Assert.Equal(log, v));
    }

    /// <summary>(a, b, max, min) as IEEE 754:2019 maximum and minimum give them: NaN wins, +0 is above −0.</summary>
    public static TheoryData<string, float, float, float, float> Extremes() => new()
    {
        { "NaN second", 1f, float.NaN, float.NaN, float.NaN },
        { "NaN first", float.NaN, 1f, float.NaN, float.NaN },
        { "-0 then +0", -0f, 0f, 0f, -0f },
        { "+0 then -0", 0f, -0f, 0f, -0f },
        { "ordinary", 2f, -3f, 2f, -3f },
    };

    [Theory]
    [MemberData(nameof(Extremes))]
    public void Max_and_min_follow_ieee_maximum_and_minimum_in_every_lane(string name, float a, float b, float max, float min)
    {
        _ = name;
        var x = Enumerable.Repeat(a, 19).ToArray(); // one 512-bit vector and a scalar tail
        var y = Enumerable.Repeat(b, 19).ToArray();
        var hi = new float[19];
        var lo = new float[19];
        SpanMath.Max<float>(x, y, hi);
        SpanMath.Min<float>(x, y, lo);
        Assert.All(hi, v => Assert.Equal(BitConverter.SingleToInt32Bits(max), BitConverter.SingleToInt32Bits(v)));
        Assert.All(lo, v => Assert.Equal(BitConverter.SingleToInt32Bits(min), BitConverter.SingleToInt32Bits(v)));
    }

    [Fact]
    public void Sum_and_dot_match_double_sums_at_every_length()
    {
        var random = new Random(5);
        for (int n = 0; n <= 49; n++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var y = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            double sum = x.Sum(v => (double)v), dot = x.Zip(y, (a, b) => (double)a * b).Sum();
            double bound = 1e-6 * n; // n roundings of terms below 1
            Assert.True(Math.Abs(SpanMath.Sum<float>(x) - sum) <= bound + 1e-7, $"Σx over {n}: {SpanMath.Sum<float>(x)} vs {sum}");
            Assert.True(Math.Abs(SpanMath.Dot<float>(x, y) - dot) <= bound + 1e-7, $"Σxy over {n}: {SpanMath.Dot<float>(x, y)} vs {dot}");
            Assert.Equal(sum, SpanMath.Sum<double>(x.Select(v => (double)v).ToArray()), 12);
        }
        Assert.True(float.IsNaN(SpanMath.Sum<float>([1, 2, float.NaN, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])));
    }

    [Fact]
    public void Mismatched_lengths_are_refused_with_both_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => SpanMath.Dot<float>(new float[3], new float[4]));
        Assert.Contains("3", e.Message);
        Assert.Contains("4", e.Message);
        Assert.Throws<ArgumentException>(() => SpanMath.Exp<float>(new float[5], new float[4]));
        Assert.Throws<ArgumentException>(() => SpanMath.Max<float>(new float[5], new float[4], new float[5]));
    }

    private static double Ulp(float v) => v == 0 || !float.IsFinite(v) ? float.Epsilon : MathF.BitIncrement(Math.Abs(v)) - Math.Abs(v);
}
