using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.WholeFunctions;

/// <summary>
/// Every <see cref="CatalogueCases"/> row under FsCheck: the generated Gradient returns f and equals the
/// tape's gradient of the same function and central differences (float64, relative 1e-7 of the
/// gradient's scale, at points where two step sizes agree, i.e. away from kinks); the generated Tangent
/// equals ∇f·t; the float instantiation agrees with the double one.
/// </summary>
public class CatalogueProperties
{
    private static Arbitrary<(double[] P, double[] T)> Points(WholeCase c)
    {
        var coordinate = Gen.Choose(0, 1_000_000);
        var point = Gen.ArrayOf(coordinate, c.Size).Select(k => k.Select((v, i) => c.Low[i] + (c.High[i] - c.Low[i]) * v / 1e6).ToArray());
        var direction = Gen.ArrayOf(Gen.Choose(-1_000_000, 1_000_000), c.Size).Select(k => k.Select(v => v / 1e6).ToArray());
        var both = point.SelectMany(p => direction.Select(t => (P: p, T: t)));
        if (c.Valid is { } valid) both = both.Where(x => valid(x.P));
        return both.ToArbitrary();
    }

    private static double Scale(double[] g) => Math.Max(1, g.Max(Math.Abs));

    /// <summary>∂f/∂pᵢ by the 4-point central difference at step h, and whether step h/2 agrees (f smooth there).</summary>
    private static (double Value, bool Smooth) Difference(WholeCase c, double[] p, int i, double scale)
    {
        double At(double offset)
        {
            var q = (double[])p.Clone();
            q[i] += offset;
            return c.F(q);
        }
        double Four(double h) => (8 * (At(h) - At(-h)) - (At(2 * h) - At(-2 * h))) / (12 * h);
        double step = 1e-4 * Math.Max(1, Math.Abs(p[i]));
        double coarse = Four(step), fine = Four(step / 2);
        return (fine, Math.Abs(coarse - fine) <= 1e-8 * scale);
    }

    [Theory]
    [MemberData(nameof(CatalogueCases.Names), MemberType = typeof(CatalogueCases))]
    public void Gradient_is_the_tape_gradient_and_central_differences(string name)
    {
        var c = CatalogueCases.Get(name);
        int coordinates = 0, smooth = 0;
        var property = Prop.ForAll(Points(c), x =>
        {
            var p = x.P;
            var g = new double[c.Size];
            double value = c.Gradient(p, g);
            double f = c.F(p);
            if (!(Math.Abs(value - f) <= 1e-12 * Math.Max(1, Math.Abs(f)))) return false.Label($"Gradient returned {value:R}, f = {f:R}");

            var tape = new Tape();
            var inputs = tape.Variables(p);
            var output = c.OnTape(inputs);
            var reference = tape.Gradient(output, inputs);
            if (!(Math.Abs(output.Value - f) <= 1e-10 * Math.Max(1, Math.Abs(f)))) return false.Label($"the tape's f = {output.Value:R}, the function's {f:R}: the two definitions differ");
            double scale = Scale(reference);
            for (int i = 0; i < c.Size; i++)
                if (!(Math.Abs(g[i] - reference[i]) <= 1e-9 * scale))
                    return false.Label($"∂f/∂p[{i}] = {g[i]:R}, tape {reference[i]:R} at p = [{string.Join(", ", p)}]");

            for (int i = 0; i < c.Size; i++)
            {
                var (fd, ok) = Difference(c, p, i, scale);
                Interlocked.Increment(ref coordinates);
                if (!ok) continue;
                Interlocked.Increment(ref smooth);
                if (!(Math.Abs(g[i] - fd) <= 1e-7 * scale))
                    return false.Label($"∂f/∂p[{i}] = {g[i]:R}, central differences {fd:R} at p = [{string.Join(", ", p)}]");
            }
            return true.ToProperty();
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true), property);
        // the check must not pass by skipping: most coordinates were smooth enough to compare
        Assert.True(smooth >= 0.8 * coordinates, $"{name}: only {smooth} of {coordinates} coordinates could be checked against central differences");
    }

    [Theory]
    [MemberData(nameof(CatalogueCases.Names), MemberType = typeof(CatalogueCases))]
    public void Tangent_is_the_gradient_dotted_with_the_direction(string name)
    {
        var c = CatalogueCases.Get(name);
        var property = Prop.ForAll(Points(c), x =>
        {
            var g = new double[c.Size];
            c.Gradient(x.P, g);
            double expected = 0, size = 0;
            for (int i = 0; i < c.Size; i++)
            {
                expected += g[i] * x.T[i];
                size += Math.Abs(g[i] * x.T[i]);
            }
            double tangent = c.Tangent(x.P, x.T);
            return (Math.Abs(tangent - expected) <= 1e-10 * (1 + size)).Label($"Tangent = {tangent:R}, ∇f·t = {expected:R}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true), property);
    }

    [Theory]
    [MemberData(nameof(CatalogueCases.FloatNames), MemberType = typeof(CatalogueCases))]
    public void Float_gradient_agrees_with_double(string name)
    {
        var c = CatalogueCases.Get(name);
        var property = Prop.ForAll(Points(c), x =>
        {
            // the point rounded to float, so both see the same inputs
            var p = x.P.Select(v => (double)(float)v).ToArray();
            if (c.Valid is { } valid && !valid(p)) return true.ToProperty();
            var g = new double[c.Size];
            double value = c.Gradient(p, g);
            var gf = new float[c.Size];
            float valueF = c.FloatGradient!(p.Select(v => (float)v).ToArray(), gf);
            double scale = Scale(g);
            if (!(Math.Abs(valueF - value) <= 1e-4 * Math.Max(1, Math.Abs(value)))) return false.Label($"float f = {valueF}, double {value:R}");
            for (int i = 0; i < c.Size; i++)
                if (!(Math.Abs(gf[i] - g[i]) <= 1e-3 * scale)) return false.Label($"float ∂f/∂p[{i}] = {gf[i]}, double {g[i]:R}");
            return true.ToProperty();
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void The_catalogue_has_at_least_25_functions() => Assert.True(CatalogueCases.All.Length >= 25, $"{CatalogueCases.All.Length} functions");
}
