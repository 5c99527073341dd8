namespace AutoDiff.Generators.Model;

/// <summary>The element type a <c>[Differentiable]</c> method works in.</summary>
internal enum ElementKind
{
    Double,
    Single,
    /// <summary><c>T f&lt;T&gt;(T x) where T : IFloatingPointIeee754&lt;T&gt;</c>: serves float and double.</summary>
    Generic,
}

/// <summary>
/// A parameter after the first: a constant of the activation (leaky ReLU's slope, ELU's alpha).
/// <paramref name="Type"/> is its C# type as written in generated code; <paramref name="IsElement"/>
/// says it is the element type itself (T, or the method's double/float).
/// </summary>
internal sealed record ExtraParameter(string Name, string Type, bool IsElement, string? DefaultValue);

/// <summary>A user's local variable name for a node, so generated code reads like the source.</summary>
internal readonly record struct NameHint(int Node, string Name);

/// <summary>
/// Everything the emitter needs about one <c>[Differentiable]</c> method, as strings, enums and
/// equatable arrays: the body is a hash-consed expression graph (<see cref="Nodes"/>, <see cref="Root"/>).
/// <see cref="WeightInit"/> is the attribute's <c>WeightInit</c> as C# (<c>global::AutoDiff.Nn.WeightInit.He</c>), or null when not set.
/// </summary>
internal sealed record ActivationModel(
    string Namespace,
    string ClassName,
    string MethodName,
    string Accessibility,
    ElementKind Kind,
    string TypeParameter,
    string ParameterName,
    EquatableArray<ExtraParameter> Extras,
    EquatableArray<Node> Nodes,
    int Root,
    EquatableArray<NameHint> Hints,
    string? ScalarOnlyReason,
    string? WeightInit)
{
    /// <summary>The element type as written in generated code.</summary>
    public string ElementType => Kind switch
    {
        ElementKind.Double => "double",
        ElementKind.Single => "float",
        _ => TypeParameter,
    };
}

/// <summary>
/// What the parser hands on: the whole function when it can be generated, its activation members when
/// it is also an element-wise activation (one variable, loop-free), and diagnostics either way.
/// </summary>
internal sealed record ParseResult(FunctionModel? Function, ActivationModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
