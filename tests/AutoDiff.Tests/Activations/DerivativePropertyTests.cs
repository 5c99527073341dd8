using Xunit;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Act = AutoDiff.Activations;

namespace AutoDiff.Tests.Activations;

/// <summary>
/// The generated first and second derivatives of every row of <see cref="ActivationCases.All"/>
/// against central differences in float64 (f' against f, f'' against the generated f').
/// </summary>
public class DerivativePropertyTests
{
    private const double Tolerance = 1e-6;

    /// <summary>(row, x): a row of the table and a point of its range away from its kinks.</summary>
    private static Arbitrary<(ActivationCase Case, double X)> Points() =>
        Gen.Elements(ActivationCases.All)
            .SelectMany(c => Gen.Choose(0, 1_000_000).Select(k => (Case: c, X: c.Low + (c.High - c.Low) * k / 1e6)))
            .Where(p => !p.Case.NearKink(p.X, Step(p.X)))
            .ToArbitrary();

    private static double Step(double x) => 1e-5 * Math.Max(1, Math.Abs(x));

    private static double CentralDifference(Func<double, double> f, double x)
    {
        double h = Step(x);
        return (f(x + h) - f(x - h)) / (2 * h);
    }

    private static bool Close(double actual, double expected) => Math.Abs(actual - expected) <= Tolerance * Math.Max(1, Math.Abs(expected));

    [Property(MaxTest = 2000)]
    public Property First_derivative_matches_central_difference() =>
        Prop.ForAll(Points(), p =>
        {
            double d = p.Case.D(p.X), fd = CentralDifference(p.Case.F, p.X);
            return Close(d, fd).Label($"{p.Case}: f'({p.X}) = {d}, central difference {fd}");
        });

    [Property(MaxTest = 2000)]
    public Property Second_derivative_matches_central_difference_of_first() =>
        Prop.ForAll(Points(), p =>
        {
            double d2 = p.Case.D2(p.X), fd = CentralDifference(p.Case.D, p.X);
            return Close(d2, fd).Label($"{p.Case}: f''({p.X}) = {d2}, central difference of f' {fd}");
        });

    private static Arbitrary<double> Wide() => Gen.Choose(-5_000_000, 5_000_000).Select(k => k / 1e5).ToArbitrary();

    // the lecture's closed forms, written independently of the generated code
    private static double Sigma(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    [Property(MaxTest = 1000)]
    public Property Sigmoid_derivative_is_sigma_times_one_minus_sigma() =>
        Prop.ForAll(Wide(), z => Math.Abs(Act.SigmoidDerivative(z) - Sigma(z) * (1 - Sigma(z))) <= 1e-15);

    [Property(MaxTest = 1000)]
    public Property Tanh_derivative_is_one_minus_tanh_squared() =>
        Prop.ForAll(Wide(), z => Math.Abs(Act.TanhDerivative(z) - (1 - Math.Tanh(z) * Math.Tanh(z))) <= 1e-15);

    [Property(MaxTest = 1000)]
    public Property Softplus_derivative_is_sigma() =>
        Prop.ForAll(Wide(), z => Math.Abs(Act.SoftplusDerivative(z) - Sigma(z)) <= 2e-16 * Math.Max(1, Sigma(z)) * 4);

    [Property(MaxTest = 500)]
    public Property Float_signature_agrees_with_double() =>
        Prop.ForAll(Gen.Choose(-2000, 2000).Select(k => k / 100f).ToArbitrary(), x =>
            Math.Abs(CustomActivations.SwishFDerivative(x) - CustomActivations.SwishDerivative(x)) <= 1e-5
            && Math.Abs(CustomActivations.SwishFSecondDerivative(x) - CustomActivations.SwishSecondDerivative(x)) <= 1e-5);
}
