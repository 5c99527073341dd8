using System.Numerics;

namespace AutoDiff;

// Axes, joins and index selection: operations that move elements without changing them, so each
// gradient is the same movement backwards.
public readonly partial struct Var<T>
{
    /// <summary>
    /// The axes in a new order, as PyTorch's <c>permute</c> and NumPy's <c>transpose(axes)</c>: axis k of the result
    /// is axis <c>axes[k]</c> of this (negative axes count from the end), so <c>[2, 3, 4].Permute(2, 0, 1)</c> has
    /// shape [4, 2, 3]. A copy; the gradient is ȳ permuted back by the inverse order. The identity order returns this value.
    /// </summary>
    /// <exception cref="ArgumentException">The axes are not a permutation of 0 … rank−1 (wrong count, out of range, or repeated).</exception>
    public Var<T> Permute(params ReadOnlySpan<int> axes) => LayoutOps.Permute(this, axes);

    /// <summary>
    /// Swaps axes <paramref name="axis0"/> and <paramref name="axis1"/> (negative axes count from the end), as
    /// PyTorch's <c>transpose(dim0, dim1)</c>: the last two is <see cref="Transpose()"/>, any other pair a
    /// <see cref="Permute"/>. The gradient is ȳ with the same two axes swapped back.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An axis is out of range for the shape.</exception>
    public Var<T> Transpose(int axis0, int axis1)
    {
        var s = Shape;
        int a0 = Axis(s, axis0, nameof(axis0)), a1 = Axis(s, axis1, nameof(axis1));
        if (a0 == a1) return this;
        if (Math.Min(a0, a1) == s.Rank - 2 && Math.Max(a0, a1) == s.Rank - 1) return Transpose();
        Span<int> axes = stackalloc int[s.Rank];
        for (int k = 0; k < axes.Length; k++) axes[k] = k;
        (axes[a0], axes[a1]) = (a1, a0);
        return Permute(axes);

        static int Axis(Shape s, int axis, string name)
        {
            int r = axis < 0 ? axis + s.Rank : axis;
            return (uint)r < (uint)s.Rank ? r
                : throw new ArgumentOutOfRangeException(name, $"Transpose: axis {axis} is out of range for shape {s} (rank {s.Rank}).");
        }
    }

    /// <summary>
    /// The slices at <paramref name="indices"/> along <paramref name="axis"/>, in that order (repeats allowed),
    /// as PyTorch's <c>index_select(dim, index)</c>, NumPy's <c>take(x, indices, axis)</c> and ONNX's and
    /// TensorFlow's <c>gather</c>: <c>y[…, j, …] = x[…, indices[j], …]</c>, so <c>x.IndexSelect(0, rows)</c> picks
    /// rows of a matrix. The result has <c>indices.Length</c> at <paramref name="axis"/>. The gradient is the
    /// scatter-add <c>x̄[…, indices[j], …] += ȳ[…, j, …]</c>, so a row picked twice gets both contributions.
    /// (PyTorch's <c>gather</c>, one index per output element, is another operation.)
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>0 … n−1</c> (negative ones too); the message gives its position.</exception>
    /// <exception cref="ArgumentException">This value has rank 0.</exception>
    public Var<T> IndexSelect(int axis, ReadOnlySpan<int> indices) => IndexingOps.IndexSelect(this, axis, indices);
}

public static partial class Var
{
    /// <summary>
    /// The tensors joined along <paramref name="axis"/> (negative counts from the end), as PyTorch's
    /// <c>torch.cat(tensors, dim)</c> and NumPy's <c>concatenate</c>: every dimension but that axis must agree,
    /// and the result's size there is the sum of theirs. Write <c>Var.Concat([a, b], axis: 1)</c>. The gradient of
    /// each input is its window of ȳ.
    /// </summary>
    /// <exception cref="ArgumentException">No tensors, or rank-0 tensors (use <see cref="Stack{T}"/>).</exception>
    /// <exception cref="ShapeMismatchException">Two shapes differ outside the axis; the message lists every input's shape.</exception>
    /// <exception cref="InvalidOperationException">The tensors are on different tapes.</exception>
    public static Var<T> Concat<T>(ReadOnlySpan<Var<T>> values, int axis = 0) where T : IFloatingPointIeee754<T> => ConcatOps.Concat(values, axis);

    /// <summary>
    /// The tensors (all of one shape) stacked along a new axis <paramref name="axis"/> of the result (negative
    /// counts from the end of the result's rank), as <c>torch.stack</c> and NumPy's <c>stack</c>: n tensors of
    /// shape [a, b] stacked at axis 1 give [a, n, b]. Write <c>Var.Stack([x, y, z])</c>. The gradient of input k
    /// is ȳ's slice k along that axis.
    /// </summary>
    /// <exception cref="ArgumentException">No tensors.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range for the result.</exception>
    /// <exception cref="ShapeMismatchException">Two shapes differ; the message lists every input's shape.</exception>
    public static Var<T> Stack<T>(ReadOnlySpan<Var<T>> values, int axis = 0) where T : IFloatingPointIeee754<T> => ConcatOps.Stack(values, axis);
}
