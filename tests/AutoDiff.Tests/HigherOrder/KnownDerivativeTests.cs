using Xunit;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>Higher-order derivatives whose values were worked out by hand (in the comments).</summary>
public class KnownDerivativeTests
{
    [Fact]
    public void Scalar_derivatives_of_x_to_the_fourth_to_any_order()
    {
        // f = x⁴ at x = 1.5: f′ = 4x³ = 13.5, f″ = 12x² = 27, f‴ = 24x = 36, f⁗ = 24, f⁽⁵⁾ = 0
        var t = new Tape();
        var x = t.Variable(1.5);
        var f = x * x * x * x;
        var d1 = t.Differentiate(f, x)[0];
        var d2 = t.Differentiate(d1, x)[0];
        var d3 = t.Differentiate(d2, x)[0];
        var d4 = t.Differentiate(d3, x)[0];
        var d5 = t.Differentiate(d4, x)[0];
        Assert.Equal([13.5, 27, 36, 24, 0], new[] { d1.Value, d2.Value, d3.Value, d4.Value, d5.Value });
    }

    [Fact]
    public void Scalar_mixed_partials_and_the_fast_sweep_through_a_recorded_gradient()
    {
        // f = x²y + y³ at (2, 3): ∇f = (2xy, x² + 3y²) = (12, 31); H = [[2y, 2x], [2x, 6y]] = [[6, 4], [4, 18]]
        var t = new Tape();
        var (x, y) = (t.Variable(2), t.Variable(3));
        var f = x * x * y + Scalar.Pow(y, 3);
        var g = t.Differentiate(f, x, y);
        Assert.Equal([12, 31], new[] { g[0].Value, g[1].Value });
        // Backward of ∂f/∂y gives the second row of H, through the table's rules recorded by Differentiate
        Assert.Equal([4, 18], t.Gradient(g[1], x, y));
        Assert.Equal([6, 4], t.Gradient(g[0], x, y));
    }

    [Fact]
    public void Scalar_Hessian_Hvp_and_Jvp_of_rosenbrock()
    {
        // f = (1 − x)² + 100(y − x²)² at (1, 2):
        // ∇f = (−2(1−x) − 400x(y−x²), 200(y−x²)) = (−400, 200)
        // H = [[2 − 400(y − 3x²), −400x], [−400x, 200]] = [[402, −400], [−400, 200]]
        static Scalar Rosenbrock(Tape t, Scalar[] v) => Scalar.Pow(1.0 - v[0], 2) + 100.0 * Scalar.Pow(v[1] - v[0] * v[0], 2);
        double[] at = [1, 2];
        Assert.Equal([-400, 200], Derivatives.Gradient(Rosenbrock, at));
        var h = Derivatives.Hessian(Rosenbrock, at);
        Assert.Equal(new double[,] { { 402, -400 }, { -400, 200 } }, h);
        Assert.Equal([402 * 0.5 - 400 * -1, -400 * 0.5 + 200 * -1], Derivatives.Hvp(Rosenbrock, at, [0.5, -1]));
        var (value, tangent) = Derivatives.Jvp(Rosenbrock, at, [0.5, -1]);
        Assert.Equal(100, value);
        Assert.Equal(-400 * 0.5 + 200 * -1, tangent);
    }

    [Fact]
    public void Tensor_gradient_and_Hessian_of_a_quadratic_form()
    {
        // f = ‖Ax‖² with A = [[1, 2], [3, 4], [0, 1]]: ∇f = 2AᵀAx, H = 2AᵀA = 2·[[10, 14], [14, 21]]
        var a = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 }, { 0, 1 } });
        Var<double> F(Tape t, Var<double> x) => t.Constant(a).MatMul(x.Reshape(2, 1)).Square().Sum();
        var x0 = Tensor.From<double>([1, -1]);
        // Ax = [−1, −1, −1]; Aᵀ(Ax) = [−4, −7]; ∇f = [−8, −14]
        Assert.Equal([-8, -14], Derivatives.Gradient(F, x0).Data);
        Assert.Equal([20, 28, 28, 42], Derivatives.Hessian(F, x0).Data);
        Assert.Equal(new Shape(2, 2), Derivatives.Hessian(F, x0).Shape);
        Assert.Equal([20 * 2 + 28 * 0.5, 28 * 2 + 42 * 0.5], Derivatives.Hvp(F, x0, Tensor.From<double>([2, 0.5])).Data);
    }

    [Fact]
    public void Float32_Hessian_and_Hvp_of_a_sum_of_cubes()
    {
        // f = Σ xᵢ³: ∇f = 3x², H = diag(6x); at x = [1, −2, 0.5]: H = diag(6, −12, 3), H·[1, 1, 2] = [6, −12, 6]
        var x = Tensor.From<float>([1, -2, 0.5f]);
        Var<float> F(Tape t, Var<float> v) => (v * v * v).Sum();
        Assert.Equal([3, 12, 0.75f], Derivatives.Gradient(F, x).Data);
        Assert.Equal([6, 0, 0, 0, -12, 0, 0, 0, 3], Derivatives.Hessian(F, x).Data);
        Assert.Equal([6, -12, 6], Derivatives.Hvp(F, x, Tensor.From<float>([1, 1, 2])).Data);
        var multi = Derivatives.Hvp((t, p) => (p[0] * p[0] * p[1]).Sum(), [Tensor.From<float>([2]), Tensor.From<float>([3])], [Tensor.From<float>([1]), Tensor.From<float>([0])]);
        // f = a²b: H = [[2b, 2a], [2a, 0]] = [[6, 4], [4, 0]]; H·[1, 0] = [6, 4]
        Assert.Equal([6f, 4f], new[] { multi[0].Item, multi[1].Item });
    }

    [Fact]
    public void Softmax_Jvp_is_p_times_v_minus_its_mean_under_p()
    {
        // J·v of softmax = p ⊙ (v − ⟨v, p⟩); at x = [0, ln 2, ln 3]: p = [1/6, 2/6, 3/6]
        var x = Tensor.From([0, Math.Log(2), Math.Log(3)]);
        var v = Tensor.From<double>([1, 0, -1]);
        var (p, jv) = Derivatives.Jvp((t, z) => z.Softmax(), x, v);
        double mean = 1.0 / 6 - 3.0 / 6;
        double[] expected = [1.0 / 6 * (1 - mean), 2.0 / 6 * (0 - mean), 3.0 / 6 * (-1 - mean)];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((i + 1) / 6.0, p.Data[i], 15);
            Assert.Equal(expected[i], jv.Data[i], 15);
        }
    }

    [Fact]
    public void Jacobian_by_rows_and_by_columns_of_an_elementwise_product()
    {
        // f(x) = [x₀x₁, x₁x₂] (2 outputs, 3 inputs: reverse rows); g(x) = x ⊙ x (3 outputs, 2 inputs... forward columns)
        var x = Tensor.From<double>([2, 3, 5]);
        var jf = Derivatives.Jacobian((t, v) => v.Slice(0, 0, 2) * v.Slice(0, 1, 2), x);
        Assert.Equal(new Shape(2, 3), jf.Shape);
        Assert.Equal([3, 2, 0, 0, 5, 3], jf.Data);
        var y = Tensor.From<double>([2, 3]);
        var jg = Derivatives.Jacobian((t, v) => (v.Reshape(2, 1) * v.Reshape(1, 2)).Reshape(4).Slice(0, 0, 3), y);
        // outer product [x₀x₀, x₀x₁, x₁x₀]: rows [2x₀, 0], [x₁, x₀], [x₁, x₀]
        Assert.Equal(new Shape(3, 2), jg.Shape);
        Assert.Equal([4, 0, 3, 2, 3, 2], jg.Data);
    }

    [Fact]
    public void Physics_style_second_derivative_of_a_network_output_is_differentiable_in_the_weights()
    {
        // u(x) = w·x³ for a batch x: du/dx = 3wx², d²u/dx² = 6wx; L = Σ (d²u/dx²)² = 36w²Σx²; dL/dw = 72wΣx²
        var t = new Tape();
        var w = t.Track(Tensor.From<double>([0.5]));
        var x = t.Track(Tensor.From<double>([1, 2, 3]));
        var u = w * x * x * x;
        var du = t.Differentiate(u.Sum(), x)[0];
        var d2u = t.Differentiate(du.Sum(), x)[0];
        Assert.Equal([3, 6, 9], d2u.Value.ToArray());
        var loss = d2u.Square().Sum();
        t.Backward(loss);
        Assert.Equal(72 * 0.5 * 14, w.Grad[0], 12);
    }
}
