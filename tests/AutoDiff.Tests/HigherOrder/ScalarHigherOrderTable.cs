using AutoDiff.FsCheck;
using AutoDiff.Tests.Core;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>
/// Every row of the scalar gradient table, checked by FsCheck at random points: Hvp against central
/// differences of the gradient; the Hessian symmetric and equal to the Jacobian of the recorded gradient
/// (forward-over-reverse against reverse-over-reverse); Jvp equal to ∇f·v. A row marked first order only
/// must refuse a second derivative, naming the op.
/// </summary>
public class ScalarHigherOrderTable
{
    public static TheoryData<string> Names() => new(ScalarGradientTable.Rows.Where(r => !r.FirstOrderOnly).Select(r => r.Name));

    public static TheoryData<string> FirstOrderOnlyNames() => new(ScalarGradientTable.Rows.Where(r => r.FirstOrderOnly).Select(r => r.Name));

    private static void Check(string name, Func<ScalarGradientTable.Row, double[], string?> property)
    {
        var row = ScalarGradientTable.Rows.Single(r => r.Name == name);
        var points = TensorArb.Points(row.Arity, row.Domain);
        if (row.Valid is not null) points = points.Filter(row.Valid);
        global::FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(30).WithQuietOnSuccess(true), Prop.ForAll(points, x =>
        {
            string? failure = property(row, x);
            return (failure is null).Label($"{failure} at x = [{string.Join(", ", x)}]");
        }));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_matches_central_differences_of_the_gradient(string name) => Check(name, (row, x) =>
    {
        var v = Checks.Direction(new Shape(x.Length), x.Length + 3).Data;
        const double h = 1e-5;
        var up = Derivatives.Gradient(row.F, x.Zip(v, (a, b) => a + h * b).ToArray());
        var down = Derivatives.Gradient(row.F, x.Zip(v, (a, b) => a - h * b).ToArray());
        return Checks.Compare(Derivatives.Hvp(row.F, x, v), up.Zip(down, (a, b) => (a - b) / (2 * h)).ToArray(), 1e-5, 1e-5, "Hvp");
    });

    [Theory]
    [MemberData(nameof(Names))]
    public void Hessian_is_symmetric_and_equals_the_Jacobian_of_the_gradient(string name) => Check(name, (row, x) =>
    {
        int n = x.Length;
        var h = Derivatives.Hessian(row.F, x);
        var tape = new Tape();
        var xs = tape.Variables(x);
        var g = tape.Differentiate(row.F(tape, xs), xs);
        var flat = new double[n * n];
        var transposed = new double[n * n];
        var jacobianOfGradient = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            var row_i = tape.Gradient(g[i], xs); // reverse over reverse, through the fast sweep
            for (int j = 0; j < n; j++)
            {
                flat[i * n + j] = h[i, j];
                transposed[j * n + i] = h[i, j];
                jacobianOfGradient[i * n + j] = row_i[j];
            }
        }
        return Checks.Compare(flat, transposed, 1e-9, 1e-9, "Hessian symmetry")
            ?? Checks.Compare(flat, jacobianOfGradient, 1e-9, 1e-9, "Hessian vs Jacobian of the gradient");
    });

    [Theory]
    [MemberData(nameof(Names))]
    public void Jvp_is_the_gradient_times_v(string name) => Check(name, (row, x) =>
    {
        var v = Checks.Direction(new Shape(x.Length), x.Length + 5).Data;
        var gradient = Derivatives.Gradient(row.F, x);
        var (value, tangent) = Derivatives.Jvp(row.F, x, v);
        var tape = new Tape();
        return Checks.Compare([value, tangent], [row.F(tape, tape.Variables(x)).Value, gradient.Zip(v, (a, b) => a * b).Sum()], 1e-12, 1e-12, "Jvp");
    });

    [Theory]
    [MemberData(nameof(FirstOrderOnlyNames))]
    public void First_order_only_rows_refuse_a_second_derivative_naming_the_op(string name)
    {
        var row = ScalarGradientTable.Rows.Single(r => r.Name == name);
        double[] x = Enumerable.Range(1, row.Arity).Select(i => 0.3 * i).ToArray();
        Assert.Equal(row.Arity, Derivatives.Gradient(row.F, x).Length);
        var e = Assert.Throws<NotSupportedException>(() => Derivatives.Hessian(row.F, x));
        Assert.Contains("a derivative of higher order through it is not available", e.Message);
        Assert.Contains(name.StartsWith("function") ? "(Scalar.Function) was given its partials as numbers" : "Scalar.Unary was recorded without a function object", e.Message);
    }
}
