using System.Numerics;

namespace AutoDiff;

/// <summary>
/// One row of the gradient table: everything the tape knows about differentiating one tensor primitive
/// <c>y = op(x₀, x₁, …)</c>. Each row sits in its family's file beside the primitive's forward.
/// </summary>
/// <remarks>
/// <see cref="Vjp"/> is the specification: the vector-Jacobian product written in tape operations, so
/// that the gradient it records is itself differentiable (<c>Tape.Differentiate</c>, to any order).
/// <see cref="Jvp"/> is its transpose, the tangent rule of forward mode. <see cref="Backward"/> is the
/// same product fused into kernels for the fast first-order sweep; a property test
/// (<c>FusedKernelTests</c>) proves it equals <see cref="Vjp"/> on random inputs.
/// Inputs are numbered as <see cref="TensorTape{T}.GradInputs"/> gives them: a, then b (a Function's or a Concat's in order).
/// </remarks>
internal abstract class TensorRule<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>Fused first order: adds <c>(∂y/∂xₖ)ᵀ·g</c> into each input's adjoint buffer that needs one.</summary>
    public abstract void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g);

    /// <summary>
    /// In tape operations: sets <c>grads[k] = (∂y/∂xₖ)ᵀ·ȳ</c> (of xₖ's shape) for each input k with
    /// <c>needed[k]</c>; a slot left <c>default</c> means a zero contribution.
    /// </summary>
    public abstract void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads);

    /// <summary>In tape operations: <c>ẏ = Σₖ (∂y/∂xₖ)·ẋₖ</c>, of y's shape; <c>tangents[k]</c> is <c>default</c> where ẋₖ = 0 (not all are).</summary>
    public abstract Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents);

    /// <summary><c>a + b</c> where <c>default</c> stands for zero (an absent tangent term or adjoint contribution).</summary>
    internal static Var<T> SumOfTerms(Var<T> a, Var<T> b) => a.IsDefault ? b : b.IsDefault ? a : a + b;
}

/// <summary>
/// The gradient table: the row of every tensor primitive, indexed by <see cref="TensorOp"/>. Adding a
/// primitive means adding its enum value, its row (in its family's file), its line here and a test row
/// (see <c>Ops/README.md</c>).
/// </summary>
internal static class TensorRules<T> where T : IFloatingPointIeee754<T>
{
    private static readonly TensorRule<T>[] Rows = Build();

    public static TensorRule<T> Of(TensorOp op) => Rows[(int)op];

    private static TensorRule<T>[] Build()
    {
        var rows = new TensorRule<T>[Enum.GetValues<TensorOp>().Length];
        void Row(TensorOp op, TensorRule<T> rule) => rows[(int)op] = rule;
        Row(TensorOp.Constant, new LeafRule<T>());
        Row(TensorOp.Leaf, new LeafRule<T>());
        Row(TensorOp.Add, new BinaryRule<T, AddOp<T>>());           // Ops/ArithmeticOps.cs
        Row(TensorOp.Sub, new BinaryRule<T, SubOp<T>>());
        Row(TensorOp.Mul, new BinaryRule<T, MulOp<T>>());
        Row(TensorOp.Div, new BinaryRule<T, DivOp<T>>());
        Row(TensorOp.Max, new BinaryRule<T, MaxOp<T>>());
        Row(TensorOp.Min, new BinaryRule<T, MinOp<T>>());
        Row(TensorOp.Neg, new UnaryRule<T, NegOp<T>>());
        Row(TensorOp.Scale, new UnaryRule<T, ScaleOp<T>>());
        Row(TensorOp.Exp, new UnaryRule<T, ExpOp<T>>());            // Ops/ExponentialOps.cs
        Row(TensorOp.Log, new UnaryRule<T, LogOp<T>>());
        Row(TensorOp.Pow, new PowRule<T>());
        Row(TensorOp.Elementwise, new ApplyRule<T>());              // Ops/ElementwiseOps.cs
        Row(TensorOp.Where, new WhereRule<T>());                    // Ops/SelectionOps.cs
        Row(TensorOp.Sum, new SumRule<T>());                        // Ops/ReductionOps.cs
        Row(TensorOp.SumAxis, new SumAxisRule<T>());
        Row(TensorOp.SumTo, new SumToRule<T>());
        Row(TensorOp.BroadcastTo, new BroadcastToRule<T>());
        Row(TensorOp.Reshape, new ReshapeRule<T>());                // Ops/LayoutOps.cs
        Row(TensorOp.Transpose, new TransposeRule<T>());
        Row(TensorOp.Slice, new SliceRule<T>());
        Row(TensorOp.Pad, new PadRule<T>());
        Row(TensorOp.Permute, new PermuteRule<T>());
        Row(TensorOp.Concat, new ConcatRule<T>());                  // Ops/ConcatOps.cs
        Row(TensorOp.Gather, new GatherRule<T>());                  // Ops/IndexingOps.cs
        Row(TensorOp.ScatterAdd, new ScatterAddRule<T>());
        Row(TensorOp.TakeAlong, new TakeAlongRule<T>());
        Row(TensorOp.PutAlong, new PutAlongRule<T>());
        Row(TensorOp.MatMul, new MatMulRule<T>());                  // Ops/MatMulOps.cs
        Row(TensorOp.Function, new FunctionRule<T>());              // Ops/FunctionOps.cs
        Row(TensorOp.Opaque, new OpaqueRule<T>());
        Row(TensorOp.Conv2d, new Conv2dRule<T>());                  // Ops/ConvolutionOps.cs
        Row(TensorOp.Conv2dInput, new Conv2dInputRule<T>());
        Row(TensorOp.Conv2dWeight, new Conv2dWeightRule<T>());
        Row(TensorOp.MaxPool2d, new MaxPool2dRule<T>());            // Ops/PoolingOps.cs
        Row(TensorOp.MaxUnpool2d, new MaxUnpool2dRule<T>());
        Row(TensorOp.AvgPool2d, new AvgPool2dRule<T>());
        Row(TensorOp.AvgUnpool2d, new AvgUnpool2dRule<T>());
        for (int i = 0; i < rows.Length; i++)
            if (rows[i] is null) throw new InvalidOperationException($"Tensor op {(TensorOp)i} has no row in the gradient table.");
        return rows;
    }
}

/// <summary>Constants and leaves: no inputs, so nothing to propagate.</summary>
internal sealed class LeafRule<T> : TensorRule<T> where T : IFloatingPointIeee754<T>
{
    public override void Backward(TensorTape<T> t, ref TensorNode<T> n, int self, ReadOnlySpan<T> g) { }

    public override void Vjp(TensorTape<T> t, int self, Var<T> gy, ReadOnlySpan<bool> needed, Span<Var<T>> grads) { }

    public override Var<T> Jvp(TensorTape<T> t, int self, ReadOnlySpan<Var<T>> tangents) => default;
}
