using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Matrix product <c>op(a)·op(b)</c>, where op is the identity or (for the rules, which record products
/// with a transposed operand rather than copying it) the transpose of the last two axes: 2-d, a batch of
/// matrices times one matrix, or two equal batches.
/// </summary>
internal static class MatMulOps
{
    public static Var<T> MatMul<T>(Var<T> a, Var<T> b, bool transposeA = false, bool transposeB = false) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(a, b);
        Shape sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        if (sa.Rank < 2 || sb.Rank < 2)
            throw new ShapeMismatchException("MatMul", sa, sb, "both operands need rank 2 or more (reshape a vector to [1, n] or [n, 1])");
        var (m, k) = Dims(sa, transposeA);
        var (k2, n) = Dims(sb, transposeB);
        if (k != k2) throw new ShapeMismatchException("MatMul", sa, sb, $"the inner dimensions {k} and {k2} differ");
        if (sb.Rank > 2 && !sa.Dims[..^2].SequenceEqual(sb.Dims[..^2]))
            throw new ShapeMismatchException("MatMul", sa, sb, "batched operands need equal batch dimensions (or a 2-d right operand)");
        if (transposeA && sa.Rank > 2 && sb.Rank == 2)
            throw new InvalidOperationException("MatMul of a transposed batch by one matrix is not a form the rules record.");
        Span<int> dims = stackalloc int[Math.Max(sa.Rank, sb.Rank)];
        (sa.Rank >= sb.Rank ? sa : sb).Dims.CopyTo(dims);
        dims[^2] = m;
        dims[^1] = n;
        var so = t.NextShape(dims);
        int i = t.Push(TensorOp.MatMul, so, a.Index, b.Index, t.AnyRequiresGrad(a.Index, b.Index));
        t.Nodes[i].TransposeA = transposeA;
        t.Nodes[i].TransposeB = transposeB;
        ReadOnlySpan<T> x = t.ValueOf(a.Index), y = t.ValueOf(b.Index);
        var z = t.Nodes[i].Value.AsSpan(0, so.Length);
        if (sb.Rank == 2 && !transposeA)
            Gemm.Multiply(false, transposeB, Rows(sa), n, k, x, y, z, accumulate: false);
        else
            for (int bi = 0, batches = Batches(sa); bi < batches; bi++)
                Gemm.Multiply(transposeA, transposeB, m, n, k, x.Slice(bi * m * k, m * k), sb.Rank == 2 ? y : y.Slice(bi * k * n, k * n),
                    z.Slice(bi * m * n, m * n), accumulate: false);
        return t.Handle(i);
    }

    /// <summary>(rows, columns) of op(s) for the last two axes.</summary>
    public static (int Rows, int Cols) Dims(Shape s, bool transposed) => transposed ? (s[-1], s[-2]) : (s[-2], s[-1]);

    /// <summary>The product of all but the last dimension: the rows of the flattened matrix.</summary>
    public static int Rows(Shape s)
    {
        int rows = 1;
        foreach (int d in s.Dims[..^1]) rows *= d;
        return rows;
    }

    /// <summary>The product of all but the last two dimensions.</summary>
    public static int Batches(Shape s)
    {
        int batches = 1;
        foreach (int d in s.Dims[..^2]) batches *= d;
        return batches;
    }
}

/// <summary>
/// y = op(a)·op(b): with G = ȳ, <c>ā += G·op(b)ᵀ</c> and <c>b̄ += op(a)ᵀ·G</c> (transposed back where
/// the operand was transposed; a batch against one matrix sums b̄ over the batch); ẏ = op(ȧ)·op(b) + op(a)·op(ḃ).
/// </summary>
internal sealed class MatMulRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> node, int self, ReadOnlySpan<T> g)
    {
        Shape sa = t.ShapeOf(node.A), sb = t.ShapeOf(node.B);
        bool ta = node.TransposeA, tb = node.TransposeB;
        var (m, k) = MatMulOps.Dims(sa, ta);
        int n = MatMulOps.Dims(sb, tb).Cols;
        ReadOnlySpan<T> x = t.ValueOf(node.A), y = t.ValueOf(node.B);
        bool needA = t.RequiresGrad(node.A), needB = t.RequiresGrad(node.B);
        if (sb.Rank == 2 && !ta)
        {
            int rows = MatMulOps.Rows(sa);
            // A first contribution overwrites (Gemm with accumulate: false), saving a clearing pass.
            if (needA) { var da = t.AdjointToWrite(node.A, out bool first); Gemm.Multiply(false, !tb, rows, k, n, g, y, da, accumulate: !first); }
            if (needB)
            {
                var db = t.AdjointToWrite(node.B, out bool first);
                if (tb) Gemm.Multiply(true, false, n, k, rows, g, x, db, accumulate: !first);
                else Gemm.Multiply(true, false, k, n, rows, x, g, db, accumulate: !first);
            }
            return;
        }
        Span<T> dA = needA ? t.AdjointToAdd(node.A) : default, dB = needB ? t.AdjointToAdd(node.B) : default;
        for (int bi = 0, batches = MatMulOps.Batches(sa); bi < batches; bi++)
        {
            var gb = g.Slice(bi * m * n, m * n);
            var xb = x.Slice(bi * m * k, m * k);
            var yb = sb.Rank == 2 ? y : y.Slice(bi * k * n, k * n);
            if (needA)
            {
                var d = dA.Slice(bi * m * k, m * k);
                if (ta) Gemm.Multiply(tb, true, k, m, n, yb, gb, d, accumulate: true);
                else Gemm.Multiply(false, !tb, m, k, n, gb, yb, d, accumulate: true);
            }
            if (needB)
            {
                var d = sb.Rank == 2 ? dB : dB.Slice(bi * k * n, k * n);
                if (tb) Gemm.Multiply(true, ta, n, k, m, gb, xb, d, accumulate: true);
                else Gemm.Multiply(!ta, false, k, n, m, xb, gb, d, accumulate: true);
            }
        }
    }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads)
    {
        ref var node = ref t.Nodes[self];
        var (a, b) = (t.VarOf(node.A), t.VarOf(node.B));
        bool ta = node.TransposeA, tb = node.TransposeB;
        Shape sa = t.ShapeOf(node.A), sb = t.ShapeOf(node.B);
        if (needed[0])
            grads[0] = ta ? MatMulOps.MatMul(b, gy, tb, true) : MatMulOps.MatMul(gy, b, false, !tb);
        if (needed[1])
        {
            if (sb.Rank == 2 && sa.Rank > 2) // a batch against one matrix: flatten the batch into rows (ta is false here)
            {
                var a2 = a.Reshape(-1, sa[-1]);
                var g2 = gy.Reshape(-1, t.ShapeOf(self)[-1]);
                grads[1] = tb ? MatMulOps.MatMul(g2, a2, true, false) : MatMulOps.MatMul(a2, g2, true, false);
            }
            else grads[1] = tb ? MatMulOps.MatMul(gy, a, true, ta) : MatMulOps.MatMul(a, gy, !ta, false);
        }
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var node = ref t.Nodes[self];
        var (a, b) = (t.VarOf(node.A), t.VarOf(node.B));
        bool ta = node.TransposeA, tb = node.TransposeB;
        Var<T> sum = default;
        if (!tangents[0].IsDefault) sum = MatMulOps.MatMul(tangents[0], b, ta, tb);
        if (!tangents[1].IsDefault)
        {
            var term = MatMulOps.MatMul(a, tangents[1], ta, tb);
            sum = sum.IsDefault ? term : sum + term;
        }
        return sum;
    }
}
