using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>Matrix product: 2-d, a batch of matrices times one matrix, or two equal batches.</summary>
internal static class MatMulOps
{
    public static Var<T> MatMul<T>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(a, b);
        Shape sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        if (sa.Rank < 2 || sb.Rank < 2)
            throw new ShapeMismatchException("MatMul", sa, sb, "both operands need rank 2 or more (reshape a vector to [1, n] or [n, 1])");
        int m = sa[-2], k = sa[-1], k2 = sb[-2], n = sb[-1];
        if (k != k2) throw new ShapeMismatchException("MatMul", sa, sb, $"the inner dimensions {k} and {k2} differ");
        if (sb.Rank > 2 && !sa.Dims[..^2].SequenceEqual(sb.Dims[..^2]))
            throw new ShapeMismatchException("MatMul", sa, sb, "batched operands need equal batch dimensions (or a 2-d right operand)");
        Span<int> dims = stackalloc int[Math.Max(sa.Rank, sb.Rank)];
        (sa.Rank >= sb.Rank ? sa : sb).Dims.CopyTo(dims);
        dims[^2] = m;
        dims[^1] = n;
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.MatMul, so, a.Index, b.Index, t.AnyRequiresGrad(a.Index, b.Index));
        ReadOnlySpan<T> x = t.ValueOf(a.Index), y = t.ValueOf(b.Index);
        var z = t.Nodes[i].Value.AsSpan(0, so.Length);
        if (sb.Rank == 2)
            Gemm.Multiply(false, false, Rows(sa), n, k, x, y, z, accumulate: false);
        else
            for (int bi = 0, batches = Rows(sa) / Math.Max(m, 1); bi < batches; bi++)
                Gemm.Multiply(false, false, m, n, k, x.Slice(bi * m * k, m * k), y.Slice(bi * k * n, k * n), z.Slice(bi * m * n, m * n), accumulate: false);
        return t.Handle(i);
    }

    /// <summary>The product of all but the last dimension: the rows of the flattened matrix.</summary>
    private static int Rows(Shape s)
    {
        int rows = 1;
        foreach (int d in s.Dims[..^1]) rows *= d;
        return rows;
    }

    // z = a·b:  ā += z̄·bᵀ,  b̄ += aᵀ·z̄   (per batch; a batch of a's against one b sums b̄ over the batch)
    public static void Backward<T>(TensorTape<T> t, ref TensorNode<T> node, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        Shape sa = t.ShapeOf(node.A), sb = t.ShapeOf(node.B);
        int m = sa[-2], k = sa[-1], n = sb[-1];
        ReadOnlySpan<T> x = t.ValueOf(node.A), y = t.ValueOf(node.B);
        bool needA = t.RequiresGrad(node.A), needB = t.RequiresGrad(node.B);
        if (sb.Rank == 2)
        {
            int rows = Rows(sa);
            // A first contribution overwrites (Gemm with accumulate: false), saving a clearing pass.
            if (needA) { var da2 = t.GradFor(node.A, out bool fresh); Gemm.Multiply(false, true, rows, k, n, g, y, da2, accumulate: !fresh); }
            if (needB) { var db2 = t.GradFor(node.B, out bool fresh); Gemm.Multiply(true, false, k, n, rows, x, g, db2, accumulate: !fresh); }
            return;
        }
        int batches = Rows(sa) / Math.Max(m, 1);
        Span<T> da = needA ? t.GradOf(node.A) : default, db = needB ? t.GradOf(node.B) : default;
        for (int bi = 0; bi < batches; bi++)
        {
            var gb = g.Slice(bi * m * n, m * n);
            if (needA) Gemm.Multiply(false, true, m, k, n, gb, y.Slice(bi * k * n, k * n), da.Slice(bi * m * k, m * k), accumulate: true);
            if (needB) Gemm.Multiply(true, false, k, n, m, x.Slice(bi * m * k, m * k), gb, db.Slice(bi * k * n, k * n), accumulate: true);
        }
    }
}
