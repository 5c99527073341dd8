namespace AutoDiff;

/// <summary>The operations an <see cref="ElementwiseExpression"/> is made of (ONNX has an operator for each).</summary>
public enum ExpressionOp
{
    /// <summary>The function's input x.</summary>
    Input,
    /// <summary>A number, <see cref="ElementwiseExpression.Value"/>.</summary>
    Constant,
    /// <summary><c>a + b</c>.</summary>
    Add,
    /// <summary><c>a − b</c>.</summary>
    Sub,
    /// <summary><c>a·b</c>.</summary>
    Mul,
    /// <summary><c>a / b</c>.</summary>
    Div,
    /// <summary><c>−a</c>.</summary>
    Neg,
    /// <summary><c>eᵃ</c>.</summary>
    Exp,
    /// <summary><c>ln a</c>.</summary>
    Log,
    /// <summary><c>√a</c>.</summary>
    Sqrt,
    /// <summary><c>|a|</c>.</summary>
    Abs,
    /// <summary>−1, 0 or 1.</summary>
    Sign,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Hyperbolic sine.</summary>
    Sinh,
    /// <summary>Hyperbolic cosine.</summary>
    Cosh,
    /// <summary>Sine.</summary>
    Sin,
    /// <summary>Cosine.</summary>
    Cos,
    /// <summary>Tangent.</summary>
    Tan,
    /// <summary>Arcsine.</summary>
    Asin,
    /// <summary>Arccosine.</summary>
    Acos,
    /// <summary>Arctangent.</summary>
    Atan,
    /// <summary>Round down.</summary>
    Floor,
    /// <summary>Round up.</summary>
    Ceiling,
    /// <summary>Round to nearest, ties to even.</summary>
    Round,
    /// <summary><c>aᵇ</c>.</summary>
    Pow,
    /// <summary><c>max(a, b)</c>.</summary>
    Max,
    /// <summary><c>min(a, b)</c>.</summary>
    Min,
    /// <summary><c>c ? a : b</c> (inputs c, a, b).</summary>
    Where,
    /// <summary><c>a &lt; b</c> (a condition).</summary>
    Less,
    /// <summary><c>a ≤ b</c> (a condition).</summary>
    LessOrEqual,
    /// <summary><c>a &gt; b</c> (a condition).</summary>
    Greater,
    /// <summary><c>a ≥ b</c> (a condition).</summary>
    GreaterOrEqual,
    /// <summary><c>a = b</c> (a condition).</summary>
    Equal,
    /// <summary>Both conditions.</summary>
    And,
    /// <summary>Either condition.</summary>
    Or,
    /// <summary>The opposite condition.</summary>
    Not,
}

/// <summary>
/// An element-wise function written as an expression over its input: what an exporter (ONNX) needs
/// to rebuild an activation from its operators. Generated activations build theirs in
/// <see cref="ElementwiseFunction{T}.Describe"/>. A subexpression used twice is the same object, so an
/// exporter that keys on references writes it once.
/// </summary>
public sealed class ElementwiseExpression
{
    private static readonly ElementwiseExpression[] None = [];

    private ElementwiseExpression(ExpressionOp op, double value, ElementwiseExpression[] inputs)
    {
        Op = op;
        Value = value;
        Inputs = inputs;
    }

    /// <summary>The operation.</summary>
    public ExpressionOp Op { get; }

    /// <summary>The number, for <see cref="ExpressionOp.Constant"/>.</summary>
    public double Value { get; }

    /// <summary>The operands, in order (none for the input and constants).</summary>
    public IReadOnlyList<ElementwiseExpression> Inputs { get; }

    /// <summary>A fresh input x.</summary>
    public static ElementwiseExpression Input() => new(ExpressionOp.Input, 0, None);

    /// <summary>The number <paramref name="value"/>.</summary>
    public static ElementwiseExpression Constant(double value) => new(ExpressionOp.Constant, value, None);

    /// <summary>An operation on <paramref name="inputs"/>; the count must fit the operation.</summary>
    public static ElementwiseExpression Of(ExpressionOp op, params ElementwiseExpression[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int arity = op switch
        {
            ExpressionOp.Input or ExpressionOp.Constant => -1,
            ExpressionOp.Add or ExpressionOp.Sub or ExpressionOp.Mul or ExpressionOp.Div or ExpressionOp.Pow or ExpressionOp.Max
                or ExpressionOp.Min or ExpressionOp.Less or ExpressionOp.LessOrEqual or ExpressionOp.Greater
                or ExpressionOp.GreaterOrEqual or ExpressionOp.Equal or ExpressionOp.And or ExpressionOp.Or => 2,
            ExpressionOp.Where => 3,
            _ => 1,
        };
        if (arity < 0) throw new ArgumentException($"{op} is a leaf: use Input() or Constant(value).", nameof(op));
        if (inputs.Length != arity) throw new ArgumentException($"{op} takes {arity} operand(s); got {inputs.Length}.", nameof(inputs));
        foreach (var i in inputs) ArgumentNullException.ThrowIfNull(i, nameof(inputs));
        return new(op, 0, (ElementwiseExpression[])inputs.Clone());
    }

    /// <summary><c>a + b</c>.</summary>
    public static ElementwiseExpression operator +(ElementwiseExpression a, ElementwiseExpression b) => Of(ExpressionOp.Add, a, b);

    /// <summary><c>a − b</c>.</summary>
    public static ElementwiseExpression operator -(ElementwiseExpression a, ElementwiseExpression b) => Of(ExpressionOp.Sub, a, b);

    /// <summary><c>a·b</c>.</summary>
    public static ElementwiseExpression operator *(ElementwiseExpression a, ElementwiseExpression b) => Of(ExpressionOp.Mul, a, b);

    /// <summary><c>a / b</c>.</summary>
    public static ElementwiseExpression operator /(ElementwiseExpression a, ElementwiseExpression b) => Of(ExpressionOp.Div, a, b);

    /// <summary><c>−a</c>.</summary>
    public static ElementwiseExpression operator -(ElementwiseExpression a) => Of(ExpressionOp.Neg, a);

    /// <summary>A number used as an expression.</summary>
    public static implicit operator ElementwiseExpression(double value) => Constant(value);

    /// <inheritdoc/>
    public override string ToString() => Op switch
    {
        ExpressionOp.Input => "x",
        ExpressionOp.Constant => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ExpressionOp.Add => $"({Inputs[0]} + {Inputs[1]})",
        ExpressionOp.Sub => $"({Inputs[0]} - {Inputs[1]})",
        ExpressionOp.Mul => $"({Inputs[0]} * {Inputs[1]})",
        ExpressionOp.Div => $"({Inputs[0]} / {Inputs[1]})",
        ExpressionOp.Neg => $"-{Inputs[0]}",
        _ => $"{Op}({string.Join(", ", Inputs)})",
    };
}
