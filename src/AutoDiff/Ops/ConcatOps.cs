using System.Buffers;
using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Concat: the inputs x₀, x₁, … joined along one axis (their other dimensions equal). Its inputs are the
/// node's Inputs, the axis its Axis. Stack is a composition (each input given a new axis of size 1, then Concat).
/// </summary>
internal static class ConcatOps
{
    public static Var<T> Concat<T>(ReadOnlySpan<Var<T>> values, int axis, string op = "Concat") where T : IFloatingPointIeee754<T>
    {
        if (values.IsEmpty) throw new ArgumentException($"{op} needs at least one tensor.", nameof(values));
        var t = values[0].Section;
        for (int k = 1; k < values.Length; k++) Var<T>.Same(values[0], values[k]);
        var s0 = t.ShapeOf(values[0].Index);
        if (s0.Rank == 0) throw new ArgumentException($"{op} cannot join rank-0 tensors along an axis (use Var.Stack); the shapes are {Shapes(t, values)}.", nameof(values));
        int ax = s0.NormalizeAxis(axis);
        int total = 0;
        bool requiresGrad = false;
        for (int k = 0; k < values.Length; k++)
        {
            var s = t.ShapeOf(values[k].Index);
            bool fits = s.Rank == s0.Rank;
            for (int d = 0; fits && d < s.Rank; d++) fits = d == ax || s.Dims[d] == s0.Dims[d];
            if (!fits)
                throw new ShapeMismatchException(op, s0, s, $"input {k} must match input 0 in every dimension but axis {axis}; the shapes are {Shapes(t, values)}");
            total += s.Dims[ax];
            requiresGrad |= t.RequiresGrad(values[k].Index);
        }
        Span<int> dims = stackalloc int[s0.Rank];
        s0.Dims.CopyTo(dims);
        dims[ax] = total;
        var so = t.NextShape(dims);
        int[] inputs = t.NextInputs(values.Length);
        for (int k = 0; k < values.Length; k++) inputs[k] = values[k].Index;
        int i = t.Push(TensorOp.Concat, so, requiresGrad: requiresGrad);
        t.Nodes[i].Axis = ax;
        var y = t.Nodes[i].Value.AsSpan(0, so.Length);
        var (outer, _, inner) = ReductionOps.Split(so, ax);
        int offset = 0;
        foreach (int input in inputs)
        {
            int width = t.ShapeOf(input).Dims[ax] * inner;
            var x = t.ValueOf(input);
            for (int o = 0; o < outer; o++) x.Slice(o * width, width).CopyTo(y.Slice(o * total * inner + offset, width));
            offset += width;
        }
        return t.Handle(i);
    }

    /// <summary>The tensors stacked along a new axis <paramref name="axis"/> (all of one shape).</summary>
    public static Var<T> Stack<T>(ReadOnlySpan<Var<T>> values, int axis) where T : IFloatingPointIeee754<T>
    {
        if (values.IsEmpty) throw new ArgumentException("Stack needs at least one tensor.", nameof(values));
        var t = values[0].Section;
        for (int k = 1; k < values.Length; k++) Var<T>.Same(values[0], values[k]);
        var s0 = t.ShapeOf(values[0].Index);
        for (int k = 1; k < values.Length; k++)
            if (t.ShapeOf(values[k].Index) != s0)
                throw new ShapeMismatchException("Stack", s0, t.ShapeOf(values[k].Index), $"input {k} must have the shape of input 0; the shapes are {Shapes(t, values)}");
        int rank = s0.Rank + 1, ax = axis < 0 ? axis + rank : axis;
        if ((uint)ax >= (uint)rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"Stack: axis {axis} is out of range for the result of rank {rank} (inputs of shape {s0}).");
        Span<int> dims = stackalloc int[rank];
        for (int d = 0, k = 0; d < rank; d++) dims[d] = d == ax ? 1 : s0.Dims[k++];
        var expanded = ArrayPool<Var<T>>.Shared.Rent(values.Length);
        try
        {
            for (int k = 0; k < values.Length; k++) expanded[k] = values[k].Reshape(dims);
            return Concat(expanded.AsSpan(0, values.Length), ax, "Stack");
        }
        finally
        {
            ArrayPool<Var<T>>.Shared.Return(expanded, clearArray: true);
        }
    }

    /// <summary>Every input's shape, for the error messages.</summary>
    private static string Shapes<T>(TensorTape<T> t, ReadOnlySpan<Var<T>> values) where T : IFloatingPointIeee754<T>
    {
        var shapes = new string[values.Length];
        for (int k = 0; k < values.Length; k++) shapes[k] = t.ShapeOf(values[k].Index).ToString();
        return string.Join(", ", shapes);
    }
}

/// <summary>y = concat(x₀, x₁, …) along an axis: x̄ₖ += ȳ's window of xₖ (a Slice); ẏ = concat(ẋ₀, ẋ₁, …).</summary>
internal sealed class ConcatRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g)
    {
        var (outer, total, inner) = ReductionOps.Split(n.Shape, n.Axis);
        int offset = 0;
        foreach (int input in n.Inputs!)
        {
            int width = t.ShapeOf(input).Dims[n.Axis] * inner;
            if (t.RequiresGrad(input))
            {
                var d = t.AdjointToAdd(input);
                for (int o = 0; o < outer; o++)
                {
                    var dr = d.Slice(o * width, width);
                    SpanMath.Add(dr, g.Slice(o * total * inner + offset, width), dr);
                }
            }
            offset += width;
        }
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        int[] inputs = t.Nodes[self].Inputs!;
        int axis = t.Nodes[self].Axis, start = 0;
        for (int k = 0; k < inputs.Length; k++)
        {
            int length = t.ShapeOf(inputs[k]).Dims[axis];
            if (needed[k]) grads[k] = LayoutOps.Slice(gy, axis, start, length);
            start += length;
        }
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        int[] inputs = t.Nodes[self].Inputs!;
        var dots = ArrayPool<Var<T>>.Shared.Rent(inputs.Length);
        try
        {
            for (int k = 0; k < inputs.Length; k++) dots[k] = tangents[k].IsDefault ? t.Full(t.ShapeOf(inputs[k]), T.Zero) : tangents[k];
            return ConcatOps.Concat<T>(dots.AsSpan(0, inputs.Length), t.Nodes[self].Axis);
        }
        finally
        {
            ArrayPool<Var<T>>.Shared.Return(dots, clearArray: true);
        }
    }
}
