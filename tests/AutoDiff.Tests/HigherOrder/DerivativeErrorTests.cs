using Xunit;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>Bad input to Differentiate and Derivatives: each a clear exception naming the problem.</summary>
public class DerivativeErrorTests
{
    private static readonly Tensor<double> X = Tensor.From<double>([1, 2, 3]);

    private static Var<double> Sum(Tape t, Var<double> x) => (x * x).Sum();

    [Fact]
    public void A_direction_of_the_wrong_shape_names_both_shapes()
    {
        var v = Tensor.From<double>([1, 2]);
        foreach (var e in new[]
        {
            Assert.Throws<ShapeMismatchException>(() => Derivatives.Jvp(Sum, X, v)),
            Assert.Throws<ShapeMismatchException>(() => Derivatives.Hvp(Sum, X, v)),
            Assert.Throws<ShapeMismatchException>(() => Derivatives.Vjp((t, x) => x.Exp(), X, v)),
        })
        {
            Assert.Contains("[3]", e.Message);
            Assert.Contains("[2]", e.Message);
        }
        Assert.Contains("the tangent v must have x's shape", Assert.Throws<ShapeMismatchException>(() => Derivatives.Jvp(Sum, X, v)).Message);
        Assert.Contains("the cotangent u must have f(x)'s shape", Assert.Throws<ShapeMismatchException>(() => Derivatives.Vjp((t, x) => x.Exp(), X, v)).Message);
        var s = Assert.Throws<ArgumentException>(() => Derivatives.Hvp((t, x) => x[0] * x[1], [1.0, 2.0], [1.0]));
        Assert.Contains("the vector v has 1 element(s) but x has 2", s.Message);
        Assert.Contains("the tangent v has 3 element(s) but x has 2", Assert.Throws<ArgumentException>(() => Derivatives.Jvp((t, x) => x[0] * x[1], [1.0, 2.0], [1.0, 2, 3])).Message);
    }

    [Fact]
    public void A_function_that_returns_more_than_one_element_where_one_is_needed_is_refused()
    {
        foreach (var call in new Func<object>[]
        {
            () => Derivatives.Gradient((t, x) => x.Exp(), X),
            () => Derivatives.Hessian((t, x) => x.Exp(), X),
            () => Derivatives.Hvp((t, x) => x.Exp(), X, X),
        })
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Contains("needs f to return one element, but it returned shape [3]", e.Message);
        }
        var t = new Tape();
        var x = t.Track(X);
        Assert.Contains("one-element output y, but y has shape [3]", Assert.Throws<InvalidOperationException>(() => t.Differentiate(x.Exp(), x)).Message);
    }

    [Fact]
    public void A_function_that_returns_a_value_not_from_its_tape_is_refused()
    {
        var other = new Tape();
        var stray = other.Track(X).Sum();
        Assert.Contains("was recorded on another tape", Assert.Throws<ArgumentException>(() => Derivatives.Gradient((t, x) => stray, X)).Message);
        Assert.Contains("default-initialised", Assert.Throws<ArgumentException>(() => Derivatives.Hessian((t, x) => default, X)).Message);
        var s = other.Variable(1);
        Assert.Contains("was recorded on another tape", Assert.Throws<ArgumentException>(() => Derivatives.Gradient((t, x) => s, [1.0])).Message);
    }

    [Fact]
    public void A_wrt_not_on_the_tape_or_from_before_Reset_or_constant_is_named()
    {
        var t = new Tape();
        var x = t.Track(X);
        var y = (x * x).Sum();
        Assert.Contains("wrt[1] was recorded on another tape", Assert.Throws<ArgumentException>(() => t.Differentiate(y, x, new Tape().Track(X))).Message);
        Assert.Contains("wrt[0] is default-initialised", Assert.Throws<ArgumentException>(() => t.Differentiate(y, default(Var<double>))).Message);
        Assert.Contains("wrt[0] needs no gradient", Assert.Throws<ArgumentException>(() => t.Differentiate(y, t.Constant(X))).Message);
        Assert.Contains("wrt[0] needs no gradient", Assert.Throws<ArgumentException>(() => t.Differentiate(y, x.Detach())).Message);
        var s = t.Variable(2);
        var f = s * s;
        Assert.Contains("wrt[1] was recorded on another tape", Assert.Throws<ArgumentException>(() => t.Differentiate(f, s, new Tape().Variable(1))).Message);
        t.Reset();
        var fresh = t.Track(X);
        Assert.Contains("before Reset()", Assert.Throws<InvalidOperationException>(() => t.Differentiate(y, fresh)).Message);
        Assert.Contains("wrt[0] was recorded before Reset()", Assert.Throws<ArgumentException>(() => t.Differentiate(fresh.Sum(), x)).Message);
        Assert.Contains("wrt[0] was recorded before Reset()", Assert.Throws<ArgumentException>(() => t.Differentiate(t.Variable(1) * 2.0, s)).Message);
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => Derivatives.Gradient<double>(null!, X));
        Assert.Throws<ArgumentNullException>(() => Derivatives.Gradient(Sum, (Tensor<double>)null!));
        Assert.Throws<ArgumentNullException>(() => Derivatives.Hvp(Sum, X, null!));
        Assert.Throws<ArgumentNullException>(() => Derivatives.Jvp(Sum, null!, X));
        Assert.Throws<ArgumentNullException>(() => Derivatives.Hessian(null!, [1.0]));
        Assert.Throws<ArgumentNullException>(() => new Tape().Differentiate(new Tape().Variable(1), null!));
    }

    [Fact]
    public void A_wrt_that_y_does_not_depend_on_gets_zeros_and_the_tape_stays_usable()
    {
        var t = new Tape();
        var (a, b) = (t.Track(X), t.Track(Tensor.From<double>([5, 6])));
        var g = t.Differentiate(a.Sum(), a, b);
        Assert.Equal([1, 1, 1], g[0].Value.ToArray());
        Assert.Equal([0, 0], g[1].Value.ToArray());
        Assert.Equal([0, 0, 0], Derivatives.Hvp((tp, x) => x.Sum(), X, X).Data);
        Assert.Equal([0.0], Derivatives.Hvp((tp, x) => x[0] * 2.0, [1.0], [1.0]));
        // a derivative inside f (nested: a tape of its own)
        var nested = Derivatives.Gradient((tp, x) => (x * tp.Constant(Derivatives.Gradient(Sum, X))).Sum(), X); // ∇Σx² = 2x inside
        Assert.Equal([2, 4, 6], nested.Data);
    }
}
