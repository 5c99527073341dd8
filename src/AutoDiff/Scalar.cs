using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// A float64 value recorded on a <see cref="Tape"/>. Arithmetic on scalars records the operation;
/// <see cref="Tape.Backward(Scalar)"/> then fills <see cref="Grad"/>. A 16-byte handle: copying it
/// copies the reference, not the value.
/// </summary>
public readonly struct Scalar
{
    internal readonly Tape? Tape;
    internal readonly int Index;
    internal readonly int Generation;
    private readonly double value; // a copy of the tape's value, so operators need not read the tape

    internal Scalar(Tape tape, int index, int generation, double value)
    {
        Tape = tape;
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
    public double Grad => Owner.GradientAfterSweep(this);

    /// <summary>The tape this scalar was recorded on.</summary>
    public Tape Owner
    {
        get
        {
            var t = Tape ?? throw new InvalidOperationException("This Scalar is default-initialised: it belongs to no tape.");
            if (Generation != t.Generation)
                throw new InvalidOperationException($"This Scalar was recorded before Reset() (generation {Generation}; the tape is at generation {t.Generation}).");
            return t;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Tape is null ? "Scalar(default)" : $"Scalar({value})";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Tape Same(Scalar a, Scalar b)
    {
        var t = a.Tape;
        if (t is null || t != b.Tape || a.Generation != t.Generation || b.Generation != t.Generation) ThrowMismatch(a, b);
        return t!;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Tape One(Scalar a)
    {
        var t = a.Tape;
        if (t is null || a.Generation != t.Generation) ThrowMismatch(a, a);
        return t!;
    }

    private static void ThrowMismatch(Scalar a, Scalar b)
    {
        if (a.Tape is null || b.Tape is null) throw new InvalidOperationException("A Scalar is default-initialised: it belongs to no tape.");
        if (a.Tape != b.Tape) throw new InvalidOperationException("The two Scalars were recorded on different tapes.");
        var stale = a.Generation != a.Tape.Generation ? a : b;
        throw new InvalidOperationException($"A Scalar was recorded before Reset() (generation {stale.Generation}; the tape is at generation {stale.Tape!.Generation}).");
    }

    private double V => value;

    /// <summary><c>a + b</c>; ∂/∂a = 1, ∂/∂b = 1.</summary>
    public static Scalar operator +(Scalar a, Scalar b) => Same(a, b).Record(ScalarOp.Add, a.V + b.V, a.Index, b.Index);

    /// <summary><c>a − b</c>; ∂/∂a = 1, ∂/∂b = −1.</summary>
    public static Scalar operator -(Scalar a, Scalar b) => Same(a, b).Record(ScalarOp.Sub, a.V - b.V, a.Index, b.Index);

    /// <summary><c>a·b</c>; ∂/∂a = b, ∂/∂b = a.</summary>
    public static Scalar operator *(Scalar a, Scalar b) => Same(a, b).Record(ScalarOp.Mul, a.V * b.V, a.Index, b.Index);

    /// <summary><c>a / b</c>; ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
    public static Scalar operator /(Scalar a, Scalar b) => Same(a, b).Record(ScalarOp.Div, a.V / b.V, a.Index, b.Index);

    /// <summary><c>−a</c>.</summary>
    public static Scalar operator -(Scalar a) => One(a).Record(ScalarOp.Neg, -a.V, a.Index, -1);

    /// <summary><c>a + c</c>.</summary>
    public static Scalar operator +(Scalar a, double c) => One(a).Record(ScalarOp.AddConst, a.V + c, a.Index, -1);

    /// <summary><c>c + a</c>.</summary>
    public static Scalar operator +(double c, Scalar a) => One(a).Record(ScalarOp.AddConst, c + a.V, a.Index, -1);

    /// <summary><c>a − c</c>.</summary>
    public static Scalar operator -(Scalar a, double c) => One(a).Record(ScalarOp.AddConst, a.V - c, a.Index, -1);

    /// <summary><c>c − a</c>; ∂/∂a = −1.</summary>
    public static Scalar operator -(double c, Scalar a) => One(a).Record(ScalarOp.SubFromConst, c - a.V, a.Index, -1);

    /// <summary><c>a·c</c>; ∂/∂a = c.</summary>
    public static Scalar operator *(Scalar a, double c) => One(a).RecordWithConst(ScalarOp.MulConst, a.V * c, a.Index, c);

    /// <summary><c>c·a</c>; ∂/∂a = c.</summary>
    public static Scalar operator *(double c, Scalar a) => One(a).RecordWithConst(ScalarOp.MulConst, c * a.V, a.Index, c);

    /// <summary><c>a / c</c>; ∂/∂a = 1/c.</summary>
    public static Scalar operator /(Scalar a, double c) => One(a).RecordWithConst(ScalarOp.DivConst, a.V / c, a.Index, c);

    /// <summary><c>c / a</c>; ∂/∂a = −c/a².</summary>
    public static Scalar operator /(double c, Scalar a) => One(a).Record(ScalarOp.DivIntoConst, c / a.V, a.Index, -1);

    /// <summary><c>xᶜ</c> for a constant exponent; ∂/∂x = c·xᶜ⁻¹.</summary>
    public static Scalar Pow(Scalar x, double c) => One(x).RecordWithConst(ScalarOp.PowConst, Math.Pow(x.V, c), x.Index, c);

    /// <summary><c>eˣ</c>; derivative eˣ (the output, reused).</summary>
    public static Scalar Exp(Scalar x) => One(x).Record(ScalarOp.Exp, Math.Exp(x.V), x.Index, -1);

    /// <summary>Natural logarithm; derivative 1/x.</summary>
    public static Scalar Log(Scalar x) => One(x).Record(ScalarOp.Log, Math.Log(x.V), x.Index, -1);

    /// <summary><c>√x</c>; derivative 1/(2√x).</summary>
    public static Scalar Sqrt(Scalar x) => One(x).Record(ScalarOp.Sqrt, Math.Sqrt(x.V), x.Index, -1);

    /// <summary><c>|x|</c>; derivative sign(x) (0 at 0).</summary>
    public static Scalar Abs(Scalar x) => One(x).Record(ScalarOp.Abs, Math.Abs(x.V), x.Index, -1);

    /// <summary><c>max(a, b)</c>; the gradient goes to the larger input, to <paramref name="a"/> on a tie.</summary>
    public static Scalar Max(Scalar a, Scalar b) => Same(a, b).Record(ScalarOp.Max, Math.Max(a.V, b.V), a.Index, b.Index);

    /// <summary><c>min(a, b)</c>; the gradient goes to the smaller input, to <paramref name="a"/> on a tie.</summary>
    public static Scalar Min(Scalar a, Scalar b) => Same(a, b).Record(ScalarOp.Min, Math.Min(a.V, b.V), a.Index, b.Index);

    /// <summary><c>max(x, 0)</c>; derivative 1 for x &gt; 0, else 0.</summary>
    public static Scalar Relu(Scalar x) => One(x).Record(ScalarOp.Relu, x.V > 0 ? x.V : 0.0, x.Index, -1);

    /// <summary>
    /// Records a custom unary function of <paramref name="x"/> given its value <c>f(x)</c> and local
    /// derivative <c>f'(x)</c>. The backward rule is <c>x̄ += f'(x)·ȳ</c>. First order only: a
    /// derivative of second or higher order through it throws; pass the function object (the overload
    /// below) to go further.
    /// </summary>
    public static Scalar Unary(Scalar x, double value, double derivative) => One(x).RecordUnary(value, x.Index, derivative, null);

    /// <summary>
    /// As <see cref="Unary(Scalar, double, double)"/>, for a function f given also as a function object
    /// <paramref name="function"/>, whose <see cref="ElementwiseFunction{T}.Derivative"/> chain lets
    /// <c>Tape.Differentiate</c> go to higher orders through this operation: there the rule is recorded as
    /// <c>x̄ += ȳ·f′(x)</c> with <c>f′(x)</c> itself a <c>Unary</c> of <c>function.Derivative</c>
    /// (the first-order sweep still uses <paramref name="derivative"/>). Generated activations call this.
    /// </summary>
    public static Scalar Unary(Scalar x, double value, double derivative, ElementwiseFunction<double>? function)
        => One(x).RecordUnary(value, x.Index, derivative, function);

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
            throw new ArgumentException($"{name ?? AutoDiff.Tape.DefaultFunctionName} needs at least one input (a function of none is a constant: tape.Constant(value)).", nameof(inputs));
        if (partials.Length != inputs.Length)
            throw new ArgumentException($"{name ?? AutoDiff.Tape.DefaultFunctionName} has {inputs.Length} input(s) but {partials.Length} partial(s); give one partial per input.", nameof(partials));
        var t = One(inputs[0]);
        for (int k = 1; k < inputs.Length; k++) Same(inputs[0], inputs[k]);
        return t.RecordFunction(inputs, value, partials, name);
    }
}
