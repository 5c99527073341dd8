using System.Numerics;

namespace AutoDiff;

public readonly partial struct Var<T>
{
    /// <summary><c>a + b</c> with NumPy broadcasting; ∂/∂a = ∂/∂b = 1 (summed over broadcast axes).</summary>
    public static Var<T> operator +(Var<T> a, Var<T> b) => ArithmeticOps.Binary<T, AddOp<T>>(a, b);

    /// <summary><c>a − b</c> with broadcasting.</summary>
    public static Var<T> operator -(Var<T> a, Var<T> b) => ArithmeticOps.Binary<T, SubOp<T>>(a, b);

    /// <summary>Element-wise <c>a·b</c> with broadcasting; ∂/∂a = b, ∂/∂b = a.</summary>
    public static Var<T> operator *(Var<T> a, Var<T> b) => ArithmeticOps.Binary<T, MulOp<T>>(a, b);

    /// <summary>Element-wise <c>a / b</c> with broadcasting; ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
    public static Var<T> operator /(Var<T> a, Var<T> b) => ArithmeticOps.Binary<T, DivOp<T>>(a, b);

    /// <summary><c>−a</c>.</summary>
    public static Var<T> operator -(Var<T> a) => ArithmeticOps.Unary<T, NegOp<T>>(a);

    /// <summary><c>a + c</c>.</summary>
    public static Var<T> operator +(Var<T> a, T c) => a + a.Section.ConstantValue(c);

    /// <summary><c>c + a</c>.</summary>
    public static Var<T> operator +(T c, Var<T> a) => a.Section.ConstantValue(c) + a;

    /// <summary><c>a − c</c>.</summary>
    public static Var<T> operator -(Var<T> a, T c) => a - a.Section.ConstantValue(c);

    /// <summary><c>c − a</c>.</summary>
    public static Var<T> operator -(T c, Var<T> a) => a.Section.ConstantValue(c) - a;

    /// <summary><c>c·a</c>; ∂/∂a = c.</summary>
    public static Var<T> operator *(Var<T> a, T c) => ArithmeticOps.Unary<T, ScaleOp<T>>(a, c);

    /// <summary><c>c·a</c>; ∂/∂a = c.</summary>
    public static Var<T> operator *(T c, Var<T> a) => ArithmeticOps.Unary<T, ScaleOp<T>>(a, c);

    /// <summary><c>a / c</c>.</summary>
    public static Var<T> operator /(Var<T> a, T c) => a / a.Section.ConstantValue(c);

    /// <summary><c>c / a</c>.</summary>
    public static Var<T> operator /(T c, Var<T> a) => a.Section.ConstantValue(c) / a;

    /// <summary>Element-wise <c>eˣ</c>; derivative eˣ (the output, reused).</summary>
    public Var<T> Exp() => ArithmeticOps.Unary<T, ExpOp<T>>(this);

    /// <summary>Element-wise natural logarithm; derivative 1/x.</summary>
    public Var<T> Log() => ArithmeticOps.Unary<T, LogOp<T>>(this);

    /// <summary>Element-wise <c>x²</c>, as <c>x·x</c>.</summary>
    public Var<T> Square() => this * this;

    /// <summary>The sum of all elements, a rank-0 value; ∂/∂xᵢ = 1.</summary>
    public Var<T> Sum() => ReductionOps.Sum(this);

    /// <summary>The sum over <paramref name="axis"/> (negative counts from the end), dropping it unless <paramref name="keepDims"/>.</summary>
    public Var<T> Sum(int axis, bool keepDims = false) => ReductionOps.SumAxis(this, axis, keepDims);

    /// <summary>The mean of all elements, <c>Σx / n</c>; undefined (throws) for an empty tensor.</summary>
    public Var<T> Mean()
    {
        int n = Shape.Length;
        if (n == 0) throw new InvalidOperationException($"Mean of an empty tensor (shape {Shape}) is undefined.");
        return ArithmeticOps.Unary<T, ScaleOp<T>>(Sum(), T.One / T.CreateChecked(n));
    }

    /// <summary>The mean over <paramref name="axis"/>; undefined (throws) when that axis is empty.</summary>
    public Var<T> Mean(int axis, bool keepDims = false)
    {
        var s = Shape;
        int n = s[axis];
        if (n == 0) throw new InvalidOperationException($"Mean over axis {axis} of shape {s} is undefined: the axis is empty.");
        return ArithmeticOps.Unary<T, ScaleOp<T>>(Sum(axis, keepDims), T.One / T.CreateChecked(n));
    }

    /// <summary>The same elements with new dimensions (a view); one dimension may be −1 to infer it.</summary>
    public Var<T> Reshape(params ReadOnlySpan<int> dims) => LayoutOps.Reshape(this, dims);

    /// <summary>
    /// The elements <c>start … start+length−1</c> along <paramref name="axis"/> (a copy); the gradient
    /// flows back into that window and is zero elsewhere.
    /// </summary>
    public Var<T> Slice(int axis, int start, int length) => LayoutOps.Slice(this, axis, start, length);

    /// <summary>Swaps the last two axes: <c>aᵀ</c>.</summary>
    public Var<T> Transpose() => LayoutOps.Transpose(this);

    /// <summary>
    /// Matrix product <c>this·b</c>: [m,k]·[k,n] → [m,n]; a batch [...,m,k] times [k,n]; or two batches
    /// with equal leading dimensions. ∂/∂a = z̄·bᵀ, ∂/∂b = aᵀ·z̄.
    /// </summary>
    public Var<T> MatMul(Var<T> b) => MatMulOps.MatMul(this, b);

    /// <summary>Applies an element-wise function (an activation) and records its backward rule.</summary>
    public Var<T> Apply(ElementwiseFunction<T> function) => ElementwiseOps.Apply(this, function);

    /// <summary>The same values as a constant: gradients stop here.</summary>
    public Var<T> Detach()
    {
        var t = Section;
        return t.Handle(t.Push(TensorOp.Constant, Shape, external: t.Nodes[Index].Value));
    }

    /// <summary>
    /// <c>log Σ exp(x)</c> over <paramref name="axis"/>, computed as <c>m + log Σ exp(x − m)</c> with
    /// <c>m = max x</c>, so it neither overflows nor underflows. Its gradient is softmax(x).
    /// </summary>
    public Var<T> LogSumExp(int axis = -1, bool keepDims = false)
    {
        var m = SelectionOps.MaxOverAxisDetached(this, axis);
        var lse = (this - m).Exp().Sum(axis, keepDims: true).Log() + m;
        return keepDims ? lse : lse.Sum(axis);
    }

    /// <summary><c>log softmax(x) = x − logsumexp(x)</c> over <paramref name="axis"/>: stable for any finite logits.</summary>
    public Var<T> LogSoftmax(int axis = -1) => this - LogSumExp(axis, keepDims: true);

    /// <summary>
    /// <c>softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ)</c> over <paramref name="axis"/>, computed as
    /// <c>exp(xᵢ − m) / Σⱼ exp(xⱼ − m)</c> with <c>m = max x</c>: no overflow, and relative accuracy
    /// for logits of any size. Its Jacobian-vector product is <c>p ⊙ (v − ⟨v, p⟩)</c>.
    /// </summary>
    public Var<T> Softmax(int axis = -1)
    {
        // Not exp(log softmax x): that carries log-sum-exp's absolute error, ε·max|x|, into every
        // probability as a relative error (2e-5 in float at logits of 1e4).
        var e = (this - SelectionOps.MaxOverAxisDetached(this, axis)).Exp();
        return e / e.Sum(axis, keepDims: true);
    }
}

/// <summary>Tensor operations that read better as functions than as methods.</summary>
public static class Var
{
    /// <summary>Element-wise <c>max(a, b)</c> with broadcasting; the gradient goes to the larger input, to <paramref name="a"/> on a tie.</summary>
    public static Var<T> Max<T>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T> => ArithmeticOps.Binary<T, MaxOp<T>>(a, b);

    /// <summary>Element-wise <c>max(a, c)</c> (ties pass the gradient to a). For ReLU write <c>a.Relu()</c>, the generated activation: the one ReLU, whose derivative at 0 is 0.</summary>
    public static Var<T> Max<T>(Var<T> a, T c) where T : IFloatingPointIeee754<T> => Max(a, a.Section.ConstantValue(c));

    /// <summary>Element-wise <c>condition ≠ 0 ? a : b</c> (all three of one shape); no gradient flows into the condition.</summary>
    public static Var<T> Where<T>(Var<T> condition, Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T> => SelectionOps.Where(condition, a, b);

    /// <summary>A constant mask, 1 where <c>a &gt; b</c> (broadcast) and 0 elsewhere.</summary>
    public static Var<T> Greater<T>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T> => SelectionOps.Greater(a, b);

    /// <summary>
    /// Records the user-defined primitive <paramref name="function"/> applied to <paramref name="inputs"/>
    /// (all on one tape) as one operation: <c>y = f(x₀, …, xₙ₋₁)</c>, with the shape its
    /// <see cref="TensorFunction{T}.OutputShape"/> gives. The backward sweep calls its
    /// <see cref="TensorFunction{T}.Backward"/>; higher-order derivatives use its optional
    /// <see cref="TensorFunction{T}.TryVjp"/> and <see cref="TensorFunction{T}.TryJvp"/> rules. Allocates
    /// nothing when the same graph is recorded again (after <see cref="Tape.Reset"/>).
    /// </summary>
    public static Var<T> Function<T>(TensorFunction<T> function, params ReadOnlySpan<Var<T>> inputs) where T : IFloatingPointIeee754<T>
        => FunctionOps.Function(function, inputs);

    /// <summary>A constant mask, 1 where <c>a &gt; c</c> and 0 elsewhere.</summary>
    public static Var<T> Greater<T>(Var<T> a, T c) where T : IFloatingPointIeee754<T> => SelectionOps.Greater(a, a.Section.ConstantValue(c));
}
