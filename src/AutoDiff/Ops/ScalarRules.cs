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
        int a = t.A[i], b = t.B[i];
        return t.Op[i] switch
        {
            ScalarOp.Add => new(1),                                                     // y = a + b
            ScalarOp.Sub => new(k == 0 ? 1 : -1),                                       // y = a − b
            ScalarOp.Mul => new(1, t.Handle(k == 0 ? b : a)),                           // y = a·b: b, a
            ScalarOp.Div => k == 0 ? new(1, over: t.Handle(b)) : new(-1, t.Handle(i), t.Handle(b)), // y = a/b: 1/b, −y/b
            ScalarOp.Neg => new(-1),                                                    // y = −a
            ScalarOp.AddConst => new(1),                                                // y = a + c
            ScalarOp.SubFromConst => new(-1),                                           // y = c − a
            ScalarOp.MulConst => new(t.Consts[b]),                                      // y = c·a
            ScalarOp.DivConst => new(1 / t.Consts[b]),                                  // y = a/c
            ScalarOp.DivIntoConst => new(-1, t.Handle(i), t.Handle(a)),                 // y = c/a: −y/a
            ScalarOp.PowConst => t.Consts[b] == 0 ? new(0)                              // y = aᶜ: c·aᶜ⁻¹
                : new(t.Consts[b], Scalar.Pow(t.Handle(a), t.Consts[b] - 1)),
            ScalarOp.Exp => new(1, t.Handle(i)),                                        // y = eᵃ: y
            ScalarOp.Log => new(1, over: t.Handle(a)),                                  // y = ln a: 1/a
            ScalarOp.Sqrt => new(0.5, over: t.Handle(i)),                               // y = √a: 1/(2y)
            ScalarOp.Abs => new(Math.Sign(t.Value[a])),                                 // y = |a|: sign a (0 at 0)
            ScalarOp.Max => new((t.Value[a] >= t.Value[b]) == (k == 0) ? 1 : 0),        // ties go to a
            ScalarOp.Min => new((t.Value[a] <= t.Value[b]) == (k == 0) ? 1 : 0),
            ScalarOp.Unary => new(1, UnaryDerivative(t, i)),                            // y = f(a): f′(a)
            ScalarOp.Function => new(1, t.PushOpaque(t.FnPartials[b + 1 + k], i, null)), // given as numbers
            ScalarOp.Opaque => throw FirstOrderOnly(t, i),
            _ => throw new InvalidOperationException($"Scalar op {t.Op[i]} has no rule."),
        };
    }

    /// <summary>
    /// f′(a) of a Unary node as a tape scalar: <c>Unary(a, f′(a), f″(a), function.Derivative)</c>, so the
    /// chain f′, f″, … goes on to any order; a partial known to first order only without the function.
    /// </summary>
    private static Scalar UnaryDerivative(ScalarTape t, int i)
    {
        int a = t.A[i], b = t.B[i];
        double first = t.Consts[b];
        var f = t.UnaryFunctions[b];
        if (f?.Derivative is not { } derivative) return t.PushOpaque(first, i, f);
        Span<double> x = [t.Value[a]], y = [first], one = [1.0], second = [0.0];
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

    public static bool HasTwoInputs(ScalarOp op) => op is ScalarOp.Add or ScalarOp.Sub or ScalarOp.Mul or ScalarOp.Div or ScalarOp.Max or ScalarOp.Min;

    internal const string DefaultFunctionName = "Scalar.Function";

    /// <summary>The op's name for messages: Function(name), Unary(name) or the op.</summary>
    public static string Name(ScalarTape t, int i) => t.Op[i] switch
    {
        ScalarOp.Function => $"Function({t.FnNames[t.B[i]] ?? DefaultFunctionName})",
        ScalarOp.Unary when t.UnaryFunctions[t.B[i]] is { } f => $"Unary({f.Name})",
        var op => op.ToString(),
    };

    /// <summary>Why the partial <paramref name="opaque"/> cannot be differentiated, naming the op it belongs to.</summary>
    public static NotSupportedException FirstOrderOnly(ScalarTape t, int opaque)
    {
        int origin = t.A[opaque];
        string why = t.UnaryFunctions[t.B[opaque]] is { } f
            ? $"The activation '{f.Name}' has no derivative of its own (its ElementwiseFunction<T>.Derivative is null, or refuses)"
            : t.Op[origin] == ScalarOp.Function
                ? $"The scalar function '{t.FnNames[t.B[origin]] ?? DefaultFunctionName}' (Scalar.Function) was given its partials as numbers"
                : "Scalar.Unary was recorded without a function object (its derivative is a number; pass the ElementwiseFunction, as generated activations do)";
        return new NotSupportedException($"{why}, so a derivative of higher order through it is not available.");
    }
}
