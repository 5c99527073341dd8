using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>Every documented misuse raises its exception with a message that names the problem.</summary>
public class ErrorTests
{
    private static Tensor<double> T(params int[] shape) => Tensor.Zeros<double>(shape);

    [Fact]
    public void Shape_mismatch_names_both_shapes()
    {
        var t = new Tape();
        var e = Assert.Throws<ShapeMismatchException>(() => t.Track(T(2, 3)) + t.Track(T(2)));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void Matmul_inner_mismatch_names_both_shapes()
    {
        var t = new Tape();
        var e = Assert.Throws<ShapeMismatchException>(() => t.Track(T(2, 3)).MatMul(t.Track(T(4, 5))));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 5]", e.Message);
        Assert.Contains("inner dimensions 3 and 4", e.Message);
    }

    [Fact]
    public void Matmul_of_a_rank_0_value_names_both_shapes()
    {
        var t = new Tape();
        var e = Assert.Throws<ShapeMismatchException>(() => t.Track(T(3)).MatMul(t.Track(T())));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[]", e.Message);
        Assert.Contains("rank-0", e.Message);
    }

    [Fact]
    public void Gradient_of_a_non_scalar_needs_a_seed()
    {
        var t = new Tape();
        var x = t.Track(T(2, 2));
        var e = Assert.Throws<InvalidOperationException>(() => t.Backward(x.Exp()));
        Assert.Contains("[2, 2]", e.Message);
        Assert.Contains("seed", e.Message);
    }

    [Fact]
    public void Seed_must_have_the_output_shape()
    {
        var t = new Tape();
        var y = t.Track(T(2, 2)).Exp();
        var e = Assert.Throws<ShapeMismatchException>(() => t.Backward(y, T(4)));
        Assert.Contains("[2, 2]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void Values_from_another_tape_are_refused()
    {
        var (t1, t2) = (new Tape(), new Tape());
        var s = Assert.Throws<InvalidOperationException>(() => t1.Variable(1) + t2.Variable(2));
        Assert.Contains("different tapes", s.Message);
        var v = Assert.Throws<InvalidOperationException>(() => t1.Track(T(2)) + t2.Track(T(2)));
        Assert.Contains("different tapes", v.Message);
        var g = Assert.Throws<InvalidOperationException>(() => t1.Backward(t2.Variable(3)));
        Assert.Contains("another tape", g.Message);
    }

    [Fact]
    public void Values_from_before_Reset_are_refused()
    {
        var t = new Tape();
        var x = t.Variable(1);
        var v = t.Track(T(2));
        t.Reset();
        var y = t.Variable(2);
        Assert.Contains("before Reset()", Assert.Throws<InvalidOperationException>(() => x + y).Message);
        Assert.Contains("before Reset()", Assert.Throws<InvalidOperationException>(() => x.Value).Message);
        Assert.Contains("before Reset()", Assert.Throws<InvalidOperationException>(() => v.Exp()).Message);
        Assert.Contains("before Reset()", Assert.Throws<InvalidOperationException>(() => t.Backward(v.Sum())).Message);
    }

    [Fact]
    public void Default_handles_are_refused()
    {
        var t = new Tape();
        Assert.Contains("default", Assert.Throws<InvalidOperationException>(() => default(Scalar) + t.Variable(1)).Message);
        Assert.Contains("default", Assert.Throws<InvalidOperationException>(() => default(Var<double>).Exp()).Message);
        Assert.Contains("default", Assert.Throws<InvalidOperationException>(() => Scalar.Exp(default)).Message);
    }

    [Fact]
    public void Undefined_ops_on_empty_tensors_throw()
    {
        var t = new Tape();
        Assert.Contains("empty", Assert.Throws<InvalidOperationException>(() => t.Track(T(0, 3)).Mean()).Message);
        Assert.Contains("empty", Assert.Throws<InvalidOperationException>(() => t.Track(T(3, 0)).Mean(1)).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => t.Track(T(2, 0)).Softmax()).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => t.Track(T(2, 0)).LogSumExp()).Message);
    }

    [Fact]
    public void Sums_of_empty_tensors_are_zero()
    {
        var t = new Tape();
        Assert.Equal(0, t.Track(T(0, 3)).Sum().Item);
        Assert.Equal([0, 0, 0], t.Track(T(0, 3)).Sum(0).Value.ToArray());
    }

    [Fact]
    public void Bad_axes_and_reshapes_name_the_shape()
    {
        var t = new Tape();
        var x = t.Track(T(2, 3));
        Assert.Contains("[2, 3]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Sum(2)).Message);
        Assert.Contains("[2, 3]", Assert.Throws<ShapeMismatchException>(() => x.Reshape(4, 2)).Message);
        Assert.Contains("[2, 3]", Assert.Throws<ShapeMismatchException>(() => x.Reshape(-1, 4)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Reshape(-2, 3));
        Assert.Contains("rank", Assert.Throws<ArgumentException>(() => t.Track(T(3)).Transpose()).Message);
    }

    [Fact]
    public void Negative_dimensions_and_wrong_lengths_are_refused()
    {
        Assert.Contains("negative", Assert.Throws<ArgumentOutOfRangeException>(() => new Shape(2, -1)).Message);
        Assert.Contains("needs 6", Assert.Throws<ArgumentException>(() => new Tensor<double>(new double[5], new Shape(2, 3))).Message);
    }

    [Fact]
    public void Gradient_before_any_backward_is_an_error()
    {
        var t = new Tape();
        var x = t.Track(T(2));
        Assert.Contains("Backward", Assert.Throws<InvalidOperationException>(() => x.Grad.ToArray()).Message);
    }
}
