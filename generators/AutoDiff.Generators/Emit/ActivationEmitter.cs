using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// Prints the <c>.g.cs</c> file of one activation from its <see cref="ActivationDerivation"/>: f′, f″, f‴,
/// the <see langword="Scalar"/> and <c>Var</c> extensions, the function object and its derivative chain
/// (<c>ActivationEmitter.Chain.cs</c>), and the kernel structs (<c>ActivationEmitter.Kernels.cs</c>).
/// </summary>
internal sealed partial class ActivationEmitter : CodeWriter
{
    private readonly ActivationModel m;
    private readonly ActivationDerivation derived;
    private readonly Graph g;
    private readonly HashSet<string> reserved;

    private ActivationEmitter(ActivationDerivation derivation)
        : base(indent: 1)
    {
        derived = derivation;
        m = derivation.Model;
        g = derivation.Graph;
        reserved = new HashSet<string>(m.Extras.Select(e => e.Name)) { m.ParameterName, "x", "y", m.TypeParameter };
    }

    /// <summary>The activation's members, indented for the class body.</summary>
    public static string Members(ActivationModel model) => new ActivationEmitter(ActivationDerivation.Derive(model)).Run();

    private bool IsGeneric => m.Kind == ElementKind.Generic;

    private string T => m.TypeParameter;

    private string TypeArgs => IsGeneric ? "<" + T + ">" : "";

    private string Constraint => IsGeneric ? $" where {T} : IFloatingPointIeee754<{T}>" : "";

    private string Element => m.ElementType;

    /// <summary>f⁽ᵏ⁾'s member name: Swish, SwishDerivative, SwishSecondDerivative, SwishThirdDerivative.</summary>
    private string Member(int order) => m.MethodName + ExpressionWriter.OrderSuffix(order);

    private static readonly string[] OrderWords = { "", "derivative", "second derivative", "third derivative", "fourth derivative" };

    /// <summary>
    /// Extra parameters as declared, with defaults (", double alpha = 1.0"); with
    /// <paramref name="elementIsDouble"/>, a T-typed one becomes double (the Scalar tape is float64).
    /// </summary>
    private string ExtraDeclarations(bool elementIsDouble = false)
        => string.Concat(m.Extras.Select(e =>
            $", {(elementIsDouble && e.IsElement ? "double" : e.Type)} {e.Name}{(e.DefaultValue is null ? "" : " = " + e.DefaultValue)}"));

    private string ExtraArguments => string.Concat(m.Extras.Select(e => ", " + e.Name));

    private string ExtraNames => string.Join(", ", m.Extras.Select(e => e.Name));

    private string FieldArguments => string.Concat(m.Extras.Select(e => ", " + FieldRef(e.Name)));

    // ---- the file

    private string Run()
    {
        for (int order = 1; order <= 3; order++)
        {
            ScalarMethod(order);
            Line();
        }
        foreach (var (parameter, root) in derived.Partials)
        {
            PartialMethod(parameter, root);
            Line();
        }
        ScalarExtension();
        Line();
        VarExtension();
        Line();
        FunctionFactory();
        for (int order = 0; order <= 3; order++)
        {
            Line();
            FunctionClass(order);
        }
        for (int order = 0; order <= 2; order++)
        {
            Line();
            KernelStruct(order);
        }
        return Text;
    }

    private void Body(Graph graph, int root, Dialect dialect, IReadOnlyDictionary<int, string> names, ISet<string> taken)
    {
        var (statements, result) = ExpressionWriter.Write(graph, root, dialect, names, taken);
        Lines(statements);
        Line($"return {result};");
    }

    /// <summary>The scalar dialect: x as <paramref name="x"/>, constants through <paramref name="constant"/> converted to the element type where their type differs.</summary>
    private Dialect ScalarDialect(string x, System.Func<string, string> constant)
        => new(m.Kind, Element, 0, name => name == m.ParameterName ? x : ScalarParam(name, constant(name)));

    /// <summary>A constant parameter converted to the element type where its type differs.</summary>
    private string ScalarParam(string name, string reference)
    {
        var e = m.Extras.First(p => p.Name == name);
        if (e.IsElement || e.Type == Element) return reference;
        return IsGeneric ? $"{T}.CreateTruncating({reference})" : $"({Element}){reference}";
    }

    private void ScalarMethod(int order)
    {
        string d = order == 1 ? "d" : order == 2 ? "d²" : "d³";
        string power = order == 1 ? "" : order == 2 ? "²" : "³";
        Line($"/// <summary>The {OrderWords[order]} {d}{m.MethodName}/d{m.ParameterName}{power} of <c>{m.MethodName}</c>, written by the AutoDiff generator.</summary>");
        Open($"{m.Accessibility} static {Element} {Member(order)}{TypeArgs}({Element} {m.ParameterName}{ExtraDeclarations()}){Constraint}");
        Body(g, derived.Roots[order], ScalarDialect(m.ParameterName, name => name), derived.Hints, reserved);
        Close();
    }

    /// <summary><c>&lt;Name&gt;Partial&lt;Param&gt;</c>: ∂f/∂p at (x, p), for a layer that learns p.</summary>
    private void PartialMethod(ExtraParameter parameter, int root)
    {
        Line($"/// <summary>The partial derivative ∂{m.MethodName}/∂{parameter.Name} of <c>{m.MethodName}</c> at ({m.ParameterName}{ExtraArguments}), for layers that learn {parameter.Name}; written by the AutoDiff generator.</summary>");
        Open($"{m.Accessibility} static {Element} {PartialName(m.MethodName, parameter.Name)}{TypeArgs}({Element} {m.ParameterName}{ExtraDeclarations()}){Constraint}");
        Body(g, root, ScalarDialect(m.ParameterName, name => name), derived.Hints, reserved);
        Close();
    }

    /// <summary>Swish, beta → SwishPartialBeta.</summary>
    internal static string PartialName(string method, string parameter)
        => method + "Partial" + char.ToUpperInvariant(parameter[0]) + parameter.Substring(1);

    private void ScalarExtension()
    {
        string p = m.ParameterName;
        Line($"/// <summary>Records <c>{m.MethodName}</c> of a tape scalar as one operation whose backward rule uses <c>{m.MethodName}Derivative</c>.</summary>");
        Open($"{m.Accessibility} static Scalar {m.MethodName}(this Scalar {p}{ExtraDeclarations(elementIsDouble: IsGeneric)})");
        string value = m.Kind == ElementKind.Single ? $"(float){p}.Value" : $"{p}.Value";
        string type = m.Kind == ElementKind.Single ? "float" : "double";
        string v = new[] { "v", "value", "v0" }.First(n => !reserved.Contains(n));
        Line($"{type} {v} = {value};");
        // the function object (double only: the scalar tape is float64) lets higher-order derivatives
        // go through f′, f″, f‴; a float activation has no ElementwiseFunction<double>
        string function = m.Kind == ElementKind.Single ? "" : $", {m.MethodName}Function{(IsGeneric ? "<double>" : "")}({ExtraNames})";
        Line($"return Scalar.Unary({p}, {m.MethodName}({v}{ExtraArguments}), {m.MethodName}Derivative({v}{ExtraArguments}){function});");
        Close();
    }

    private void VarExtension()
    {
        string p = m.ParameterName;
        Line($"/// <summary>Applies <c>{m.MethodName}</c> element-wise as one tape operation; its backward rule uses the generated derivative.</summary>");
        Line($"{m.Accessibility} static Var<{Element}> {m.MethodName}{TypeArgs}(this Var<{Element}> {p}{ExtraDeclarations()}){Constraint}");
        Line($"    => {p}.Apply({m.MethodName}Function{TypeArgs}({ExtraNames}));");
    }

    private string Defaults => string.Join(", ", m.Extras.Select(e => e.DefaultValue));

    private bool CanCache => m.Extras.All(e => e.DefaultValue is not null);

    private void FunctionFactory()
    {
        Line($"/// <summary>The element-wise function object of <c>{m.MethodName}</c>, for layers that take an activation as an object{(m.Extras.Length == 0 ? " (one shared instance)" : CanCache ? " (shared for the default arguments)" : "")}.</summary>");
        string signature = $"{m.Accessibility} static ElementwiseFunction<{Element}> {m.MethodName}Function{TypeArgs}({ExtraDeclarations().TrimStart(',', ' ')}){Constraint}";
        if (m.Extras.Length == 0) Line($"{signature} => {m.MethodName}Elementwise{TypeArgs}.Default;");
        else if (CanCache)
        {
            string same = string.Join(" && ", m.Extras.Select(e => $"{e.Name} == {e.DefaultValue}"));
            Line(signature);
            Line($"    => {same} ? {m.MethodName}Elementwise{TypeArgs}.Default : new {m.MethodName}Elementwise{TypeArgs}({ExtraNames});");
        }
        else Line($"{signature} => new {m.MethodName}Elementwise{TypeArgs}({ExtraNames});");
    }

    /// <summary>A field of the function class or kernel, qualified where a span or vector parameter has its name.</summary>
    private static string FieldRef(string name) => name is "x" or "y" or "dx" or "dy" ? "this." + name : name;

    private void Fields(string type)
    {
        foreach (var e in m.Extras) Line($"private readonly {e.Type} {e.Name};");
        if (m.Extras.Length == 0) return;
        Line();
        Open($"public {type}({string.Join(", ", m.Extras.Select(e => $"{e.Type} {e.Name}"))})");
        foreach (var e in m.Extras) Line($"this.{e.Name} = {e.Name};");
        Close();
    }
}
