using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff;

/// <summary>Reshape (a view), Transpose of the last two axes and Slice along an axis. Forward and backward side by side.</summary>
internal static class LayoutOps
{
    public static Var<T> Reshape<T>(Var<T> a, ReadOnlySpan<int> dims) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
        var s = t.ShapeOf(a.Index);
        Span<int> resolved = stackalloc int[dims.Length];
        dims.CopyTo(resolved);
        int infer = -1;
        long known = 1;
        for (int k = 0; k < resolved.Length; k++)
        {
            if (resolved[k] == -1 && infer < 0) { infer = k; continue; }
            if (resolved[k] < 0) throw new ArgumentOutOfRangeException(nameof(dims), $"Reshape of {s} to {Shape.Format(dims)}: dimension {resolved[k]} at axis {k} is negative (only one -1 may stand for the inferred size).");
            known *= resolved[k];
        }
        if (infer >= 0)
        {
            if (known == 0 || s.Length % known != 0)
                throw new ShapeMismatchException("Reshape", s, Shape.Own(resolved.ToArray()), $"{s.Length} elements cannot be split into {Shape.Format(dims)}");
            resolved[infer] = (int)(s.Length / known);
            known *= resolved[infer];
        }
        if (known != s.Length)
            throw new ShapeMismatchException("Reshape", s, Shape.Own(resolved.ToArray()), $"{s.Length} elements cannot take the shape of {known}");
        var so = resolved.SequenceEqual(s.Dims) ? s : t.NextShape(resolved);
        int i = t.Push(TensorOp.Reshape, so, a.Index, requiresGrad: t.RequiresGrad(a.Index), external: t.Nodes[a.Index].Value);
        return t.Handle(i);
    }

    // A view: same elements, so ā += z̄ element for element.
    public static void BackwardReshape<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
        => t.AddGradScaled(n.A, g, T.One);

    public static Var<T> Transpose<T>(Var<T> a) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
        var s = t.ShapeOf(a.Index);
        if (s.Rank < 2) throw new ArgumentException($"Transpose needs rank 2 or more (it swaps the last two axes); the shape is {s}.", nameof(a));
        Span<int> dims = stackalloc int[s.Rank];
        s.Dims.CopyTo(dims);
        (dims[^1], dims[^2]) = (dims[^2], dims[^1]);
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.Transpose, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        Transpose2D(t.ValueOf(a.Index), t.Nodes[i].Value.AsSpan(0, so.Length), s[-2], s[-1], accumulate: false);
        return t.Handle(i);
    }

    // z = aᵀ:  ā += z̄ᵀ
    public static void BackwardTranspose<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var d = t.GradFor(n.A, out bool fresh);
        Transpose2D(g, d, n.Shape[-2], n.Shape[-1], accumulate: !fresh);
    }

    public static Var<T> Slice<T>(Var<T> a, int axis, int start, int length) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
        var s = t.ShapeOf(a.Index);
        int ax = s.NormalizeAxis(axis);
        if (start < 0 || length < 0 || (long)start + length > s.Dims[ax])
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {(long)start + length}) of axis {axis} is outside 0..{s.Dims[ax]} for shape {s}.");
        Span<int> dims = stackalloc int[s.Rank];
        s.Dims.CopyTo(dims);
        dims[ax] = length;
        var so = dims.SequenceEqual(s.Dims) ? s : t.NextShape(dims);
        int i = t.Push(TensorOp.Slice, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Axis = ax;
        t.Nodes[i].Offset = start;
        var (outer, n, inner) = ReductionOps.Split(s, ax);
        var x = t.ValueOf(a.Index);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        for (int o = 0; o < outer; o++)
            x.Slice((o * n + start) * inner, length * inner).CopyTo(d.Slice(o * length * inner, length * inner));
        return t.Handle(i);
    }

    // z = a[…, start : start+len, …]:  ā[…, start : start+len, …] += z̄ 
    public static void BackwardSlice<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var (outer, full, inner) = ReductionOps.Split(t.ShapeOf(n.A), n.Axis);
        int length = n.Shape.Dims[n.Axis], start = n.Offset;
        var d = t.GradOf(n.A);
        for (int o = 0; o < outer; o++)
        {
            var dr = d.Slice((o * full + start) * inner, length * inner);
            TensorPrimitives.Add(dr, g.Slice(o * length * inner, length * inner), dr);
        }
    }

    /// <summary>For each trailing r×c matrix of <paramref name="x"/>, writes (or adds) its c×r transpose into <paramref name="d"/>.</summary>
    internal static void Transpose2D<T>(ReadOnlySpan<T> x, Span<T> d, int r, int c, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        int m = r * c;
        if (m == 0) return;
        for (int b = 0; b < x.Length / m; b++)
        {
            var xs = x.Slice(b * m, m);
            var ds = d.Slice(b * m, m);
            const int Block = 32;
            for (int i0 = 0; i0 < r; i0 += Block)
                for (int j0 = 0; j0 < c; j0 += Block)
                    for (int i = i0; i < Math.Min(i0 + Block, r); i++)
                        for (int j = j0; j < Math.Min(j0 + Block, c); j++)
                        {
                            if (accumulate) ds[j * r + i] += xs[i * c + j];
                            else ds[j * r + i] = xs[i * c + j];
                        }
        }
    }
}
