using System.Globalization;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>Helpers of the higher-order tables: several inputs packed into one x, directions, comparisons.</summary>
internal static class Checks
{
    /// <summary>The inputs' elements one after another, as one vector x.</summary>
    public static Tensor<double> Pack(Tensor<double>[] parts) => new(parts.SelectMany(p => p.Data).ToArray(), new Shape(parts.Sum(p => p.Length)));

    /// <summary>The inputs back out of x (slices reshaped: linear, so they add nothing to any derivative).</summary>
    public static Var<double>[] Unpack(Var<double> x, Shape[] shapes)
    {
        var parts = new Var<double>[shapes.Length];
        int offset = 0;
        for (int k = 0; k < shapes.Length; k++)
        {
            parts[k] = x.Slice(0, offset, shapes[k].Length).Reshape(shapes[k].Dims);
            offset += shapes[k].Length;
        }
        return parts;
    }

    /// <summary>A direction in [−1, 1]ⁿ from a seed.</summary>
    public static Tensor<double> Direction(Shape shape, int seed)
    {
        var rng = new Random(seed);
        var d = new Tensor<double>(shape);
        for (int i = 0; i < d.Length; i++) d.Span[i] = rng.NextDouble() * 2 - 1;
        return d;
    }

    /// <summary>Fixed weights of varied sign for an output of <paramref name="shape"/>: c = ((7i mod 11) − 5)/5.</summary>
    public static Tensor<double> Weights(Shape shape)
    {
        var c = new Tensor<double>(shape);
        for (int i = 0; i < c.Length; i++) c.Span[i] = ((7 * i) % 11 - 5) / 5.0 + 0.1;
        return c;
    }

    /// <summary>x + s·v.</summary>
    public static Tensor<double> Step(Tensor<double> x, Tensor<double> v, double s)
    {
        var r = x.Clone();
        for (int i = 0; i < r.Length; i++) r.Span[i] += s * v.Span[i];
        return r;
    }

    /// <summary>Null when every element is within <c>atol + rtol·|expected|</c>, else where and by how much.</summary>
    public static string? Compare(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double atol, double rtol, string what)
    {
        if (actual.Length != expected.Length) return $"{what}: {actual.Length} values, expected {expected.Length}";
        for (int i = 0; i < actual.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            if (!(err <= atol + rtol * Math.Abs(expected[i])))
                return string.Create(CultureInfo.InvariantCulture, $"{what}: element {i} is {actual[i]:G12}, expected {expected[i]:G12} (error {err:G3})");
        }
        return null;
    }
}
