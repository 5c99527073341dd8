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

    /// <summary>
    /// Element-wise power by a constant, <c>y = xᶜ</c> (PyTorch's <c>pow(x, c)</c>); <c>∂y/∂x = c·xᶜ⁻¹</c>, and
    /// exactly 0 when c = 0 (so <c>x⁰ = 1</c> everywhere, 0⁰ included, with gradient 0). Conventions, all as
    /// PyTorch: at x = 0 the value is 0 for c &gt; 0 and +∞ for c &lt; 0, and the gradient is 0 for c &gt; 1, 1 for
    /// c = 1 and +∞ for 0 &lt; c &lt; 1 (√x's infinite slope); a negative x with a non-integer c has no real
    /// power and gives NaN (value and gradient), and an integer c works for any sign (<c>(−2)³ = −8</c>).
    /// <see cref="Tape.DetectAnomalies"/> names the operation that made such a NaN or ∞. Differentiable to any
    /// order: the derivative is recorded as another power, so an integer power's derivatives end in zeros.
    /// </summary>
    /// <exception cref="ArgumentException">The exponent is NaN.</exception>
    public Var<T> Pow(T exponent)
    {
        if (T.IsNaN(exponent)) throw new ArgumentException("Pow needs an exponent that is a number; got NaN.", nameof(exponent));
        return PowRule<T>.Forward(this, exponent);
    }

    /// <summary>
    /// Element-wise <c>clamp(x, min, max) = min(max(x, min), max)</c>, as PyTorch's <c>clamp</c>: the gradient is
    /// 1 where <c>min ≤ x ≤ max</c> (the bounds included, as PyTorch) and 0 strictly outside. Give
    /// <c>T.NegativeInfinity</c> or <c>T.PositiveInfinity</c> for a one-sided clamp. NaN stays NaN with gradient 0.
    /// Recorded as <see cref="Var.Max{T}(Var{T}, T)"/> then <see cref="Var.Min{T}(Var{T}, T)"/>, whose ties go to x.
    /// </summary>
    /// <exception cref="ArgumentException">A bound is NaN, or <paramref name="min"/> &gt; <paramref name="max"/> (PyTorch would return max everywhere).</exception>
    public Var<T> Clamp(T min, T max)
    {
        if (T.IsNaN(min) || T.IsNaN(max) || min > max)
            throw new ArgumentException($"Clamp needs min ≤ max, both numbers; got min = {min}, max = {max}.", T.IsNaN(min) ? nameof(min) : nameof(max));
        var y = T.IsNegativeInfinity(min) ? this : Var.Max(this, min);
        return T.IsPositiveInfinity(max) ? y : Var.Min(y, max);
    }

    /// <summary>
    /// Element-wise clamp between tensor bounds (broadcast with x and each other):
    /// <c>min(max(x, lower), upper)</c>. The gradient goes to x where <c>lower ≤ x ≤ upper</c>, to
    /// <paramref name="lower"/> where x &lt; lower and to <paramref name="upper"/> where the value would
    /// exceed it, as PyTorch's <c>clamp(x, min, max)</c> with tensor bounds when lower ≤ upper. Where lower &gt; upper
    /// the value is upper (as PyTorch), its gradient going to upper.
    /// </summary>
    public Var<T> Clamp(Var<T> lower, Var<T> upper) => Var.Min(Var.Max(this, lower), upper);

    /// <summary>The sum of all elements, a rank-0 value; ∂/∂xᵢ = 1.</summary>
    public Var<T> Sum() => ReductionOps.Sum(this);

    /// <summary>The sum over <paramref name="axis"/> (negative counts from the end), dropping it unless <paramref name="keepDims"/>; ∂/∂xᵢ = 1.</summary>
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

    /// <summary>Swaps the last two axes: <c>aᵀ</c> (rank 2 or more); the gradient is ȳᵀ. See <see cref="Transpose(int, int)"/> and <see cref="Permute"/> for other axes.</summary>
    public Var<T> Transpose() => LayoutOps.Transpose(this);

    /// <summary>
    /// Matrix product <c>z = this·b</c> with NumPy's and PyTorch's <c>matmul</c> semantics. Over the last two
    /// axes [m,k]·[k,n] → [m,n]; the leading (batch) axes broadcast: [b,m,k]·[k,n] → [b,m,n] (one GEMM over
    /// the flattened rows), [m,k]·[b,k,n] → [b,m,n], [b,1,m,k]·[c,k,n] → [b,c,m,n]. A 1-d left operand [k] is
    /// a row vector [1,k] and a 1-d right operand [k] a column vector [k,1], each added axis removed from the
    /// result: [k]·[k,n] → [n], [m,k]·[k] → [m], [k]·[k] → the dot product (rank 0).
    /// Gradients: <c>ā = reduce(z̄·bᵀ)</c>, <c>b̄ = reduce(aᵀ·z̄)</c>, each summed over the batch axes its operand was broadcast along.
    /// </summary>
    /// <exception cref="ShapeMismatchException">
    /// The inner dimensions differ, the batch axes do not broadcast, or an operand has rank 0; the message names both shapes.
    /// </exception>
    public Var<T> MatMul(Var<T> b) => MatMulOps.Product(this, b);

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
public static partial class Var
{
    /// <summary>
    /// Element-wise <c>max(a, b)</c> with broadcasting: <c>∂/∂a = [a ≥ b]</c>, <c>∂/∂b = [a &lt; b]</c> (summed
    /// over broadcast axes). On a tie the whole gradient goes to <paramref name="a"/>, the first operand; this
    /// is kept on purpose and differs from PyTorch's <c>torch.maximum</c>, which gives each operand half. Either
    /// way <c>max(x, x)</c> passes x's gradient once; the first-operand rule makes <see cref="Var{T}.Clamp(T, T)"/>
    /// pass the gradient at its bounds as PyTorch's clamp does, and agrees with <see cref="Var{T}.Max(int, bool)"/>,
    /// which gives it to the first maximum. A NaN in either operand gives NaN.
    /// </summary>
    public static Var<T> Max<T>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T> => ArithmeticOps.Binary<T, MaxOp<T>>(a, b);

    /// <summary>
    /// Element-wise <c>max(a, c)</c>; ties pass the gradient to a, so with c = 0 the gradient at exactly 0 is 1.
    /// For ReLU write <c>a.Relu()</c>, the generated activation: the one ReLU, whose derivative at 0 is 0 (as PyTorch's <c>relu</c>).
    /// </summary>
    public static Var<T> Max<T>(Var<T> a, T c) where T : IFloatingPointIeee754<T> => Max(a, a.Section.ConstantValue(c));

    /// <summary>
    /// Element-wise <c>min(a, b)</c> with broadcasting: <c>∂/∂a = [a ≤ b]</c>, <c>∂/∂b = [a &gt; b]</c> (summed over
    /// broadcast axes); on a tie the whole gradient goes to <paramref name="a"/>, as for <see cref="Max{T}(Var{T}, Var{T})"/>
    /// (PyTorch's <c>torch.minimum</c> splits it). A NaN in either operand gives NaN.
    /// </summary>
    public static Var<T> Min<T>(Var<T> a, Var<T> b) where T : IFloatingPointIeee754<T> => ArithmeticOps.Binary<T, MinOp<T>>(a, b);

    /// <summary>Element-wise <c>min(a, c)</c>; the gradient goes to a where a ≤ c.</summary>
    public static Var<T> Min<T>(Var<T> a, T c) where T : IFloatingPointIeee754<T> => Min(a, a.Section.ConstantValue(c));

    /// <summary>
    /// Element-wise <c>condition ≠ 0 ? a : b</c> (a NaN condition counts as true), with the three shapes
    /// broadcast together as NumPy's and PyTorch's <c>where</c>: <c>ā = reduce(ȳ·[c ≠ 0])</c>,
    /// <c>b̄ = reduce(ȳ·[c = 0])</c>, each summed over the axes its branch was broadcast along; no gradient
    /// flows into the condition.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The shapes do not broadcast; the message names all three.</exception>
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
