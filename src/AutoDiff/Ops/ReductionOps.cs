using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff;

/// <summary>Sum over all elements and over one axis. Forward and backward side by side.</summary>
internal static class ReductionOps
{
    /// <summary>Views a shape as [outer, n, inner] around <paramref name="axis"/>.</summary>
    public static (int Outer, int N, int Inner) Split(Shape s, int axis)
    {
        int outer = 1, inner = 1;
        for (int k = 0; k < axis; k++) outer *= s.Dims[k];
        for (int k = axis + 1; k < s.Rank; k++) inner *= s.Dims[k];
        return (outer, s.Dims[axis], inner);
    }

    public static Var<T> Sum<T>(Var<T> a) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
        int i = t.Push(TensorOp.Sum, Shape.ScalarShape, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Value[0] = TensorPrimitives.Sum(t.ValueOf(a.Index));
        return t.Handle(i);
    }

    // z = Σ a:  ā += z̄ (broadcast)
    public static void BackwardSum<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var d = t.GradFor(n.A, out bool fresh);
        if (fresh) d.Fill(g[0]); else TensorPrimitives.Add(d, g[0], d);
    }

    public static Var<T> SumAxis<T>(Var<T> a, int axis, bool keepDims) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
        var s = t.ShapeOf(a.Index);
        int ax = s.NormalizeAxis(axis);
        Span<int> dims = stackalloc int[s.Rank];
        s.Dims.CopyTo(dims);
        dims[ax] = 1;
        if (!keepDims)
        {
            for (int k = ax; k < dims.Length - 1; k++) dims[k] = dims[k + 1];
            dims = dims[..^1];
        }
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.SumAxis, so, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Axis = ax;
        var (outer, len, inner) = Split(s, ax);
        var x = t.ValueOf(a.Index);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        d.Clear();
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1) { d[o] = TensorPrimitives.Sum(x.Slice(o * len, len)); continue; }
            var row = d.Slice(o * inner, inner);
            for (int j = 0; j < len; j++) TensorPrimitives.Add(row, x.Slice((o * len + j) * inner, inner), row);
        }
        return t.Handle(i);
    }

    // z[o,i] = Σⱼ a[o,j,i]:  ā[o,j,i] += z̄[o,i]
    public static void BackwardSumAxis<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        var (outer, len, inner) = Split(t.ShapeOf(n.A), n.Axis);
        var d = t.GradOf(n.A);
        for (int o = 0; o < outer; o++)
        {
            var gr = g.Slice(o * inner, inner);
            for (int j = 0; j < len; j++)
            {
                var dr = d.Slice((o * len + j) * inner, inner);
                if (inner == 1) dr[0] += gr[0]; else TensorPrimitives.Add(dr, gr, dr);
            }
        }
    }
}
