using AutoDiff.FsCheck;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>Every scalar primitive, one row each, checked by FsCheck against central differences.</summary>
public class ScalarGradientTable
{
    /// <param name="FirstOrderOnly">The row goes through an op whose partials are numbers (Scalar.Unary without a function
    /// object, Scalar.Function): a second derivative must throw naming it.</param>
    public sealed record Row(string Name, int Arity, Domain Domain, Func<Tape, Scalar[], Scalar> F, Func<double[], bool>? Valid = null, bool FirstOrderOnly = false);

    // max/min have a kink where the arguments tie: keep them at least 0.05 apart, far beyond the step h.
    private static bool Untied(double[] x) => Math.Abs(x[0] - x[1]) > 0.05;

    private static readonly Domain R = Domain.Real(), P = Domain.Positive(0.2, 3);
    private static readonly Domain AwayFromZero = Domain.AwayFrom(0.05, -3, 3, 0);

    public static readonly Row[] Rows =
    [
        new("add", 2, R, (t, x) => x[0] + x[1]),
        new("sub", 2, R, (t, x) => x[0] - x[1]),
        new("mul", 2, R, (t, x) => x[0] * x[1]),
        new("div", 2, P, (t, x) => x[0] / x[1]),
        new("neg", 1, R, (t, x) => -x[0]),
        new("add const", 1, R, (t, x) => x[0] + 2.0 + (3.0 + x[0]) - 1.5),
        new("sub from const", 1, R, (t, x) => 2.0 - x[0]),
        new("mul const", 1, R, (t, x) => 3.0 * x[0] * -0.5),
        new("div const", 1, R, (t, x) => x[0] / 4.0),
        new("div into const", 1, P, (t, x) => 2.0 / x[0]),
        new("pow const", 1, P, (t, x) => Scalar.Pow(x[0], 2.5)),
        new("pow negative const", 1, P, (t, x) => Scalar.Pow(x[0], -1.5)),
        new("exp", 1, R, (t, x) => Scalar.Exp(x[0])),
        new("log", 1, P, (t, x) => Scalar.Log(x[0])),
        new("sqrt", 1, P, (t, x) => Scalar.Sqrt(x[0])),
        new("abs", 1, AwayFromZero, (t, x) => Scalar.Abs(x[0])),
        new("max", 2, R, (t, x) => Scalar.Max(x[0], x[1]), Untied),
        new("min", 2, R, (t, x) => Scalar.Min(x[0], x[1]), Untied),
        new("relu", 1, AwayFromZero, (t, x) => x[0].Relu()),
        new("unary (custom sin, no function object)", 1, R, (t, x) => Scalar.Unary(x[0], Math.Sin(x[0].Value), Math.Cos(x[0].Value)), FirstOrderOnly: true),
        new("unary (sin with its derivative chain)", 1, R, (t, x) => HigherOrder.SineChain.Sin(x[0] * x[0])),
        new("unary, generated (tanh, sigmoid, softplus)", 1, R, (t, x) => x[0].Tanh() * x[0].Sigmoid() + x[0].Softplus()),
        new("function (x·y + sin z, used twice)", 3, R, (t, x) =>
        {
            var g = Scalar.Function([x[0], x[1], x[2]], x[0].Value * x[1].Value + Math.Sin(x[2].Value), [x[1].Value, x[0].Value, Math.Cos(x[2].Value)], "xy+sin z");
            return g * x[0] + Scalar.Function([g, g], g.Value * g.Value, [g.Value, g.Value]);
        }, FirstOrderOnly: true),
        new("diamond", 2, R, (t, x) => { var a = x[0] * x[1]; return a * a + a * x[0]; }),
        new("rosenbrock", 2, R, (t, x) => Scalar.Pow(1.0 - x[0], 2) + 100.0 * Scalar.Pow(x[1] - x[0] * x[0], 2)),
    ];

    public static TheoryData<string> Names() => new(Rows.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_matches_central_differences(string name)
    {
        var row = Rows.Single(r => r.Name == name);
        var points = TensorArb.Points(row.Arity, row.Domain);
        if (row.Valid is not null) points = points.Filter(row.Valid);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true),
            GradProperty.ForAll(points, row.F, new GradCheckOptions { RelativeTolerance = 1e-4 }));
    }
}
