using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// A float64 value recorded on a <see cref="Tape"/>. Arithmetic on scalars records the operation;
/// <see cref="Tape.Backward(Scalar)"/> then fills <see cref="Grad"/>. A 24-byte handle: copying it
/// copies the reference, not the value.
/// </summary>
public readonly struct Scalar
{
    internal readonly ScalarTape? Store;
    internal readonly int Index;
    internal readonly int Generation;
    private readonly double value; // a copy of the tape's value, so operators need not read the tape

    internal Scalar(ScalarTape store, int index, int generation, double value)
    {
        Store = store;
        Index = index;
        Generation = generation;
        this.value = value;
    }

    /// <summary>The value computed when this scalar was recorded.</summary>
    public double Value
    {
        get
        {
            _ = Owner;
            return value;
        }
    }

    /// <summary>∂output/∂this from the last <see cref="Tape.Backward(Scalar)"/> (0 if this scalar does not reach the output).</summary>
    public double Grad => Owner.Scalars.GradientAfterSweep(this);

    /// <summary>The tape this scalar was recorded on.</summary>
    public Tape Owner
    {
        get
        {
            var t = Store ?? throw new InvalidOperationException("This Scalar is default-initialised: it belongs to no tape.");
            if (Generation != t.Generation)
                throw new InvalidOperationException($"This Scalar was recorded before Reset() (generation {Generation}; the tape is at generation {t.Generation}).");
            return t.Owner;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Store is null ? "Scalar(default)" : $"Scalar({value})";

    /// <summary>True for <c>default(Scalar)</c>; the higher-order rules use it for a zero adjoint or tangent.</summary>
    internal bool IsDefault => Store is null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ScalarTape Same(Scalar a, Scalar b)
    {
        var t = a.Store;
        if (t is null || t != b.Store || a.Generation != t.Generation || b.Generation != t.Generation) ThrowMismatch(a, b);
        return t!;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ScalarTape One(Scalar a)
    {
        var t = a.Store;
        if (t is null || a.Generation != t.Generation) ThrowMismatch(a, a);
        return t!;
    }

    private static void ThrowMismatch(Scalar a, Scalar b)
    {
        if (a.Store is null || b.Store is null) throw new InvalidOperationException("A Scalar is default-initialised: it belongs to no tape.");
        if (a.Store != b.Store) throw new InvalidOperationException("The two Scalars were recorded on different tapes.");
        var stale = a.Generation != a.Store.Generation ? a : b;
        throw new InvalidOperationException($"A Scalar was recorded before Reset() (generation {stale.Generation}; the tape is at generation {stale.Store!.Generation}).");
    }

    internal double V => value;

    /// <summary><c>a + b</c>; ∂/∂a = 1, ∂/∂b = 1.</summary>
    public static Scalar operator +(Scalar a, Scalar b) => Same(a, b).Push(ScalarOp.Add, a.V + b.V, a, b);

    /// <summary><c>a − b</c>; ∂/∂a = 1, ∂/∂b = −1.</summary>
    public static Scalar operator -(Scalar a, Scalar b) => Same(a, b).Push(ScalarOp.Sub, a.V - b.V, a, b);

    /// <summary><c>a·b</c>; ∂/∂a = b, ∂/∂b = a.</summary>
    public static Scalar operator *(Scalar a, Scalar b) => Same(a, b).Push(ScalarOp.Mul, a.V * b.V, a, b);

    /// <summary><c>a / b</c>; ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
    public static Scalar operator /(Scalar a, Scalar b) => Same(a, b).Push(ScalarOp.Div, a.V / b.V, a, b);

    /// <summary><c>−a</c>.</summary>
    public static Scalar operator -(Scalar a) => One(a).Push(ScalarOp.Neg, -a.V, a);

    /// <summary><c>a + c</c>.</summary>
    public static Scalar operator +(Scalar a, double c) => One(a).Push(ScalarOp.AddConst, a.V + c, a);

    /// <summary><c>c + a</c>.</summary>
    public static Scalar operator +(double c, Scalar a) => One(a).Push(ScalarOp.AddConst, c + a.V, a);

    /// <summary><c>a − c</c>.</summary>
    public static Scalar operator -(Scalar a, double c) => One(a).Push(ScalarOp.AddConst, a.V - c, a);

    /// <summary><c>c − a</c>; ∂/∂a = −1.</summary>
    public static Scalar operator -(double c, Scalar a) => One(a).Push(ScalarOp.SubFromConst, c - a.V, a);

    /// <summary><c>a·c</c>; ∂/∂a = c.</summary>
    public static Scalar operator *(Scalar a, double c) => One(a).PushWithConst(ScalarOp.MulConst, a.V * c, a, c);

    /// <summary><c>c·a</c>; ∂/∂a = c.</summary>
    public static Scalar operator *(double c, Scalar a) => One(a).PushWithConst(ScalarOp.MulConst, c * a.V, a, c);

    /// <summary><c>a / c</c>; ∂/∂a = 1/c.</summary>
    public static Scalar operator /(Scalar a, double c) => One(a).PushWithConst(ScalarOp.DivConst, a.V / c, a, c);

    /// <summary><c>c / a</c>; ∂/∂a = −c/a².</summary>
    public static Scalar operator /(double c, Scalar a) => One(a).Push(ScalarOp.DivIntoConst, c / a.V, a);

    /// <summary><c>xᶜ</c> for a constant exponent; ∂/∂x = c·xᶜ⁻¹.</summary>
    public static Scalar Pow(Scalar x, double c) => One(x).PushWithConst(ScalarOp.PowConst, Math.Pow(x.V, c), x, c);

    /// <summary><c>eˣ</c>; derivative eˣ (the output, reused).</summary>
    public static Scalar Exp(Scalar x) => One(x).Push(ScalarOp.Exp, Math.Exp(x.V), x);

    /// <summary>Natural logarithm; derivative 1/x.</summary>
    public static Scalar Log(Scalar x) => One(x).Push(ScalarOp.Log, Math.Log(x.V), x);

    /// <summary><c>√x</c>; derivative 1/(2√x).</summary>
    public static Scalar Sqrt(Scalar x) => One(x).Push(ScalarOp.Sqrt, Math.Sqrt(x.V), x);

    /// <summary><c>|x|</c>; derivative sign(x) (0 at 0).</summary>
    public static Scalar Abs(Scalar x) => One(x).Push(ScalarOp.Abs, Math.Abs(x.V), x);

    /// <summary>
    /// <c>max(a, b)</c>; the gradient goes to the larger input, all of it to <paramref name="a"/> on a tie (kept on
    /// purpose, as for the tensor <see cref="Var.Max{T}(Var{T}, Var{T})"/>; PyTorch's <c>maximum</c> gives each half).
    /// </summary>
    public static Scalar Max(Scalar a, Scalar b) => Same(a, b).Push(ScalarOp.Max, Math.Max(a.V, b.V), a, b);

    /// <summary>
    /// <c>min(a, b)</c>; the gradient goes to the smaller input, all of it to <paramref name="a"/> on a tie (as
    /// <see cref="Max(Scalar, Scalar)"/>; PyTorch's <c>minimum</c> gives each half).
    /// </summary>
    public static Scalar Min(Scalar a, Scalar b) => Same(a, b).Push(ScalarOp.Min, Math.Min(a.V, b.V), a, b);

    /// <summary>
    /// <c>max(x, 0)</c>: the generated activation <see cref="Activations.Relu(Scalar)"/>, which is the one ReLU
    /// (write <c>x.Relu()</c>; on tensors <c>v.Relu()</c>). Derivative 1 for x &gt; 0, else 0.
    /// </summary>
    [Obsolete("Write x.Relu() (Activations.Relu, the generated activation): it is the one ReLU, on Scalar and on Var.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static Scalar Relu(Scalar x) => Activations.Relu(x);

    /// <summary>
    /// Records a custom unary function of <paramref name="x"/> given its value <c>f(x)</c> and local
    /// derivative <c>f'(x)</c>. The backward rule is <c>x̄ += f'(x)·ȳ</c>. First order only: a
    /// derivative of second or higher order through it throws; pass the function object (the overload
    /// below) to go further.
    /// </summary>
    public static Scalar Unary(Scalar x, double value, double derivative) => One(x).PushUnary(value, x.Index, derivative, null);

    /// <summary>
    /// As <see cref="Unary(Scalar, double, double)"/>, for a function f given also as a function object
    /// <paramref name="function"/>, whose <see cref="ElementwiseFunction{T}.Derivative"/> chain lets
    /// <c>Tape.Differentiate</c> go to higher orders through this operation: there the rule is recorded as
    /// <c>x̄ += ȳ·f′(x)</c> with <c>f′(x)</c> itself a <c>Unary</c> of <c>function.Derivative</c>
    /// (the first-order sweep still uses <paramref name="derivative"/>). Generated activations call this.
    /// </summary>
    public static Scalar Unary(Scalar x, double value, double derivative, ElementwiseFunction<double>? function)
        => One(x).PushUnary(value, x.Index, derivative, function);

    /// <summary>
    /// Records a function of several scalars as one operation, given its value and its partial
    /// derivatives at the inputs: <c>y = f(x₀, …, xₙ₋₁)</c> = <paramref name="value"/> and
    /// <c>∂y/∂xₖ</c> = <c><paramref name="partials"/>[k]</c>. The backward rule is <c>x̄ₖ += ȳ·∂y/∂xₖ</c>
    /// (an input given twice receives both partials); forward mode uses <c>ẏ = Σₖ ∂y/∂xₖ·ẋₖ</c>. The
    /// partials are numbers, so this is first order: a derivative of second or higher order through it
    /// throws <see cref="NotSupportedException"/> naming <paramref name="name"/>. Allocates nothing.
    /// </summary>
    /// <param name="inputs">The arguments xₖ, at least one, all on one tape.</param>
    /// <param name="value">f at the inputs.</param>
    /// <param name="partials">∂f/∂xₖ at the inputs, one per input.</param>
    /// <param name="name">The function's name for error messages (default "Scalar.Function").</param>
    public static Scalar Function(ReadOnlySpan<Scalar> inputs, double value, ReadOnlySpan<double> partials, string? name = null)
    {
        if (inputs.IsEmpty)
            throw new ArgumentException($"{name ?? ScalarRules.DefaultFunctionName} needs at least one input (a function of none is a constant: tape.Constant(value)).", nameof(inputs));
        if (partials.Length != inputs.Length)
            throw new ArgumentException($"{name ?? ScalarRules.DefaultFunctionName} has {inputs.Length} input(s) but {partials.Length} partial(s); give one partial per input.", nameof(partials));
        var t = One(inputs[0]);
        for (int k = 1; k < inputs.Length; k++) Same(inputs[0], inputs[k]);
        return t.PushFunction(inputs, value, partials, name);
    }
}
