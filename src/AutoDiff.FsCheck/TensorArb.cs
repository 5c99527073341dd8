using FsCheck;
using FsCheck.Fluent;

namespace AutoDiff.FsCheck;

/// <summary>FsCheck generators and arbitraries for shapes and float64 tensors.</summary>
public static class TensorArb
{
    /// <summary>A dimension in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Gen<int> Dim(int min = 1, int max = 5) => Gen.Choose(min, max);

    /// <summary>A shape of rank in [minRank, maxRank] with dimensions in [1, maxDim].</summary>
    public static Gen<Shape> Shape(int minRank = 0, int maxRank = 3, int maxDim = 5) =>
        Gen.Choose(minRank, maxRank).SelectMany(r => Gen.ArrayOf(Dim(1, maxDim), r)).Select(d => new Shape(d));

    /// <summary>A tensor of shape <paramref name="shape"/> with elements in <paramref name="domain"/>.</summary>
    public static Gen<Tensor<double>> Tensor(Shape shape, Domain domain) =>
        Gen.ArrayOf(Unit(), shape.Length).Select(u => new Tensor<double>(u.Select(domain.FromUnit).ToArray(), shape));

    /// <summary>One tensor per shape in the generated list, all with elements in <paramref name="domain"/>.</summary>
    public static Gen<Tensor<double>[]> Tensors(Gen<Shape[]> shapes, Domain domain) =>
        shapes.SelectMany(ss => Gen.CollectToArray(ss.Select(s => Tensor(s, domain))));

    /// <summary>
    /// An arbitrary of input lists: shapes from <paramref name="shapes"/>, elements from
    /// <paramref name="domain"/>, shrinking values towards short decimals that stay in the domain.
    /// </summary>
    public static Arbitrary<Tensor<double>[]> Inputs(Gen<Shape[]> shapes, Domain domain) =>
        Arb.From(Tensors(shapes, domain), inputs => Shrink(inputs, domain));

    /// <summary>Inputs of fixed shapes.</summary>
    public static Arbitrary<Tensor<double>[]> Inputs(Domain domain, params Shape[] shapes) => Inputs(Gen.Constant(shapes), domain);

    /// <summary>Points of <paramref name="arity"/> coordinates in <paramref name="domain"/>, for scalar functions.</summary>
    public static Arbitrary<double[]> Points(int arity, Domain domain) =>
        Inputs(domain, new Shape(arity)).Convert(x => x[0].Data, p => [new Tensor<double>(p, new Shape(p.Length))]);

    private static Gen<double> Unit() => Gen.Choose(0, int.MaxValue - 1).Select(i => i / (double)int.MaxValue);

    private static IEnumerable<Tensor<double>[]> Shrink(Tensor<double>[] inputs, Domain domain)
    {
        foreach (int digits in new[] { 0, 1, 2 })
        {
            var rounded = inputs.Select(t => new Tensor<double>(t.Data.Select(x => Round(x, digits, domain)).ToArray(), t.Shape)).ToArray();
            if (!rounded.Zip(inputs).All(p => p.First.Data.SequenceEqual(p.Second.Data))) yield return rounded;
        }
    }

    private static double Round(double x, int digits, Domain domain)
    {
        double r = Math.Round(x, digits);
        return domain.Contains(r) ? r : x;
    }
}
