using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>
/// The custom-operation API: <see cref="Scalar.Function"/> (an n-ary scalar op with known partials) and
/// <see cref="TensorFunction{T}"/> recorded with <see cref="Var.Function{T}"/>. Their gradients are
/// also rows of the scalar and tensor gradient tables.
/// </summary>
public class CustomOperationTests
{
    [Fact]
    public void Scalar_function_gradient_is_its_partials_times_the_adjoint()
    {
        // f = g(x, y, z)² with g = x·y + sin z; ∂f/∂x = 2g·y, ∂f/∂y = 2g·x, ∂f/∂z = 2g·cos z
        var t = new Tape();
        var (x, y, z) = (t.Variable(2), t.Variable(3), t.Variable(0.5));
        double gv = 6 + Math.Sin(0.5);
        var g = Scalar.Function([x, y, z], gv, [3, 2, Math.Cos(0.5)], "xy+sin z");
        var f = g * g;
        Assert.Equal(gv * gv, f.Value);
        var grad = t.Gradient(f, x, y, z);
        Assert.Equal(2 * gv * 3, grad[0], 12);
        Assert.Equal(2 * gv * 2, grad[1], 12);
        Assert.Equal(2 * gv * Math.Cos(0.5), grad[2], 12);
    }

    [Fact]
    public void Scalar_function_of_an_input_given_twice_adds_both_partials()
    {
        // f(a, b) = a·b at a = b = x: df/dx = b + a = 2x
        var t = new Tape();
        var x = t.Variable(1.5);
        var f = Scalar.Function([x, x], 2.25, [1.5, 1.5]);
        t.Backward(f);
        Assert.Equal(3.0, x.Grad);
    }

    [Fact]
    public void Scalar_function_refuses_bad_arguments()
    {
        var t = new Tape();
        var x = t.Variable(1);
        Assert.Contains("at least one input", Assert.Throws<ArgumentException>(() => Scalar.Function([], 1, [])).Message);
        var e = Assert.Throws<ArgumentException>(() => Scalar.Function([x, x], 1, [1.0], "pair"));
        Assert.Contains("pair has 2 input(s) but 1 partial(s)", e.Message);
        Assert.Contains("different tapes", Assert.Throws<InvalidOperationException>(() => Scalar.Function([x, new Tape().Variable(2)], 1, [1.0, 1.0])).Message);
        t.Reset();
        Assert.Contains("before Reset()", Assert.Throws<InvalidOperationException>(() => Scalar.Function([x], 1, [1.0])).Message);
        Assert.Contains("default", Assert.Throws<InvalidOperationException>(() => Scalar.Function([default], 1, [1.0])).Message);
    }

    [Fact]
    public void Scalar_function_with_a_non_finite_partial_is_named_in_anomaly_mode()
    {
        var t = new Tape { DetectAnomalies = true };
        var x = t.Variable(0);
        var f = Scalar.Function([x], 0, [double.PositiveInfinity], "cube root");
        var e = Assert.Throws<AnomalyException>(() => t.Backward(f));
        Assert.Contains("Function(cube root)", e.Message);
        Assert.Contains("#0", e.Message);
    }

    [Fact]
    public void Scalar_function_inside_NoGrad_is_a_constant()
    {
        var t = new Tape();
        var x = t.Variable(2);
        Scalar c;
        using (t.NoGrad()) c = Scalar.Function([x], 4, [4.0]);
        t.Backward(c * x);
        Assert.Equal(4, x.Grad);
    }

    [Fact]
    public void Scalar_function_loop_allocates_zero_bytes_after_warm_up()
    {
        var t = new Tape();
        double Step()
        {
            t.Reset();
            var (x, y) = (t.Variable(0.3), t.Variable(-0.7));
            var f = t.Constant(0);
            for (int i = 0; i < 50; i++)
            {
                double xv = x.Value, yv = y.Value;
                f += Scalar.Function([x, y, f], xv * yv + f.Value, [yv, xv, 1.0], "xy+f");
            }
            t.Backward(f);
            return x.Grad;
        }
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Tensor_function_values_and_gradients_match_hand_computed_ones()
    {
        // x = [[1, −2], [−3, 4]], α = [0.1, 0.5]: y = [[1, −1], [−0.3, 4]]
        // L = Σ y·w with w = [[1, 2], [3, 4]]: x̄ = w·([x>0] + [x≤0]α) = [[1, 1], [0.3, 4]]; ᾱ = Σ_rows w·[x≤0]·x = [−9, −4]
        var t = new Tape();
        var x = t.Track(Tensor.From<double>([1, -2, -3, 4], 2, 2));
        var alpha = t.Track(Tensor.From<double>([0.1, 0.5]));
        var y = Var.Function(PRelu.Instance, x, alpha);
        Assert.Equal(new Shape(2, 2), y.Shape);
        Assert.Equal([1, -1, -0.30000000000000004, 4], y.Value.ToArray());
        t.Backward((y * t.Constant(Tensor.From<double>([1, 2, 3, 4], 2, 2))).Sum());
        Assert.Equal([1, 1, 0.30000000000000004, 4], x.Grad.ToArray());
        Assert.Equal([-9, -4], alpha.Grad.ToArray());
    }

    [Fact]
    public void Tensor_function_skips_inputs_that_need_no_gradient()
    {
        var t = new Tape();
        var x = t.Constant(Tensor.From<double>([1, -2]));
        var alpha = t.Track(Tensor.From<double>([0.25, 0.5]).Reshape(2));
        t.Backward(Var.Function(PRelu.Instance, x, alpha).Sum());
        Assert.Equal([0, -2], alpha.Grad.ToArray());
        Assert.False(x.RequiresGrad);
    }

    [Fact]
    public void Tensor_function_refuses_bad_arguments_naming_itself()
    {
        var t = new Tape();
        var x = t.Track(Tensor.Zeros<double>(2, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => Var.Function(PRelu.Instance, x, t.Track(Tensor.Zeros<double>(2))));
        Assert.Contains("prelu", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("at least one input", Assert.Throws<ArgumentException>(() => Var.Function<double>(PRelu.Instance)).Message);
        Assert.Throws<ArgumentNullException>(() => Var.Function(null!, x));
        Assert.Contains("different tapes", Assert.Throws<InvalidOperationException>(() => Var.Function(PRelu.Instance, x, new Tape().Track(Tensor.Zeros<double>(3)))).Message);
        Assert.Contains("Input 1 does not exist", Assert.Throws<ArgumentOutOfRangeException>(() => Var.Function(PRelu.Instance, x)).Message);
        Assert.Contains("'bad shape' returned default(Shape)", Assert.Throws<InvalidOperationException>(() => Var.Function(new Misbehaving("bad shape"), x)).Message);
        Assert.Contains("'records' recorded on the tape inside Forward", Assert.Throws<InvalidOperationException>(() => Var.Function(new Misbehaving("records", t), x)).Message);
    }

    [Fact]
    public void Tensor_function_in_a_training_loop_allocates_zero_bytes_after_warm_up()
    {
        var rng = new Random(3);
        var w = Tensor.Uniform<float>(rng, -0.5, 0.5, 6, 4);
        var alpha = Tensor.Full(0.2f, 4);
        var x = Tensor.Uniform<float>(rng, -1, 1, 8, 6);
        var tape = new Tape();
        var slope = new Slope();
        void Step()
        {
            tape.Reset();
            var (pw, pa) = (tape.Track(w), tape.Track(alpha));
            var h = Var.Function(slope, tape.Constant(x).MatMul(pw), pa);
            tape.Backward(h.Square().Mean());
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(pw.Grad, -0.1f, w.Span, w.Span);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(pa.Grad, -0.1f, alpha.Span, alpha.Span);
        }
        for (int i = 0; i < 10; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>PReLU in float32, for the allocation test.</summary>
    private sealed class Slope : TensorFunction<float>
    {
        public override string Name => "prelu32";
        public override Shape OutputShape(TensorFunctionInputs<float> inputs) => inputs.ShapeOf(0);
        public override void Forward(TensorFunctionInputs<float> inputs, Span<float> output)
        {
            ReadOnlySpan<float> x = inputs[0], a = inputs[1];
            for (int i = 0; i < x.Length; i++) output[i] = x[i] > 0 ? x[i] : a[i % a.Length] * x[i];
        }
        public override void Backward(TensorFunctionInputs<float> inputs, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, TensorFunctionGradients<float> inputGrads)
        {
            ReadOnlySpan<float> x = inputs[0], a = inputs[1];
            Span<float> dx = inputGrads[0], da = inputGrads[1];
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] > 0) dx[i] += outputGrad[i];
                else { dx[i] += outputGrad[i] * a[i % a.Length]; da[i % a.Length] += outputGrad[i] * x[i]; }
            }
        }
    }

    /// <summary>Breaks the contract in the way its name says.</summary>
    private sealed class Misbehaving(string name, Tape? tape = null) : TensorFunction<double>
    {
        public override string Name => name;
        public override Shape OutputShape(TensorFunctionInputs<double> inputs) => name == "bad shape" ? default : inputs.ShapeOf(0);
        public override void Forward(TensorFunctionInputs<double> inputs, Span<double> output)
        {
            if (name == "records") tape!.Constant(Tensor.Scalar(1.0));
        }
        public override void Backward(TensorFunctionInputs<double> inputs, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGrad, TensorFunctionGradients<double> inputGrads) { }
    }
}
