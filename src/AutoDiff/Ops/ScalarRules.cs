using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// ∂y/∂x of a scalar op as <c>Scale·Times/Over</c>, where Times and Over are tape scalars (<c>default</c>
/// for 1): every scalar rule is one such partial per input.
/// </summary>
internal readonly struct ScalarPartial(double scale, Scalar times = default, Scalar over = default)
{
    public readonly double Scale = scale;
    public readonly Scalar Times = times, Over = over;

    /// <summary><c>v·∂y/∂x</c>, recorded; <c>default</c> (zero) when the partial is 0.</summary>
    public Scalar Apply(Scalar v)
    {
        if (Scale == 0) return default;
        if (!Times.IsDefault) v *= Times;
        if (!Over.IsDefault) v /= Over;
        return Scale == 1 ? v : Scale == -1 ? -v : v * Scale;
    }
}

/// <summary>
/// The gradient table of the scalar primitives: the partial derivative of every op with respect to each of
/// its inputs, written in tape operations, one row per op. It is the specification: the reverse walk of
/// <c>Tape.Differentiate</c> records <c>x̄ₖ += ȳ·∂y/∂xₖ</c> from it, forward mode records
/// <c>ẏ = Σₖ ẋₖ·∂y/∂xₖ</c>, and the fused first-order sweep (<see cref="ScalarTape.Sweep"/>) is its
/// numeric form, proven equal by <c>FusedKernelTests</c>. The forwards are the operators of <see cref="Scalar"/>.
/// </summary>
internal static class ScalarRules
{
    /// <summary>∂y/∂xₖ of node <paramref name="i"/> (y) for its input number <paramref name="k"/> (as <see cref="ScalarTape.InputsOf"/> numbers them).</summary>
    public static ScalarPartial Partial(ScalarTape t, int i, int k)
    {
        ref var n = ref t.Nodes[i];
        int a = n.A, b = n.B;
        double c = n.PartialB; // the constant of ×c, /c and xᶜ
        return n.Op switch
        {
            ScalarOp.Add => new(1),                                                     // y = a + b
            ScalarOp.Sub => new(k == 0 ? 1 : -1),                                       // y = a − b
            ScalarOp.Mul => new(1, t.Handle(k == 0 ? b : a)),                           // y = a·b: b, a
            ScalarOp.Div => k == 0 ? new(1, over: t.Handle(b)) : new(-1, t.Handle(i), t.Handle(b)), // y = a/b: 1/b, −y/b
            ScalarOp.Neg => new(-1),                                                    // y = −a
            ScalarOp.AddConst => new(1),                                                // y = a + c
            ScalarOp.SubFromConst => new(-1),                                           // y = c − a
            ScalarOp.MulConst => new(c),                                      // y = c·a
            ScalarOp.DivConst => new(1 / c),                                  // y = a/c
            ScalarOp.DivIntoConst => new(-1, t.Handle(i), t.Handle(a)),                 // y = c/a: −y/a
            ScalarOp.PowConst => c == 0 ? new(0)                                        // y = aᶜ: c·aᶜ⁻¹
                : new(c, Scalar.Pow(t.Handle(a), c - 1)),
            ScalarOp.Exp => new(1, t.Handle(i)),                                        // y = eᵃ: y
            ScalarOp.Log => new(1, over: t.Handle(a)),                                  // y = ln a: 1/a
            ScalarOp.Sqrt => new(0.5, over: t.Handle(i)),                               // y = √a: 1/(2y)
            ScalarOp.Abs => new(Math.Sign(t.Nodes[a].Value)),                                 // y = |a|: sign a (0 at 0)
            ScalarOp.Max => new((t.Nodes[a].Value >= t.Nodes[b].Value) == (k == 0) ? 1 : 0),        // ties go to a
            ScalarOp.Min => new((t.Nodes[a].Value <= t.Nodes[b].Value) == (k == 0) ? 1 : 0),
            ScalarOp.Unary => new(1, UnaryDerivative(t, i)),                            // y = f(a): f′(a)
            ScalarOp.Function => new(1, t.PushOpaque(t.FnPartials[b + 1 + k], i, null)), // given as numbers
            ScalarOp.Opaque => throw FirstOrderOnly(t, i),
            _ => throw new InvalidOperationException($"Scalar op {n.Op} has no rule."),
        };
    }

    /// <summary>
    /// f′(a) of a Unary node as a tape scalar: <c>Unary(a, f′(a), f″(a), function.Derivative)</c>, so the
    /// chain f′, f″, … goes on to any order; a partial known to first order only without the function.
    /// </summary>
    private static Scalar UnaryDerivative(ScalarTape t, int i)
    {
        int a = t.Nodes[i].A, b = t.Nodes[i].B;
        double first = t.Consts[b];
        var f = t.UnaryFunctions[b];
        if (f?.Derivative is not { } derivative) return t.PushOpaque(first, i, f);
        Span<double> x = [t.Nodes[a].Value], y = [first], one = [1.0], second = [0.0];
        try
        {
            derivative.Backward(x, y, one, second); // f″(a) from f′'s own first-order kernel
        }
        catch (NotSupportedException)
        {
            return t.PushOpaque(first, i, derivative); // the chain ends at f′: it has no derivative of its own
        }
        return Scalar.Unary(t.Handle(a), first, second[0], derivative);
    }

    /// <summary>
    /// The same rows as numbers, (∂y/∂a, ∂y/∂b) at the recorded values: a and b the inputs' values, y the
    /// output's, c the op's constant (for Unary: f′(a)). The tape stores them when it records the op, and the
    /// first-order sweep (<see cref="ScalarTape.Sweep"/>) multiplies by them (<c>FusedKernelTests</c> proves each
    /// equals its row above). Max and Min give the mask of the input that receives the gradient.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double A, double B) Numeric(ScalarOp op, double a, double b, double y, double c) => op switch
    {
        ScalarOp.Add => (1, 1),
        ScalarOp.Sub => (1, -1),
        ScalarOp.Mul => (b, a),
        ScalarOp.Div => (1 / b, -y / b),
        ScalarOp.Neg => (-1, 0),
        ScalarOp.AddConst => (1, 0),
        ScalarOp.SubFromConst => (-1, 0),
        ScalarOp.MulConst => (c, 0),
        ScalarOp.DivConst => (1 / c, 0),
        ScalarOp.DivIntoConst => (-y / a, 0),
        ScalarOp.PowConst => (c == 0 ? 0 : c * Math.Pow(a, c - 1), 0),
        ScalarOp.Exp => (y, 0),
        ScalarOp.Log => (1 / a, 0),
        ScalarOp.Sqrt => (0.5 / y, 0),
        ScalarOp.Abs => (Math.Sign(a), 0),
        ScalarOp.Unary => (c, 0),
        ScalarOp.Max => a >= b ? (1, 0) : (0, 1), // ties go to a
        ScalarOp.Min => a <= b ? (1, 0) : (0, 1),
        _ => (0, 0),
    };

    public static bool HasTwoInputs(ScalarOp op) => op is ScalarOp.Add or ScalarOp.Sub or ScalarOp.Mul or ScalarOp.Div or ScalarOp.Max or ScalarOp.Min;

    internal const string DefaultFunctionName = "Scalar.Function";

    /// <summary>The op's name for messages: Function(name), Unary(name) or the op.</summary>
    public static string Name(ScalarTape t, int i) => t.Nodes[i].Op switch
    {
        ScalarOp.Function => $"Function({t.FnNames[t.Nodes[i].B] ?? DefaultFunctionName})",
        ScalarOp.Unary when t.UnaryFunctions[t.Nodes[i].B] is { } f => $"Unary({f.Name})",
        var op => op.ToString(),
    };

    /// <summary>Why the partial <paramref name="opaque"/> cannot be differentiated, naming the op it belongs to.</summary>
    public static NotSupportedException FirstOrderOnly(ScalarTape t, int opaque)
    {
        int origin = t.Nodes[opaque].A;
        string why = t.UnaryFunctions[t.Nodes[opaque].B] is { } f
            ? $"The activation '{f.Name}' has no derivative of its own (its ElementwiseFunction<T>.Derivative is null, or refuses)"
            : t.Nodes[origin].Op == ScalarOp.Function
                ? $"The scalar function '{t.FnNames[t.Nodes[origin].B] ?? DefaultFunctionName}' (Scalar.Function) was given its partials as numbers"
                : "Scalar.Unary was recorded without a function object (its derivative is a number; pass the ElementwiseFunction, as generated activations do)";
        return new NotSupportedException($"{why}, so a derivative of higher order through it is not available.");
    }
}
