using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>Forward and backward shapes of broadcasting, reductions and matrix products.</summary>
public class ShapeTests
{
    public static TheoryData<int[], int[], int[]> Broadcasts() => new()
    {
        { [2, 3], [3], [2, 3] },
        { [2, 1], [1, 3], [2, 3] },
        { [4, 1, 3], [2, 1], [4, 2, 3] },
        { [], [2, 2], [2, 2] },
        { [5], [1], [5] },
        { [1, 1], [3, 1, 1], [3, 1, 1] },
        { [0, 3], [3], [0, 3] },
    };

    [Theory]
    [MemberData(nameof(Broadcasts))]
    public void Broadcast_shapes_forward_and_backward(int[] a, int[] b, int[] expected)
    {
        var t = new Tape();
        var rng = new Random(1);
        var (x, y) = (t.Track(Tensor.Uniform<double>(rng, -1, 1, a)), t.Track(Tensor.Uniform<double>(rng, -1, 1, b)));
        var z = x * y + x;
        Assert.Equal(new Shape(expected), z.Shape);
        t.Backward(z.Sum());
        Assert.Equal(x.Shape.Length, x.Grad.Length);
        Assert.Equal(y.Shape.Length, y.Grad.Length);
    }

    [Fact]
    public void Broadcast_values_follow_numpy()
    {
        // [[1],[2]] + [10, 20, 30] = [[11,21,31],[12,22,32]]; the column's gradient sums over 3, the row's over 2
        var t = new Tape();
        var c = t.Track(Tensor.From<double>([1, 2], 2, 1));
        var r = t.Track(Tensor.From<double>([10, 20, 30]));
        var z = c + r;
        Assert.Equal([11, 21, 31, 12, 22, 32], z.Value.ToArray());
        t.Backward(z.Sum());
        Assert.Equal([3, 3], c.Grad.ToArray());
        Assert.Equal([2, 2, 2], r.Grad.ToArray());
    }

    public static TheoryData<int[], int[], int[]> Products() => new()
    {
        { [2, 3], [3, 4], [2, 4] },
        { [5, 2, 3], [3, 4], [5, 2, 4] },
        { [5, 2, 3], [5, 3, 4], [5, 2, 4] },
        { [1, 7], [7, 1], [1, 1] },
        { [2, 0], [0, 3], [2, 3] },
    };

    [Theory]
    [MemberData(nameof(Products))]
    public void Matmul_shapes_forward_and_backward(int[] a, int[] b, int[] expected)
    {
        var t = new Tape();
        var rng = new Random(2);
        var (x, y) = (t.Track(Tensor.Uniform<double>(rng, -1, 1, a)), t.Track(Tensor.Uniform<double>(rng, -1, 1, b)));
        var z = x.MatMul(y);
        Assert.Equal(new Shape(expected), z.Shape);
        t.Backward(z.Sum());
        Assert.Equal(x.Shape.Length, x.Grad.Length);
        Assert.Equal(y.Shape.Length, y.Grad.Length);
    }

    [Fact]
    public void Matmul_values_match_a_hand_product()
    {
        // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]
        var t = new Tape();
        var z = t.Track(Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } })).MatMul(t.Track(Tensor.From(new double[,] { { 5, 6 }, { 7, 8 } })));
        Assert.Equal([19, 22, 43, 50], z.Value.ToArray());
    }

    [Theory]
    [InlineData(0, false, new[] { 3, 4 })]
    [InlineData(1, false, new[] { 2, 4 })]
    [InlineData(-1, true, new[] { 2, 3, 1 })]
    public void Sum_over_an_axis(int axis, bool keep, int[] expected)
    {
        var t = new Tape();
        var x = t.Track(Tensor.Full(1.0, 2, 3, 4));
        var s = x.Sum(axis, keep);
        Assert.Equal(new Shape(expected), s.Shape);
        Assert.All(s.Value.ToArray(), v => Assert.Equal(new Shape(2, 3, 4)[axis], v));
    }

    [Fact]
    public void Slice_takes_a_window_and_its_gradient_fills_only_that_window()
    {
        // x = [[1,2,3],[4,5,6]]: columns 1..2 = [[2,3],[5,6]]; ∂Σ/∂x = [[0,1,1],[0,1,1]]
        var t = new Tape();
        var x = t.Track(Tensor.From<double>([1, 2, 3, 4, 5, 6], 2, 3));
        var s = x.Slice(1, 1, 2);
        Assert.Equal(new Shape(2, 2), s.Shape);
        Assert.Equal([2, 3, 5, 6], s.Value.ToArray());
        t.Backward(s.Sum());
        Assert.Equal([0, 1, 1, 0, 1, 1], x.Grad.ToArray());
        Assert.Contains("[2, 3]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(1, 2, 2)).Message);
    }

    [Fact]
    public void Reshape_infers_one_dimension_and_transpose_swaps()
    {
        var t = new Tape();
        var x = t.Track(Tensor.From<double>([1, 2, 3, 4, 5, 6], 2, 3));
        Assert.Equal(new Shape(3, 2), x.Reshape(-1, 2).Shape);
        Assert.Equal([1, 4, 2, 5, 3, 6], x.Transpose().Value.ToArray());
    }
}
