using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Matrix product <c>op(a)·op(b)</c> over the last two axes, where op is the identity or (for the rules,
/// which record products with a transposed operand rather than copying it) the transpose of the last two
/// axes, with the leading (batch) axes broadcast as NumPy does: [m,k]·[k,n], [b,m,k]·[k,n] (one GEMM over
/// the flattened rows), [b,m,k]·[b,k,n], [m,k]·[b,k,n], [b,1,m,k]·[c,k,n], …. <see cref="Product{T}"/> adds
/// the 1-d operands of NumPy's and PyTorch's <c>matmul</c> as reshapes around it.
/// </summary>
internal static class MatMulOps
{
    /// <summary>
    /// <c>a·b</c> with NumPy/PyTorch <c>matmul</c> semantics: a 1-d a is a row vector [1,k] and a 1-d b a
    /// column vector [k,1], each added axis removed from the result (two 1-d operands give their dot product, rank 0).
    /// </summary>
    public static Var<T> Product<T>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(a, b);
        Shape sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        if (sa.Rank >= 2 && sb.Rank >= 2) return MatMul(a, b);
        if (sa.Rank == 0 || sb.Rank == 0)
            throw new ShapeMismatchException("MatMul", sa, sb, "a rank-0 operand has no matrix product (multiply with * to scale)");
        int ka = sa[-1], kb = sb.Rank == 1 ? sb[0] : sb[-2];
        if (ka != kb) throw new ShapeMismatchException("MatMul", sa, sb, $"the inner dimensions {ka} and {kb} differ");
        var y = MatMul(sa.Rank == 1 ? a.Reshape(1, ka) : a, sb.Rank == 1 ? b.Reshape(kb, 1) : b);
        var sy = t.ShapeOf(y.Index);
        int drop = (sa.Rank == 1 ? 1 : 0) + (sb.Rank == 1 ? 1 : 0);
        Span<int> dims = stackalloc int[sy.Rank - drop];
        sy.Dims[..^2].CopyTo(dims);
        if (sa.Rank > 1) dims[sy.Rank - 2] = sy[-2];
        if (sb.Rank > 1) dims[^1] = sy[-1];
        return y.Reshape(dims);
    }

    public static Var<T> MatMul<T>(Var<T> a, Var<T> b, bool transposeA = false, bool transposeB = false) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(a, b);
        Shape sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        if (sa.Rank < 2 || sb.Rank < 2)
            throw new ShapeMismatchException("MatMul", sa, sb, "both operands need rank 2 or more here");
        var (m, k) = Dims(sa, transposeA);
        var (k2, n) = Dims(sb, transposeB);
        if (k != k2) throw new ShapeMismatchException("MatMul", sa, sb, $"the inner dimensions {k} and {k2} differ");
        Span<int> dims = stackalloc int[Math.Max(sa.Rank, sb.Rank)];
        BatchShape(sa, sb, dims[..^2]);
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
        {
            var batch = new Batch(so, sa, sb, stackalloc int[3 * (so.Rank - 2)]);
            for (int bi = 0; bi < batch.Count; bi++)
            {
                var (ai, bj) = batch[bi];
                Gemm.Multiply(transposeA, transposeB, m, n, k, x.Slice(ai * m * k, m * k), y.Slice(bj * k * n, k * n), z.Slice(bi * m * n, m * n), accumulate: false);
            }
        }
        return t.Handle(i);
    }

    /// <summary>The NumPy broadcast of the batch (all but the last two) axes of a and b, or an error that names both shapes.</summary>
    private static void BatchShape(Shape sa, Shape sb, Span<int> dims)
    {
        int rank = dims.Length;
        for (int r = 0; r < rank; r++)
        {
            int ka = r - rank + sa.Rank - 2, kb = r - rank + sb.Rank - 2;
            int da = ka >= 0 ? sa.Dims[ka] : 1, db = kb >= 0 ? sb.Dims[kb] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ShapeMismatchException("MatMul", sa, sb,
                    $"the batch dimensions {Shape.Format(sa.Dims[..^2])} and {Shape.Format(sb.Dims[..^2])} do not broadcast (sizes {da} and {db} at batch axis {r - rank})");
            dims[r] = da == 1 ? db : da;
        }
    }

    /// <summary>For each matrix of the output's batch, the matrix of a and of b it reads (0 along the axes an operand is broadcast on).</summary>
    internal readonly ref struct Batch
    {
        private readonly ReadOnlySpan<int> dims, strideA, strideB;
        public readonly int Count;

        public Batch(Shape so, Shape sa, Shape sb, Span<int> buffer)
        {
            int rank = so.Rank - 2;
            var d = buffer[..rank];
            so.Dims[..^2].CopyTo(d);
            Strides(sa, d, buffer.Slice(rank, rank));
            Strides(sb, d, buffer.Slice(2 * rank, rank));
            dims = d;
            strideA = buffer.Slice(rank, rank);
            strideB = buffer.Slice(2 * rank, rank);
            Count = 1;
            foreach (int x in d) Count *= x;
        }

        private static void Strides(Shape s, ReadOnlySpan<int> dims, Span<int> strides)
        {
            int stride = 1;
            for (int r = dims.Length - 1; r >= 0; r--)
            {
                int k = r - dims.Length + s.Rank - 2, dim = k >= 0 ? s.Dims[k] : 1;
                strides[r] = dim == 1 ? 0 : stride;
                stride *= dim;
            }
        }

        /// <summary>The matrices of a and b that output matrix <paramref name="index"/> reads.</summary>
        public (int A, int B) this[int index]
        {
            get
            {
                int ai = 0, bi = 0;
                for (int r = dims.Length - 1; r >= 0; r--)
                {
                    int at = index % dims[r];
                    index /= dims[r];
                    ai += at * strideA[r];
                    bi += at * strideB[r];
                }
                return (ai, bi);
            }
        }
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
}

/// <summary>
/// y = op(a)·op(b), batches broadcast: with G = ȳ, <c>ā += reduce(G·op(b)ᵀ)</c> and <c>b̄ += reduce(op(a)ᵀ·G)</c>
/// (transposed back where the operand was transposed; reduce sums over the batch axes the operand was
/// broadcast along); ẏ = op(ȧ)·op(b) + op(a)·op(ḃ).
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
        var batch = new MatMulOps.Batch(node.Shape, sa, sb, stackalloc int[3 * (node.Shape.Rank - 2)]);
        for (int bi = 0; bi < batch.Count; bi++)
        {
            var (ai, bj) = batch[bi];
            var gb = g.Slice(bi * m * n, m * n);
            var xb = x.Slice(ai * m * k, m * k);
            var yb = y.Slice(bj * k * n, k * n);
            if (needA)
            {
                var d = dA.Slice(ai * m * k, m * k);
                if (ta) Gemm.Multiply(tb, true, k, m, n, yb, gb, d, accumulate: true);
                else Gemm.Multiply(false, !tb, m, k, n, gb, yb, d, accumulate: true);
            }
            if (needB)
            {
                var d = dB.Slice(bj * k * n, k * n);
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
            grads[0] = ReductionOps.SumTo(ta ? MatMulOps.MatMul(b, gy, tb, true) : MatMulOps.MatMul(gy, b, false, !tb), sa);
        if (needed[1])
        {
            if (sb.Rank == 2 && sa.Rank > 2 && !ta) // a batch against one matrix: flatten the batch into rows
            {
                var a2 = a.Reshape(-1, sa[-1]);
                var g2 = gy.Reshape(-1, t.ShapeOf(self)[-1]);
                grads[1] = tb ? MatMulOps.MatMul(g2, a2, true, false) : MatMulOps.MatMul(a2, g2, true, false);
            }
            else grads[1] = ReductionOps.SumTo(tb ? MatMulOps.MatMul(gy, a, true, ta) : MatMulOps.MatMul(a, gy, !ta, false), sb);
        }
    }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents)
    {
        ref var node = ref t.Nodes[self];
        var (a, b) = (t.VarOf(node.A), t.VarOf(node.B));
        bool ta = node.TransposeA, tb = node.TransposeB;
        return SumOfTerms(
            tangents[0].IsDefault ? default : MatMulOps.MatMul(tangents[0], b, ta, tb),
            tangents[1].IsDefault ? default : MatMulOps.MatMul(a, tangents[1], ta, tb));
    }
}
