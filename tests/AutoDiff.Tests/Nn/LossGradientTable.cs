using AutoDiff.FsCheck;
using AutoDiff.Nn;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.Nn;

/// <summary>Every loss's gradient against central differences, over random batches (FsCheck, 100 cases each).</summary>
public class LossGradientTable
{
    public sealed record Row(string Name, Domain Domain, Func<Tape, Var<double>, Tensor<double>, Var<double>> Loss, bool TargetsAreOneHot = false);

    private static Var<double> Probabilities(Var<double> z) => z.Softmax();

    public static readonly Row[] Rows =
    [
        new("L2", Domain.Real(), (t, y, d) => Losses.L2(y, t.Constant(d))),
        new("mean squared error", Domain.Real(), (t, y, d) => Losses.MeanSquaredError(y, t.Constant(d))),
        new("binary KL", Domain.Real(0.05, 0.95), (t, y, d) => Losses.BinaryCrossEntropy(y, t.Constant(d))),
        new("binary KL from logits", Domain.Real(-6, 6), (t, y, d) => Losses.BinaryCrossEntropyFromLogits(y, t.Constant(d))),
        new("multiclass KL on softmax, labels", Domain.Real(), (t, z, d) => Losses.CrossEntropy(Probabilities(z), Labels(d)), true),
        new("multiclass KL from logits, labels", Domain.Real(), (t, z, d) => Losses.CrossEntropyFromLogits(z, Labels(d)), true),
        new("multiclass KL from logits, one-hot", Domain.Real(), (t, z, d) => Losses.CrossEntropyFromLogits(z, t.Constant(d)), true),
        new("general KL, soft targets", Domain.Real(), (t, z, d) => Losses.KL(Probabilities(z), t.Constant(Normalise(d)))),
        new("general KL from logits, soft targets", Domain.Real(), (t, z, d) => Losses.KLFromLogits(z, t.Constant(Normalise(d)))),
    ];

    public static TheoryData<string> Names() => new(Rows.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_matches_central_differences(string name)
    {
        var row = Rows.Single(r => r.Name == name);
        // Random batch sizes and widths; the target is a second random tensor in [0, 1] (rows made one-hot where needed).
        var cases = Gen.Zip(TensorArb.Dim(1, 6), TensorArb.Dim(2, 5)).SelectMany(nk =>
            Gen.Zip(TensorArb.Tensor(new Shape(nk.Item1, nk.Item2), row.Domain), TensorArb.Tensor(new Shape(nk.Item1, nk.Item2), Domain.Real(0, 1))));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var target = row.TargetsAreOneHot ? OneHot(c.Item2) : c.Item2;
            var r = GradCheck.Check((t, x) => row.Loss(t, x[0], target), [c.Item1]);
            return r.Passed.Label(r.ToString());
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true), property);
    }

    private static int[] Labels(Tensor<double> oneHot) =>
        Enumerable.Range(0, oneHot.Shape[0]).Select(i => Enumerable.Range(0, oneHot.Shape[1]).First(j => oneHot[i, j] == 1)).ToArray();

    private static Tensor<double> OneHot(Tensor<double> random)
    {
        int n = random.Shape[0], k = random.Shape[1];
        var r = Tensor.Zeros<double>(n, k);
        for (int i = 0; i < n; i++) r[i, (int)(random[i, 0] * k) % k] = 1;
        return r;
    }

    private static Tensor<double> Normalise(Tensor<double> d)
    {
        int n = d.Shape[0], k = d.Shape[1];
        var r = d.Clone();
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < k; j++) s += r[i, j];
            for (int j = 0; j < k; j++) r[i, j] = s > 0 ? r[i, j] / s : 1.0 / k;
        }
        return r;
    }
}
