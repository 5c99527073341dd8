using Xunit;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>
/// Derivatives of the generated activations to third order through the tape (their f′ → f″ → f‴ chain),
/// against closed forms; and activations without a chain, which must refuse a second derivative by name.
/// </summary>
public class ActivationDerivativeTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>(name, f, f′, f″, f‴) in closed form: tanh′ = 1 − t², tanh″ = −2t(1 − t²), tanh‴ = −2(1 − t²)(1 − 3t²);
    /// σ′ = σ(1 − σ), σ″ = σ(1 − σ)(1 − 2σ), σ‴ = σ(1 − σ)(1 − 6σ + 6σ²); softplus′ = σ, so its ″ and ‴ are σ′ and σ″.</summary>
    public static TheoryData<string> Names() => new("tanh", "sigmoid", "softplus");

    private static (ElementwiseFunction<double> F, Func<Scalar, Scalar> OnScalar, Func<double, double[]> Closed) Case(string name) => name switch
    {
        "tanh" => (AutoDiff.Activations.TanhFunction<double>(), x => x.Tanh(), x =>
        {
            double t = Math.Tanh(x);
            return [t, 1 - t * t, -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)];
        }),
        "sigmoid" => (AutoDiff.Activations.SigmoidFunction<double>(), x => x.Sigmoid(), x =>
        {
            double s = Sigmoid(x);
            return [s, s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)];
        }),
        _ => (AutoDiff.Activations.SoftplusFunction<double>(), x => x.Softplus(), x =>
        {
            double s = Sigmoid(x);
            return [Math.Log(1 + Math.Exp(x)), s, s * (1 - s), s * (1 - s) * (1 - 2 * s)];
        }),
    };

    private static readonly double[] Points = [-3.1, -0.7, 0.0, 0.45, 2.2];

    [Theory]
    [MemberData(nameof(Names))]
    public void Third_derivative_on_the_scalar_tape_matches_the_closed_form(string name)
    {
        var (_, onScalar, closed) = Case(name);
        foreach (double at in Points)
        {
            var t = new Tape();
            var x = t.Variable(at);
            var y = onScalar(x);
            var d1 = t.Differentiate(y, x)[0];
            var d2 = t.Differentiate(d1, x)[0];
            var d3 = t.Differentiate(d2, x)[0];
            var expected = closed(at);
            Assert.Equal(expected, [y.Value, d1.Value, d2.Value, d3.Value], (a, b) => Math.Abs(a - b) <= 1e-13 * (1 + Math.Abs(b)));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Third_derivative_on_tensors_matches_the_closed_form(string name)
    {
        var (f, _, closed) = Case(name);
        var t = new Tape();
        var x = t.Track(Tensor.From(Points));
        var y = x.Apply(f);
        var d1 = t.Differentiate(y.Sum(), x)[0]; // element i depends on xᵢ only, so ∂Σ/∂xᵢ is f′(xᵢ)
        var d2 = t.Differentiate(d1.Sum(), x)[0];
        var d3 = t.Differentiate(d2.Sum(), x)[0];
        // and once more through the fast sweep: Σ f‴ back to x gives f⁗, which the generated chain does not have
        for (int i = 0; i < Points.Length; i++)
        {
            var expected = closed(Points[i]);
            double[] actual = [y.Value[i], d1.Value[i], d2.Value[i], d3.Value[i]];
            Assert.Equal(expected, actual, (a, b) => Math.Abs(a - b) <= 1e-13 * (1 + Math.Abs(b)));
        }
    }

    [Fact]
    public void Third_derivative_by_Hvp_of_the_second_is_the_closed_form()
    {
        // d/dx of tanh″ through Derivatives.Hvp of f(x) = Σ tanh′(x), whose Hessian is diag(tanh‴)
        var x = Tensor.From(Points);
        var ones = Tensor.Full(1.0, Points.Length);
        var third = Derivatives.Hvp((t, v) => t.Differentiate(v.Tanh().Sum(), v)[0].Sum(), x, ones);
        for (int i = 0; i < Points.Length; i++)
            Assert.Equal(Case("tanh").Closed(Points[i])[3], third.Data[i], 13);
    }

    /// <summary>An activation written by hand without a Derivative: first order works, second order refuses by name.</summary>
    private sealed class Square : ElementwiseFunction<double>
    {
        public override string Name => "hand-written square";
        public override void Forward(ReadOnlySpan<double> x, Span<double> y) { for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i]; }
        public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
        { for (int i = 0; i < x.Length; i++) dx[i] += dy[i] * 2 * x[i]; }
    }

    [Fact]
    public void An_activation_without_a_Derivative_differentiates_once_and_refuses_twice_by_name()
    {
        var x = Tensor.From<double>([1, -2]);
        Var<double> F(Tape t, Var<double> v) => v.Apply(new Square()).Sum();
        Assert.Equal([2, -4], Derivatives.Gradient(F, x).Data);
        var t = new Tape();
        var xv = t.Track(x);
        var g = t.Differentiate(F(t, xv), xv)[0];
        Assert.Equal([2, -4], g.Value.ToArray());
        foreach (var attempt in new Action[]
        {
            () => t.Differentiate(g.Sum(), xv),
            () => t.Backward(g.Sum()),
            () => Derivatives.Hessian(F, x),
            () => Derivatives.Hvp(F, x, x),
        })
        {
            var e = Assert.Throws<NotSupportedException>(attempt);
            Assert.Contains("'hand-written square' has no Derivative", e.Message);
        }
        // forward mode needs only f′: the Jvp works
        Assert.Equal(2 * 1 * 0.5 + 2 * -2 * 1.0, Derivatives.Jvp(F, x, Tensor.From<double>([0.5, 1])).Tangent.Item);
    }

    [Fact]
    public void A_tensor_function_without_tape_rules_differentiates_once_and_refuses_twice_by_name()
    {
        var t = new Tape();
        var x = t.Track(Tensor.From<double>([1, -2, 3, -4], 2, 2));
        var alpha = t.Track(Tensor.From<double>([0.1, 0.5]));
        var y = Var.Function(Core.PRelu.Instance, x, alpha);
        var g = t.Differentiate((y * y).Sum(), x, alpha);
        // ∂Σy²/∂x = 2y·y′: x > 0 → 2x, else 2α²x; ∂/∂α = Σ 2αx² over x ≤ 0: α₀: 2·0.1·(−2)²... (column 1 holds −2 and −4: α₁)
        Assert.Equal([2, 2 * 0.25 * -2, 6, 2 * 0.25 * -4], g[0].Value.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal([0, 2 * 0.5 * (4 + 16)], g[1].Value.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        var e = Assert.Throws<NotSupportedException>(() => t.Differentiate(g[1].Sum(), alpha));
        Assert.Contains("'prelu' has no vector-Jacobian product in tape operations (override TryVjp)", e.Message);
        var j = Assert.Throws<NotSupportedException>(() => Derivatives.Jvp((tp, v) => Var.Function(Core.PRelu.Instance, v, tp.Constant(Tensor.From<double>([0.1, 0.5]))), Tensor.From<double>([1, -1]), Tensor.From<double>([1, 1])));
        Assert.Contains("'prelu' has no tangent rule (override TryJvp)", j.Message);
    }
}
