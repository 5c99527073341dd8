using System.Numerics;
using System.Numerics.Tensors;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>Add, Sub, Mul, Div, Max with broadcasting; Neg and Scale. Forward and backward side by side.</summary>
internal static class ArithmeticOps
{
    public static Var<T> Binary<T>(TensorOp op, Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T>
    {
        var t = Var<T>.Same(a, b);
        Shape sa = t.ShapeOf(a.Index), sb = t.ShapeOf(b.Index);
        Shape so;
        if (sa == sb) so = sa;
        else
        {
            Span<int> dims = stackalloc int[Math.Max(sa.Rank, sb.Rank)];
            Shape.Broadcast(sa, sb, dims, Name(op));
            so = dims.SequenceEqual(sa.Dims) ? sa : dims.SequenceEqual(sb.Dims) ? sb : t.NextShape(dims);
        }
        int i = t.Push(op, so, a.Index, b.Index, t.AnyRequiresGrad(a.Index, b.Index));
        ReadOnlySpan<T> x = t.ValueOf(a.Index), y = t.ValueOf(b.Index);
        var d = t.Nodes[i].Value.AsSpan(0, so.Length);
        switch (op)
        {
            case TensorOp.Add: Broadcast.Binary<T, AddKernel<T>>(sa, x, sb, y, so, d); break;
            case TensorOp.Sub: Broadcast.Binary<T, SubtractKernel<T>>(sa, x, sb, y, so, d); break;
            case TensorOp.Mul: Broadcast.Binary<T, MultiplyKernel<T>>(sa, x, sb, y, so, d); break;
            case TensorOp.Div: Broadcast.Binary<T, DivideKernel<T>>(sa, x, sb, y, so, d); break;
            case TensorOp.Max: Broadcast.Binary<T, MaxKernel<T>>(sa, x, sb, y, so, d); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "not a binary op");
        }
        return t.Handle(i);
    }

    private static string Name(TensorOp op) => op switch
    {
        TensorOp.Add => "Add", TensorOp.Sub => "Sub", TensorOp.Mul => "Mul", TensorOp.Div => "Div", TensorOp.Max => "Max",
        _ => "Binary",
    };

    // z = a ∘ b broadcast to z's shape. Each input's adjoint is the local partial times z̄, summed
    // over the axes it was broadcast along:
    //   add: ā += z̄            b̄ += z̄
    //   sub: ā += z̄            b̄ −= z̄
    //   mul: ā += z̄·b          b̄ += z̄·a
    //   div: ā += z̄/b          b̄ −= z̄·z/b
    //   max: ā += z̄·[a ≥ b]    b̄ += z̄·[a < b]   (ties go to a)
    public static void BackwardBinary<T>(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
    {
        Shape so = n.Shape, sa = t.ShapeOf(n.A), sb = t.ShapeOf(n.B);
        ReadOnlySpan<T> a = t.ValueOf(n.A), b = t.ValueOf(n.B), z = t.ValueOf(self);
        // Fast paths: an input of the output's shape takes its adjoint in one fused pass (a product
        // with the other input when that is also full-size or a single value); the rest goes the
        // general broadcast way below.
        bool fullA = sa.Length == so.Length, fullB = sb.Length == so.Length;
        bool doneA = !t.RequiresGrad(n.A), doneB = !t.RequiresGrad(n.B);
        switch (n.Op)
        {
            case TensorOp.Add or TensorOp.Sub:
                if (fullA && !doneA) { t.AddGradScaled(n.A, g, T.One); doneA = true; }
                if (fullB && !doneB) { t.AddGradScaled(n.B, g, n.Op == TensorOp.Add ? T.One : -T.One); doneB = true; }
                break;
            case TensorOp.Mul when n.A == n.B:
                t.AddGradProduct(n.A, g, a, T.CreateTruncating(2)); // x·x: 2x
                return;
            case TensorOp.Mul:
                if (fullA && !doneA && (fullB || sb.Length == 1)) { MulSide(t, n.A, g, b); doneA = true; }
                if (fullB && !doneB && (fullA || sa.Length == 1)) { MulSide(t, n.B, g, a); doneB = true; }
                break;
        }
        if (doneA && doneB) return;
        var tmp = t.Scratch(so.Length);
        if (!doneA)
        {
            ReadOnlySpan<T> contrib = g;
            switch (n.Op)
            {
                case TensorOp.Mul: Broadcast.Binary<T, MultiplyKernel<T>>(so, g, sb, b, so, tmp); contrib = tmp; break;
                case TensorOp.Div: Broadcast.Binary<T, DivideKernel<T>>(so, g, sb, b, so, tmp); contrib = tmp; break;
                case TensorOp.Max:
                    Broadcast.Binary<T, GreaterOrEqualMaskKernel<T>>(sa, a, sb, b, so, tmp);
                    TensorPrimitives.Multiply(tmp, g, tmp);
                    contrib = tmp;
                    break;
            }
            Broadcast.AccumulateReduced(so, contrib, sa, t.GradOf(n.A));
        }
        if (!doneB)
        {
            switch (n.Op)
            {
                case TensorOp.Add: break;
                case TensorOp.Sub: TensorPrimitives.Negate(g, tmp); break;
                case TensorOp.Mul: Broadcast.Binary<T, MultiplyKernel<T>>(so, g, sa, a, so, tmp); break;
                case TensorOp.Div:
                    TensorPrimitives.Multiply(g, z, tmp);
                    Broadcast.Binary<T, DivideKernel<T>>(so, tmp, sb, b, so, tmp);
                    TensorPrimitives.Negate(tmp, tmp);
                    break;
                case TensorOp.Max:
                    Broadcast.Binary<T, GreaterOrEqualMaskKernel<T>>(sa, a, sb, b, so, tmp);
                    TensorPrimitives.Subtract(T.One, tmp, tmp);
                    TensorPrimitives.Multiply(tmp, g, tmp);
                    break;
            }
            Broadcast.AccumulateReduced(so, n.Op == TensorOp.Add ? g : tmp, sb, t.GradOf(n.B));
        }
    }

    // ī (+)= z̄·o where o is full-size or one value broadcast.
    private static void MulSide<T>(TensorTape<T> t, int i, ReadOnlySpan<T> g, ReadOnlySpan<T> other) where T : IFloatingPointIeee754<T>
    {
        if (other.Length == g.Length) t.AddGradProduct(i, g, other, T.One);
        else t.AddGradScaled(i, g, other[0]);
    }

    public static Var<T> Neg<T>(Var<T> a) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
        var s = t.ShapeOf(a.Index);
        int i = t.Push(TensorOp.Neg, s, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        TensorPrimitives.Negate(t.ValueOf(a.Index), t.Nodes[i].Value.AsSpan(0, s.Length));
        return t.Handle(i);
    }

    // z = −a:  ā −= z̄
    public static void BackwardNeg<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
        => t.AddGradScaled(n.A, g, -T.One);

    public static Var<T> Scale<T>(Var<T> a, T alpha) where T : IFloatingPointIeee754<T>
    {
        var t = a.Checked;
        var s = t.ShapeOf(a.Index);
        int i = t.Push(TensorOp.Scale, s, a.Index, requiresGrad: t.RequiresGrad(a.Index));
        t.Nodes[i].Alpha = alpha;
        TensorPrimitives.Multiply(t.ValueOf(a.Index), alpha, t.Nodes[i].Value.AsSpan(0, s.Length));
        return t.Handle(i);
    }

    // z = α·a:  ā += α·z̄
    public static void BackwardScale<T>(TensorTape<T> t, ref TensorNode<T> n, ReadOnlySpan<T> g) where T : IFloatingPointIeee754<T>
        => t.AddGradScaled(n.A, g, n.Alpha);
}
