using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>
/// Values and gradients of the NumPy/PyTorch tensor operations worked out by hand (or from the NumPy and
/// PyTorch documentation's examples), and the conventions at their kinks: pow at 0, clamp at its bounds,
/// ties of max and min. The gradients away from kinks are proven by <see cref="TensorOpsTable"/>.
/// </summary>
public class TensorOpsValueTests
{
    private static Tensor<double> Range(params int[] dims)
    {
        var t = new Tensor<double>(new Shape(dims));
        for (int i = 0; i < t.Length; i++) t.Span[i] = i;
        return t;
    }

    private static Tensor<double> T(double[] values, params int[] dims) => new(values, new Shape(dims));

    /// <summary>y's value, and the gradient of Σ seed ⊙ y (seed = ones unless given) with respect to x.</summary>
    private static (double[] Value, int[] Dims, double[] Grad) Run(Tensor<double> x, Func<Var<double>, Var<double>> f, double[]? seed = null)
    {
        var tape = new Tape();
        var v = tape.Track(x);
        var y = f(v);
        tape.Backward(y, new Tensor<double>(seed ?? Enumerable.Repeat(1.0, y.Shape.Length).ToArray(), y.Shape));
        return (y.Value.ToArray(), y.Shape.Dims.ToArray(), v.Grad.ToArray());
    }

    [Fact]
    public void Permute_moves_axes_and_its_gradient_moves_them_back()
    {
        var (value, dims, grad) = Run(Range(2, 3, 4), x => x.Permute(2, 0, 1), seed: Range(4, 2, 3).Data);
        Assert.Equal([4, 2, 3], dims);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                {
                    Assert.Equal(i * 12 + j * 4 + k, value[k * 6 + i * 3 + j]); // y[k, i, j] = x[i, j, k]
                    Assert.Equal(k * 6 + i * 3 + j, grad[i * 12 + j * 4 + k]);  // x̄[i, j, k] = ȳ[k, i, j]
                }
    }

    [Fact]
    public void Transpose_of_two_axes_equals_the_permutation_that_swaps_them()
    {
        var (a, dimsA, _) = Run(Range(2, 3, 4), x => x.Transpose(0, 2));
        var (b, dimsB, _) = Run(Range(2, 3, 4), x => x.Permute(2, 1, 0));
        Assert.Equal([4, 3, 2], dimsA);
        Assert.Equal(dimsB, dimsA);
        Assert.Equal(b, a);
        var (c, _, _) = Run(Range(2, 3, 4), x => x.Transpose(-1, 1));
        var (d, _, _) = Run(Range(2, 3, 4), x => x.Transpose());
        Assert.Equal(d, c);
    }

    [Fact]
    public void Sum_and_mean_over_several_axes()
    {
        // x[i, j, k] = 12i + 4j + k: Σ over i ∈ {0, 1} and k ∈ {0 … 3} is 32j + 60
        var (sum, dims, grad) = Run(Range(2, 3, 4), x => x.Sum([0, 2]));
        Assert.Equal([3], dims);
        Assert.Equal([60.0, 92, 124], sum);
        Assert.All(grad, g => Assert.Equal(1, g));
        var (mean, keptDims, meanGrad) = Run(Range(2, 3, 4), x => x.Mean([-1, 0], keepDims: true));
        Assert.Equal([1, 3, 1], keptDims);
        Assert.Equal([7.5, 11.5, 15.5], mean);
        Assert.All(meanGrad, g => Assert.Equal(0.125, g));
    }

    [Fact]
    public void Where_broadcasts_the_condition_and_both_branches_as_numpy()
    {
        // np.where([[True], [False]], [1, 2, 3], [[10], [20]]) = [[1, 2, 3], [20, 20, 20]]
        var tape = new Tape();
        var c = tape.Constant(T([1, 0], 2, 1));
        var a = tape.Track(T([1, 2, 3], 3));
        var b = tape.Track(T([10, 20], 2, 1));
        var y = Var.Where(c, a, b);
        Assert.Equal(new Shape(2, 3), y.Shape);
        Assert.Equal([1.0, 2, 3, 20, 20, 20], y.Value.ToArray());
        tape.Backward(y, T([1, 2, 3, 4, 5, 6], 2, 3));
        Assert.Equal([1.0, 2, 3], a.Grad.ToArray());   // row 0 picks a
        Assert.Equal([0.0, 15], b.Grad.ToArray());     // row 1 picks b: 4 + 5 + 6
        var picked = Var.Where(tape.Constant(Tensor.Scalar(0.0)), a, b);  // a rank-0 condition picks b everywhere
        Assert.Equal([10.0, 10, 10, 20, 20, 20], picked.Value.ToArray());
    }

    [Fact]
    public void MatMul_broadcasts_batches_and_treats_vectors_as_numpy()
    {
        var rng = new Random(3);
        Tensor<double> Rand(params int[] d) => Tensor.Uniform<double>(rng, -1, 1, d);
        // [m,k]·[b,k,n], [b,1,m,k]·[c,k,n], [b,m,k]·[1,k,n] against a plain triple loop per output matrix
        Check(Rand(2, 3), Rand(4, 3, 5), [4, 2, 5], (bi, _) => (0, bi));
        Check(Rand(2, 1, 2, 3), Rand(3, 3, 4), [2, 3, 2, 4], (bi, _) => (bi / 3, bi % 3));
        Check(Rand(3, 2, 3), Rand(1, 3, 2), [3, 2, 2], (bi, _) => (bi, 0));

        var tape = new Tape();
        var u = tape.Track(T([1, 2, 3], 3));
        var w = tape.Track(T([4, 5, 6], 3));
        var dot = u.MatMul(w);
        Assert.Equal(0, dot.Shape.Rank);
        Assert.Equal(32, dot.Item);
        tape.Backward(dot);
        Assert.Equal([4.0, 5, 6], u.Grad.ToArray());
        Assert.Equal([1.0, 2, 3], w.Grad.ToArray());

        var m = tape.Constant(T([1, 2, 3, 4, 5, 6], 2, 3));
        Assert.Equal([14.0, 32], m.MatMul(u).Value.ToArray());            // [2,3]·[3] → [2]
        Assert.Equal([9.0, 12, 15], tape.Constant(T([1, 2], 2)).MatMul(m).Value.ToArray()); // [2]·[2,3] → [3]
        Assert.Equal(new Shape(2, 2), tape.Constant(Rand(2, 2, 3)).MatMul(u).Shape);      // [2,2,3]·[3] → [2,2]
        Assert.Equal(new Shape(4, 5), u.MatMul(tape.Constant(Rand(4, 3, 5))).Shape);      // [3]·[4,3,5] → [4,5]

        // empty operands: an empty inner dimension sums nothing (zeros), an empty batch gives an empty result
        var empty = tape.Track(Tensor.Zeros<double>(2, 0)).MatMul(tape.Track(Tensor.Zeros<double>(0, 3)));
        Assert.Equal(new double[6], empty.Value.ToArray());
        Assert.Equal(0, tape.Constant(Tensor.Zeros<double>(0)).MatMul(tape.Constant(Tensor.Zeros<double>(0))).Item);
        var noBatch = tape.Track(Tensor.Zeros<double>(0, 2, 3)).MatMul(tape.Track(Rand(4, 1, 3, 2)));
        Assert.Equal(new Shape(4, 0, 2, 2), noBatch.Shape);
        tape.Backward(empty.Sum() + noBatch.Sum());

        static void Check(Tensor<double> a, Tensor<double> b, int[] dims, Func<int, int, (int A, int B)> source)
        {
            var tape = new Tape();
            var y = tape.Constant(a).MatMul(tape.Constant(b));
            Assert.Equal(dims, y.Shape.Dims.ToArray());
            int m = a.Shape[-2], k = a.Shape[-1], n = b.Shape[-1];
            for (int bi = 0; bi < y.Shape.Length / (m * n); bi++)
            {
                var (ai, bj) = source(bi, 0);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double expected = 0;
                        for (int p = 0; p < k; p++) expected += a.Data[ai * m * k + i * k + p] * b.Data[bj * k * n + p * n + j];
                        Assert.Equal(expected, y.Value[bi * m * n + i * n + j], 12);
                    }
            }
        }
    }

    [Fact]
    public void Pow_follows_pytorch_at_zero_and_for_negative_bases()
    {
        var x = T([-2, 0, 0.25, 4], 4);
        var (cube, _, cubeGrad) = Run(x, v => v.Pow(3));
        Assert.Equal([-8.0, 0, 0.015625, 64], cube);
        Assert.Equal([12.0, 0, 0.1875, 48], cubeGrad);       // 3x²
        var (root, _, rootGrad) = Run(x, v => v.Pow(0.5));
        Assert.True(double.IsNaN(root[0]) && double.IsNaN(rootGrad[0])); // (−2)^0.5 has no real value
        Assert.Equal([0.0, 0.5, 2], root[1..]);
        Assert.Equal([double.PositiveInfinity, 1, 0.25], rootGrad[1..]); // 0.5·x^−0.5: +∞ at 0, as PyTorch
        var (one, _, oneGrad) = Run(x, v => v.Pow(0));
        Assert.All(one, y => Assert.Equal(1, y));               // 0⁰ = 1
        Assert.All(oneGrad, g => Assert.Equal(0, g));          // and the gradient is 0, not 0·∞
        var (inverse, _, inverseGrad) = Run(T([0, -2], 2), v => v.Pow(-1));
        Assert.Equal([double.PositiveInfinity, -0.5], inverse);
        Assert.Equal([double.NegativeInfinity, -0.25], inverseGrad); // −x⁻²
    }

    [Fact]
    public void Clamp_passes_the_gradient_inside_and_at_its_bounds_as_pytorch()
    {
        var (value, _, grad) = Run(T([-2, -1, 0, 1.5, 3, double.NaN], 6), x => x.Clamp(-1, 1.5));
        Assert.Equal([-1.0, -1, 0, 1.5, 1.5], value[..5]);
        Assert.True(double.IsNaN(value[5]));
        Assert.Equal([0.0, 1, 1, 1, 0, 0], grad);
        var (below, _, belowGrad) = Run(T([-2, 1, 3], 3), x => x.Clamp(double.NegativeInfinity, 1));
        Assert.Equal([-2.0, 1, 1], below);
        Assert.Equal([1.0, 1, 0], belowGrad);
    }

    [Fact]
    public void Elementwise_max_and_min_give_a_tie_to_the_first_operand()
    {
        var tape = new Tape();
        var a = tape.Track(T([1, 2, 3], 3));
        var b = tape.Track(T([1, 5, 0], 3));
        tape.Backward(Var.Max(a, b).Sum());
        Assert.Equal([1.0, 0, 1], a.Grad.ToArray()); // the tie at element 0 goes to a (PyTorch: ½ each)
        Assert.Equal([0.0, 1, 0], b.Grad.ToArray());
        tape.Backward(Var.Min(a, b).Sum());
        Assert.Equal([1.0, 1, 0], a.Grad.ToArray());
        Assert.Equal([0.0, 0, 1], b.Grad.ToArray());
        tape.Backward((Var.Max(a, a) + Var.Min(a, a)).Sum());
        Assert.Equal([2.0, 2, 2], a.Grad.ToArray()); // max(x, x) and min(x, x) pass x's gradient once each
    }

    [Fact]
    public void Max_and_min_over_an_axis_give_the_gradient_to_the_first_extreme()
    {
        var x = T([1, 3, 3, 2, 2, 1], 2, 3);
        var (max, dims, maxGrad) = Run(x, v => v.Max(1));
        Assert.Equal([2], dims);
        Assert.Equal([3.0, 2], max);
        Assert.Equal([0.0, 1, 0, 1, 0, 0], maxGrad);
        var (min, _, minGrad) = Run(x, v => v.Min(1, keepDims: true));
        Assert.Equal([1.0, 1], min);
        Assert.Equal([1.0, 0, 0, 0, 0, 1], minGrad);
        var (colMax, colDims, colGrad) = Run(x, v => v.Max(0));
        Assert.Equal([3], colDims);
        Assert.Equal([2.0, 3, 3], colMax);
        Assert.Equal([0.0, 1, 1, 1, 0, 0], colGrad);
        var (all, allDims, allGrad) = Run(x, v => v.Max());
        Assert.Empty(allDims);
        Assert.Equal([3.0], all);
        Assert.Equal([0.0, 1, 0, 0, 0, 0], allGrad);

        var tape = new Tape();
        var v = tape.Constant(x);
        Assert.Equal([1, 0], v.ArgMax(1));
        Assert.Equal([0, 2], v.ArgMin(1));
        Assert.Equal([1, 0, 0], v.ArgMax(0));
        Assert.Equal(1, v.ArgMax());
        Assert.Equal(0, v.ArgMin());
        var withNaN = tape.Constant(T([1, double.NaN, 5, double.NaN], 4));
        Assert.Equal(1, withNaN.ArgMax());
        Assert.Equal(1, withNaN.ArgMin());
        Assert.True(double.IsNaN(withNaN.Max().Item));
    }

    [Fact]
    public void Concat_and_stack_join_and_their_gradients_split()
    {
        var tape = new Tape();
        var a = tape.Track(T([1, 2, 3, 4], 2, 2));
        var b = tape.Track(T([5, 6], 2, 1));
        var y = Var.Concat([a, b], axis: 1);
        Assert.Equal(new Shape(2, 3), y.Shape);
        Assert.Equal([1.0, 2, 5, 3, 4, 6], y.Value.ToArray());
        tape.Backward(y, Range(2, 3));
        Assert.Equal([0.0, 1, 3, 4], a.Grad.ToArray());
        Assert.Equal([2.0, 5], b.Grad.ToArray());

        var s = Var.Stack([a, a * 10.0], axis: 1);
        Assert.Equal(new Shape(2, 2, 2), s.Shape);
        Assert.Equal([1.0, 2, 10, 20, 3, 4, 30, 40], s.Value.ToArray());
        tape.Backward(s, Range(2, 2, 2));
        Assert.Equal([0 + 10 * 2.0, 1 + 10 * 3, 4 + 10 * 6, 5 + 10 * 7], a.Grad.ToArray());
        Assert.Equal(new Shape(3, 2, 2), Var.Stack([a, a, a]).Shape);
        Assert.Equal(new Shape(2, 2, 3), Var.Stack([a, a, a], axis: -1).Shape);
    }

    [Fact]
    public void IndexSelect_gathers_rows_and_its_gradient_adds_them_back()
    {
        var (value, dims, grad) = Run(Range(3, 2), x => x.IndexSelect(0, [2, 0, 2]), seed: [1, 2, 3, 4, 5, 6]);
        Assert.Equal([3, 2], dims);
        Assert.Equal([4.0, 5, 0, 1, 4, 5], value);
        Assert.Equal([3.0, 4, 0, 0, 1 + 5, 2 + 6], grad); // row 2 picked twice gets both
        var (columns, columnDims, _) = Run(Range(2, 3), x => x.IndexSelect(-1, [1]));
        Assert.Equal([2, 1], columnDims);
        Assert.Equal([1.0, 4], columns);
        var (none, noneDims, _) = Run(Range(2, 3), x => x.IndexSelect(0, []));
        Assert.Equal([0, 3], noneDims);
        Assert.Empty(none);
    }

    [Fact]
    public void The_new_operations_record_and_sweep_again_without_allocating()
    {
        var rng = new Random(5);
        var x = Tensor.Uniform<float>(rng, -1, 1, 4, 3, 5);
        var w = Tensor.Uniform<float>(rng, -1, 1, 2, 1, 5, 3);
        int[] rows = [3, 0, 3, 1];
        var tape = new Tape();
        void Step()
        {
            tape.Reset();
            var (vx, vw) = (tape.Track(x), tape.Track(w));
            var z = vx.MatMul(vw);                                          // [2,4,3,3], batches broadcast
            var p = z.Permute(1, 0, 3, 2).Transpose(0, 1).Sum([0, 2]);      // [4,3]
            var q = Var.Where(Var.Greater(p, 0f), p.Pow(2f), p.Clamp(-0.5f, 0.5f));
            var r = Var.Concat([q, Var.Min(q, 0.1f)], axis: 1).IndexSelect(0, rows);
            var s = Var.Stack([r.Max(1).Sum(), r.Min(0).Sum().Pow(3f) + r.Max(), r.Mean([0, 1]) + r.Sum(0).Sum()]);
            tape.Backward(s.Sum());
        }
        for (int i = 0; i < 5; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
