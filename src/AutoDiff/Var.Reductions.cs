using System.Numerics;

namespace AutoDiff;

// Reductions over several axes, maxima and minima over an axis, and the positions of extremes.
public readonly partial struct Var<T>
{
    /// <summary>
    /// The sum over several axes at once (negative ones count from the end), as NumPy's <c>sum(axis=(0, 2))</c>
    /// and PyTorch's <c>sum(dim=(0, 2))</c>: write <c>x.Sum([0, 2])</c>. The axes are dropped unless
    /// <paramref name="keepDims"/> keeps them with size 1. ∂/∂xᵢ = 1. Summing over no axes is refused
    /// (NumPy would return x, PyTorch the total): write <see cref="Sum()"/> for all elements.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, or an axis is repeated or out of range.</exception>
    public Var<T> Sum(ReadOnlySpan<int> axes, bool keepDims = false) => ReductionOps.SumAxes(this, axes, keepDims, "Sum", out _);

    /// <summary>
    /// The mean over several axes at once: the <see cref="Sum(ReadOnlySpan{int}, bool)"/> over them divided by
    /// the number of elements each output averages, n; ∂/∂xᵢ = 1/n.
    /// </summary>
    /// <exception cref="ArgumentException">As for the sum.</exception>
    /// <exception cref="InvalidOperationException">One of the axes is empty (n = 0).</exception>
    public Var<T> Mean(ReadOnlySpan<int> axes, bool keepDims = false)
    {
        var sum = ReductionOps.SumAxes(this, axes, keepDims, "Mean", out int n);
        if (n == 0) throw new InvalidOperationException($"Mean over axes {AutoDiff.Shape.Format(axes)} of shape {Shape} is undefined: an axis is empty.");
        return ArithmeticOps.Unary<T, ScaleOp<T>>(sum, T.One / T.CreateChecked(n));
    }

    /// <summary>
    /// The maximum over <paramref name="axis"/> (negative counts from the end), dropping it unless
    /// <paramref name="keepDims"/>, as PyTorch's <c>max(dim).values</c> and NumPy's <c>max(axis)</c>. The gradient
    /// goes to the position of the maximum; where several elements tie for it, all of it goes to the first
    /// (the one <see cref="ArgMax(int)"/> names), as PyTorch's <c>max(dim)</c> does; PyTorch's <c>amax</c>
    /// instead splits it evenly among them. A NaN is the maximum of its line (the first NaN, as PyTorch).
    /// </summary>
    /// <exception cref="ArgumentException">This value has rank 0, or the axis is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public Var<T> Max(int axis, bool keepDims = false) => Dropped(IndexingOps.Extreme(this, axis, max: true), axis, keepDims);

    /// <summary>
    /// The minimum over <paramref name="axis"/>, as <see cref="Max(int, bool)"/>: the gradient goes to the first
    /// minimum of each line (PyTorch's <c>amin</c> splits it among ties); a NaN is the minimum of its line.
    /// </summary>
    /// <exception cref="ArgumentException">This value has rank 0, or the axis is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public Var<T> Min(int axis, bool keepDims = false) => Dropped(IndexingOps.Extreme(this, axis, max: false), axis, keepDims);

    /// <summary>
    /// The maximum of all elements (rank 0); the gradient goes to the first maximum in row-major order (PyTorch's
    /// <c>max()</c> splits it evenly among ties). A NaN anywhere makes it NaN.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is empty.</exception>
    public Var<T> Max() => Flat().Max(0);

    /// <summary>The minimum of all elements (rank 0); the gradient goes to the first minimum in row-major order.</summary>
    /// <exception cref="ArgumentException">The tensor is empty.</exception>
    public Var<T> Min() => Flat().Min(0);

    /// <summary>
    /// The position of the first maximum along <paramref name="axis"/> for every line, as PyTorch's and NumPy's
    /// <c>argmax(axis)</c>: an array laid out row-major over the remaining axes (the shape with that axis dropped).
    /// A NaN counts as the maximum. Integers, not on the tape: not differentiable.
    /// </summary>
    /// <exception cref="ArgumentException">This value has rank 0, or the axis is empty.</exception>
    public int[] ArgMax(int axis) => IndexingOps.ArgExtreme(this, axis, max: true);

    /// <summary>The position of the first minimum along <paramref name="axis"/> for every line (see <see cref="ArgMax(int)"/>).</summary>
    /// <exception cref="ArgumentException">This value has rank 0, or the axis is empty.</exception>
    public int[] ArgMin(int axis) => IndexingOps.ArgExtreme(this, axis, max: false);

    /// <summary>The row-major index of the first maximum of all elements, as <c>argmax()</c> without an axis.</summary>
    /// <exception cref="ArgumentException">The tensor is empty.</exception>
    public int ArgMax() => IndexingOps.ArgExtreme(Flat(), 0, max: true)[0];

    /// <summary>The row-major index of the first minimum of all elements.</summary>
    /// <exception cref="ArgumentException">The tensor is empty.</exception>
    public int ArgMin() => IndexingOps.ArgExtreme(Flat(), 0, max: false)[0];

    private Var<T> Flat() => Shape.Rank == 1 ? this : Reshape(-1);

    private static Var<T> Dropped(Var<T> kept, int axis, bool keepDims)
    {
        if (keepDims) return kept;
        var s = kept.Shape;
        int ax = s.NormalizeAxis(axis);
        Span<int> dims = stackalloc int[s.Rank - 1];
        for (int k = 0, j = 0; k < s.Rank; k++) if (k != ax) dims[j++] = s.Dims[k];
        return kept.Reshape(dims);
    }
}
