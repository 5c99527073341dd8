namespace AutoDiff.Generators.Model;

/// <summary>What a parameter of a whole function is, for its adjoint and tangent.</summary>
internal enum ParameterKind : byte
{
    /// <summary>A floating-point scalar (the element type, double or float).</summary>
    Scalar,
    /// <summary>A <c>ReadOnlySpan&lt;T&gt;</c> of the element type.</summary>
    Span,
    /// <summary>An array <c>T[]</c> of the element type.</summary>
    Array,
    /// <summary>An <c>int</c>: loop bounds, indices, or a number.</summary>
    Int,
    /// <summary>A <c>bool</c>: a condition.</summary>
    Bool,
}

/// <summary>
/// A parameter of a whole function: <paramref name="Type"/> as written in generated code;
/// <paramref name="Differentiable"/> when it gets an adjoint and a tangent (a floating scalar, span or
/// array not marked <c>[Constant]</c>).
/// </summary>
internal sealed record FunctionParameter(string Name, ParameterKind Kind, string Type, bool Differentiable)
{
    public bool IsSpan => Kind is ParameterKind.Span or ParameterKind.Array;
}

/// <summary>The type of a local: the element type, <c>int</c> or <c>bool</c>.</summary>
internal enum LocalType : byte { Element, Int, Bool }

internal enum StatementKind : byte
{
    /// <summary><c>T name = value;</c> (<see cref="Statement.Value"/> −1 when there is no initializer).</summary>
    Declare,
    /// <summary><c>name op= value;</c></summary>
    Assign,
    /// <summary><c>if (value) body else other</c>; a tail <c>if</c> (<see cref="Statement.Returns"/>) ends every branch in a return.</summary>
    If,
    /// <summary><c>for (int name = lower; name &lt; upper; name += step) body</c>.</summary>
    For,
    /// <summary><c>return value;</c>, only at the end of a path.</summary>
    Return,
}

/// <summary>The assignment operator of an <see cref="StatementKind.Assign"/>: <c>=</c>, <c>+=</c>, <c>-=</c>, <c>*=</c>, <c>/=</c>.</summary>
internal enum AssignKind : byte { Set, Add, Sub, Mul, Div }

/// <summary>
/// The header of a <c>for</c> loop with an int counter: it runs from <see cref="Lower"/> towards
/// <see cref="Upper"/> (included when <see cref="Inclusive"/>) in steps of <see cref="Step"/> (negative
/// counts down). Bounds are C# int expressions of int parameters, lengths, int locals and counters.
/// </summary>
internal sealed record LoopHeader(string Lower, string Upper, bool Inclusive, int Step);

/// <summary>
/// One statement of a whole function, structured: expressions are node indices of the function's
/// graph, in which locals and parameters are variables (<see cref="Op.Var"/>) and span reads are
/// <see cref="Op.Index"/>. <see cref="Source"/> is the statement as the user wrote it, for comments.
/// </summary>
internal sealed record Statement(
    StatementKind Kind,
    string Name,
    LocalType Type,
    AssignKind Assign,
    int Value,
    string? IntValue,
    string Source,
    EquatableArray<Statement> Body,
    EquatableArray<Statement> Else,
    bool Returns,
    LoopHeader? Loop)
{
    public static Statement Declare(string name, LocalType type, int value, string? intValue, string source)
        => new(StatementKind.Declare, name, type, AssignKind.Set, value, intValue, source, EquatableArray<Statement>.Empty, EquatableArray<Statement>.Empty, false, null);

    public static Statement Set(string name, AssignKind op, int value, string source)
        => new(StatementKind.Assign, name, LocalType.Element, op, value, null, source, EquatableArray<Statement>.Empty, EquatableArray<Statement>.Empty, false, null);

    public static Statement If(int condition, Statement[] then, Statement[] otherwise, bool returns, string source)
        => new(StatementKind.If, "", LocalType.Bool, AssignKind.Set, condition, null, source, new(then), new(otherwise), returns, null);

    public static Statement For(string counter, LoopHeader loop, Statement[] body, string source)
        => new(StatementKind.For, counter, LocalType.Int, AssignKind.Set, -1, null, source, new(body), EquatableArray<Statement>.Empty, false, loop);

    public static Statement Return(int value, string source)
        => new(StatementKind.Return, "", LocalType.Element, AssignKind.Set, value, null, source, EquatableArray<Statement>.Empty, EquatableArray<Statement>.Empty, true, null);
}

/// <summary>
/// A <c>[Differentiable]</c> method as a whole function: its signature and its body as statements over
/// one hash-consed expression graph, all equatable values (the pipeline caches on it).
/// <see cref="Locals"/> lists every name the method declares, so generated names avoid them.
/// </summary>
internal sealed record FunctionModel(
    string Namespace,
    string ClassName,
    string MethodName,
    string Accessibility,
    ElementKind Kind,
    string TypeParameter,
    EquatableArray<FunctionParameter> Parameters,
    EquatableArray<Node> Nodes,
    EquatableArray<Statement> Body,
    EquatableArray<string> Locals)
{
    /// <summary>The element type as written in generated code.</summary>
    public string ElementType => Kind switch
    {
        ElementKind.Double => "double",
        ElementKind.Single => "float",
        _ => TypeParameter,
    };
}
