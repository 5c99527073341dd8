using AutoDiff.FsCheck;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>GradCheck finds wrong gradients, says where, and passes right ones.</summary>
public class GradCheckTests
{
    /// <summary>Claims d/dx x² = x (wrong by a factor 2).</summary>
    private sealed class WrongSquare : ElementwiseFunction<double>
    {
        public override string Name => "wrong-square";
        public override void Forward(ReadOnlySpan<double> x, Span<double> y) { for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i]; }
        public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
        { for (int i = 0; i < x.Length; i++) dx[i] += dy[i] * x[i]; }
    }

    [Fact]
    public void A_wrong_gradient_fails_and_is_located()
    {
        var x = Tensor.From<double>([0, 0, 3, 0], 2, 2);
        var r = GradCheck.Check((t, v) => v[0].Apply(new WrongSquare()).Sum(), [x]);
        Assert.False(r.Passed);
        Assert.Equal("input 0, element [1, 0]", r.WorstLocation); // the only place the error is not 0
        Assert.Equal(3, r.Analytic, 9);
        Assert.Equal(6, r.Numeric, 6);
        Assert.Throws<GradCheckException>(() => r.ThrowIfFailed());
    }

    [Fact]
    public void A_wrong_gradient_is_found_in_random_directions_for_large_inputs()
    {
        var x = Tensor.Uniform<double>(new Random(3), 1, 2, 20, 20);
        var r = GradCheck.Check((t, v) => v[0].Apply(new WrongSquare()).Sum(), [x]);
        Assert.False(r.Passed);
        Assert.StartsWith("random direction", r.WorstLocation);
        Assert.Equal(8, r.Checks);
    }

    [Fact]
    public void A_right_gradient_passes_elementwise_and_directionally()
    {
        var small = GradCheck.Check((t, v) => (v[0] * v[1]).Exp().Sum(), [Tensor.From<double>([0.1, 0.2]), Tensor.From<double>([0.3, -0.4])]);
        Assert.True(small.Passed, small.ToString());
        Assert.Equal(4, small.Checks);
        var large = GradCheck.Check((t, v) => v[0].MatMul(v[1]).Softmax(), [Tensor.Uniform<double>(new Random(1), -1, 1, 10, 10), Tensor.Uniform<double>(new Random(2), -1, 1, 10, 10)]);
        Assert.True(large.Passed, large.ToString());
        Assert.Equal(8, large.Checks);
    }

    [Fact]
    public void Scalar_functions_are_checked_per_argument()
    {
        var r = GradCheck.Check((t, x) => x[0] * Scalar.Exp(x[1]), [1.5, -0.5]);
        Assert.True(r.Passed, r.ToString());
        Assert.Equal(2, r.Checks);
        var wrong = GradCheck.Check((t, x) => Scalar.Unary(x[0], Math.Sin(x[0].Value), 1.0), [1.0]);
        Assert.False(wrong.Passed);
    }

    [Fact]
    public void A_wrong_gradient_fails_the_fscheck_property()
    {
        var property = GradProperty.ForAll(TensorArb.Inputs(Domain.Real(1, 2), new Shape(3)), (t, v) => v[0].Apply(new WrongSquare()).Sum());
        Assert.ThrowsAny<Exception>(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(20).WithQuietOnSuccess(true), property));
    }
}
