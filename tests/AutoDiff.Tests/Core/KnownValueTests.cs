using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>Gradients whose expected values were derived by hand (in the comments), many with diamonds.</summary>
public class KnownValueTests
{
    [Fact]
    public void Product_used_twice_and_with_its_input()
    {
        // a = xy = 6, f = a² + a·x = 36 + 12 = 48
        // ∂f/∂x = 2a·y + (y·x + a) = 36 + 12 = 48;  ∂f/∂y = 2a·x + x·x = 24 + 4 = 28
        var t = new Tape();
        var (x, y) = (t.Variable(2), t.Variable(3));
        var a = x * y;
        var f = a * a + a * x;
        Assert.Equal(48, f.Value);
        Assert.Equal([48, 28], t.Gradient(f, x, y));
    }

    [Fact]
    public void Max_and_min_pass_an_infinite_adjoint_to_one_input_only()
    {
        // z = (max(a, b)·1e200)·1e200 overflows, so ∂z/∂max = 1e400 = ∞; it all goes to b (the larger), a gets 0, not 0·∞ = NaN
        var t = new Tape();
        var (a, b) = (t.Variable(1), t.Variable(2));
        t.Backward(Scalar.Max(a, b) * 1e200 * 1e200);
        Assert.Equal(0.0, a.Grad);
        Assert.Equal(double.PositiveInfinity, b.Grad);
        t.Backward(Scalar.Min(a, b) * 1e200 * 1e200);
        Assert.Equal(double.PositiveInfinity, a.Grad);
        Assert.Equal(0.0, b.Grad);
    }

    [Fact]
    public void A_long_chain_sweeps_through_every_kind_of_input()
    {
        // f = x + x·(…(x·x)…): each node's inputs are the node before it (carried by the sweep) and x (in memory).
        // f = x + x² + x³ + … + xⁿ with n = 50 by Horner's rule; f′(x) = Σ k·xᵏ⁻¹ = (1 − 51xⁿ + 50xⁿ⁺¹)/(1 − x)², at x = 0.5: 4 − 104·0.5⁵⁰
        var t = new Tape();
        var x = t.Variable(0.5);
        var f = x;
        for (int k = 1; k < 50; k++) f = x + x * f;
        Assert.Equal(1 - Math.Pow(0.5, 50), f.Value, 1e-15);
        t.Backward(f);
        Assert.Equal(4 - 104 * Math.Pow(0.5, 50), x.Grad, 1e-13);
    }

    [Fact]
    public void Exp_times_itself()
    {
        // f = eˣ·eˣ = e²ˣ, f' = 2e²ˣ; at x = 0.5: 2e
        var t = new Tape();
        var x = t.Variable(0.5);
        var e = Scalar.Exp(x);
        var f = e * e;
        t.Backward(f);
        Assert.Equal(Math.E, f.Value, 1e-15);
        Assert.Equal(2 * Math.E, x.Grad, 1e-14);
    }

    [Theory]
    // f = x/(x+1): f' = 1/(x+1)²
    [InlineData("x/(x+1)", 1.0, 0.5, 0.25)]
    // f = ln(x·x): f' = 2/x
    [InlineData("log(x*x)", 3.0, 2.1972245773362196, 2.0 / 3)]
    // f = √x·√x = x: f' = 1
    [InlineData("sqrt(x)*sqrt(x)", 7.0, 7.000000000000001, 1.0)]
    // f = x³ via pow: 3x² = 12 at 2
    [InlineData("pow(x,3)", 2.0, 8.0, 12.0)]
    // relu and abs at their kinks take the subgradient 0
    [InlineData("relu(x)", 0.0, 0.0, 0.0)]
    [InlineData("abs(x)", 0.0, 0.0, 0.0)]
    // max(x, x) is a tie: the whole gradient goes to the first argument, once
    [InlineData("max(x,x)", 1.5, 1.5, 1.0)]
    // 1/x = x⁻¹: −1/x² = −0.25 at 2
    [InlineData("1/x", 2.0, 0.5, -0.25)]
    public void Single_variable(string name, double at, double value, double derivative)
    {
        var t = new Tape();
        var x = t.Variable(at);
        Scalar f = name switch
        {
            "x/(x+1)" => x / (x + 1),
            "log(x*x)" => Scalar.Log(x * x),
            "sqrt(x)*sqrt(x)" => Scalar.Sqrt(x) * Scalar.Sqrt(x),
            "pow(x,3)" => Scalar.Pow(x, 3),
            "relu(x)" => x.Relu(),
            "abs(x)" => Scalar.Abs(x),
            "max(x,x)" => Scalar.Max(x, x),
            "1/x" => 1.0 / x,
            _ => throw new ArgumentException(name),
        };
        t.Backward(f);
        Assert.Equal(value, f.Value, 12);
        Assert.Equal(derivative, x.Grad, 12);
    }

    [Fact]
    public void Max_routes_the_gradient_to_the_larger_input()
    {
        // f = max(x, y)·x with x = 2 > y = 1: f = x², ∂f/∂x = 2x = 4, ∂f/∂y = 0
        var t = new Tape();
        var (x, y) = (t.Variable(2), t.Variable(1));
        Assert.Equal([4, 0], t.Gradient(Scalar.Max(x, y) * x, x, y));
    }

    [Fact]
    public void Broadcast_product_squared()
    {
        // W = [[1,2],[3,4]], b = [1,−1]: W∘b = [[1,−2],[3,−4]], f = Σ(W∘b)² = 30
        // ∂f/∂W = 2(W∘b)∘b = [[2,4],[6,8]];  ∂f/∂b = Σ_rows 2(W∘b)∘W = [2(1+9), 2(−4−16)] = [20, −40]
        var t = new Tape();
        var w = t.Track(Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } }));
        var b = t.Track(Tensor.From<double>([1, -1]));
        var f = (w * b).Square().Sum();
        t.Backward(f);
        Assert.Equal(30, f.Item);
        Assert.Equal([2, 4, 6, 8], w.Grad.ToArray());
        Assert.Equal([20, -40], b.Grad.ToArray());
    }

    [Fact]
    public void Matmul_of_row_and_column()
    {
        // [1 2]·[3 4]ᵀ = 11; ∂/∂A = Bᵀ = [3, 4], ∂/∂B = Aᵀ = [1, 2]
        var t = new Tape();
        var a = t.Track(Tensor.From<double>([1, 2], 1, 2));
        var b = t.Track(Tensor.From<double>([3, 4], 2, 1));
        var f = a.MatMul(b);
        t.Backward(f);
        Assert.Equal(11, f.Item);
        Assert.Equal([3, 4], a.Grad.ToArray());
        Assert.Equal([1, 2], b.Grad.ToArray());
    }

    [Fact]
    public void Tensor_used_three_times()
    {
        // y = Σ(x∘x + x): ∂y/∂x = 2x + 1
        var t = new Tape();
        var x = t.Track(Tensor.From<double>([-1, 0, 2.5]));
        t.Backward((x * x + x).Sum());
        Assert.Equal([-1, 1, 6], x.Grad.ToArray());
    }

    [Fact]
    public void Softmax_of_zero_and_log3()
    {
        // softmax([0, ln 3]) = [1/4, 3/4]; ∂s₁/∂x₁ = s₁(1 − s₁) = 3/16, ∂s₁/∂x₀ = −s₀s₁ = −3/16
        var t = new Tape();
        var x = t.Track(Tensor.From<double>([0, Math.Log(3)], 1, 2));
        var s = x.Softmax();
        Assert.Equal(0.25, s.Value[0], 15);
        Assert.Equal(0.75, s.Value[1], 15);
        t.Backward(s, Tensor.From<double>([0, 1], 1, 2));
        Assert.Equal(-3.0 / 16, x.Grad[0], 15);
        Assert.Equal(3.0 / 16, x.Grad[1], 15);
    }

    [Fact]
    public void Logsumexp_does_not_overflow()
    {
        // log(e¹⁰⁰⁰ + e¹⁰⁰⁰) = 1000 + ln 2; gradient softmax = [½, ½]
        var t = new Tape();
        var x = t.Track(Tensor.From<double>([1000, 1000]));
        var l = x.LogSumExp();
        t.Backward(l);
        Assert.Equal(1000 + Math.Log(2), l.Item, 12);
        Assert.Equal([0.5, 0.5], x.Grad.ToArray());
    }

    [Fact]
    public void Detach_stops_the_gradient()
    {
        // f = Σ x∘stop(x): ∂f/∂x = stop(x) = x (not 2x)
        var t = new Tape();
        var x = t.Track(Tensor.From<double>([3, -2]));
        t.Backward((x * x.Detach()).Sum());
        Assert.Equal([3, -2], x.Grad.ToArray());
    }

    [Fact]
    public void NoGrad_scope_records_constants()
    {
        var t = new Tape();
        var x = t.Variable(2);
        Scalar y;
        using (t.NoGrad()) y = x * x;
        var f = y * x; // y is a constant 4 here: ∂f/∂x = 4
        t.Backward(f);
        Assert.Equal(8, f.Value);
        Assert.Equal(4, x.Grad);
        Assert.True(t.IsRecording);
    }

    [Fact]
    public void Unreached_values_have_zero_gradient()
    {
        var t = new Tape();
        var (x, y) = (t.Variable(1), t.Variable(2));
        var f = x * 3.0;
        t.Backward(f);
        Assert.Equal(0, y.Grad);
        var v = t.Track(Tensor.From<double>([1, 2]));
        var u = t.Track(Tensor.From<double>([1, 2]));
        t.Backward(v.Sum());
        Assert.Equal([0, 0], u.Grad.ToArray());
    }
}
