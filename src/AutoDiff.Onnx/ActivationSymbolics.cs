using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using AutoDiff.Nn;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// Activations to ONNX and back, both directions side by side. A built-in whose ONNX operator computes
/// exactly what AutoDiff computes for that element type is written as that operator; every other
/// activation (a built-in without such an operator, or a user's) is written as a model-local function in
/// domain <c>ai.autodiff</c> whose body is its <see cref="ElementwiseFunction{T}.Describe"/> and whose doc
/// string is its <see cref="ElementwiseFunction{T}.Name"/>. Import reads the operators PyTorch writes and
/// this library's functions of built-ins (checked by writing the function again and comparing).
/// </summary>
internal static partial class ActivationSymbolics
{
    /// <summary>
    /// One built-in's operator. Not used where it differs from AutoDiff: ONNX Runtime's Sigmoid loses the
    /// left tail (σ(−17) off by ×7 in float, σ(−30) by 1e-3 in double); Elu and Softplus have no float64
    /// kernel in ONNX Runtime; LeakyRelu's alpha attribute is a float32 (0.01f ≠ 0.01), so double
    /// models write PRelu with a float64 slope instead.
    /// </summary>
    private sealed record Native(string Kind, string Op, bool ExportsFloat, bool ExportsDouble, string? Parameter = null, double Default = 0);

    private static readonly Native[] Natives =
    [
        new("linear", "Identity", true, true),
        new("relu", "Relu", true, true),
        new("tanh", "Tanh", true, true),
        new("leakyrelu", "LeakyRelu", true, false, "alpha", 0.01),
        new("elu", "Elu", true, false, "alpha", 1.0),
        new("softplus", "Softplus", true, false),
        new("sigmoid", "Sigmoid", false, false),
    ];

    [GeneratedRegex(@"^(?<kind>[A-Za-z]+)(\((?<arg>[A-Za-z]+): (?<value>[^)\s]+)\))?$")]
    private static partial Regex BuiltInName();

    /// <summary>
    /// The built-in kind ("relu", "leakyrelu"…) and parameter of <paramref name="f"/>, or null when it is
    /// not a built-in: its name must parse and resolve to an object of the same class.
    /// </summary>
    private static (string Kind, double Parameter)? BuiltIn<T>(ElementwiseFunction<T> f) where T : IFloatingPointIeee754<T>
    {
        var m = BuiltInName().Match(f.Name);
        if (!m.Success) return null;
        string kind = m.Groups["kind"].Value.ToLowerInvariant();
        double p = m.Groups["value"].Success && double.TryParse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : 0;
        ElementwiseFunction<T>? same;
        try { same = kind == "linear" ? Activations.LinearFunction<T>() : ActivationLookup.ByName<T>(f.Name); }
        catch (ArgumentException) { return null; }
        return same is not null && same.GetType() == f.GetType() ? (kind, p) : null;
    }

    /// <summary>The built-in <paramref name="kind"/> with parameter <paramref name="p"/>.</summary>
    private static ElementwiseFunction<T> Make<T>(string kind, double p) where T : IFloatingPointIeee754<T> => kind switch
    {
        "linear" => Activations.LinearFunction<T>(),
        "relu" => Activations.ReluFunction<T>(),
        "tanh" => Activations.TanhFunction<T>(),
        "sigmoid" => Activations.SigmoidFunction<T>(),
        "softplus" => Activations.SoftplusFunction<T>(),
        "leakyrelu" => Activations.LeakyReluFunction<T>(p),
        "elu" => Activations.EluFunction<T>(p),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a built-in with an ONNX operator"),
    };

    /// <summary>Writes <c>f(z)</c> into the graph under <paramref name="scope"/>; returns its output.</summary>
    /// <exception cref="NotSupportedException">f needs a description and has none.</exception>
    public static string Export<T>(OnnxGraphWriter<T> w, ElementwiseFunction<T> f, string z, string scope) where T : IFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        if (BuiltIn(f) is var (kind, p))
        {
            if (Natives.FirstOrDefault(n => n.Kind == kind && (single ? n.ExportsFloat : n.ExportsDouble)) is { } native)
                return w.Node(native.Op, scope, [z], native.Parameter is null ? null : [OnnxGraphWriter<T>.FloatAttribute(native.Parameter, (float)p)]);
            if (kind == "leakyrelu") // PRelu(x, s) = x for x ≥ 0, s·x otherwise: the same function, with a float64 slope
                return w.Node("PRelu", scope, [z, w.Initializer(w.Fresh(scope.Trim('/').Replace('/', '.') + ".slope"), [T.CreateTruncating(p)], [1])]);
        }
        string name = w.Function(Stem(f.Name), ExpressionExporter.Function(f));
        return w.Node(name, scope, [z], domain: OnnxGraphWriter<T>.FunctionDomain);
    }

    /// <summary>A function name from an activation name: its leading letters and digits ("LeakyRelu(slope: 0.2)" → "LeakyRelu").</summary>
    private static string Stem(string name)
    {
        int n = 0;
        while (n < name.Length && (char.IsAsciiLetterOrDigit(name[n]) || name[n] == '_')) n++;
        return n == 0 || char.IsAsciiDigit(name[0]) ? "Activation" : name[..n];
    }

    /// <summary>True when <paramref name="node"/> is an activation this importer reads (it may still refuse its details).</summary>
    public static bool IsActivation(NodeProto node) =>
        node.Domain == OnnxGraphWriter<float>.FunctionDomain || (IsOnnxDomain(node.Domain) && (node.OpType == "PRelu" || Natives.Any(n => n.Op == node.OpType)));

    /// <summary>True for the default ONNX operator domain.</summary>
    public static bool IsOnnxDomain(string domain) => domain is "" or "ai.onnx";

    /// <summary>The ONNX operators an MLP layer's activation may be, for messages.</summary>
    public static IEnumerable<string> Operators => Natives.Select(n => n.Op).Append("PRelu");

    /// <summary>
    /// The activation that <paramref name="node"/> computes, or an error from <paramref name="bad"/>
    /// naming the node. <paramref name="initializer"/> finds a constant input by name.
    /// </summary>
    public static ElementwiseFunction<T> Import<T>(NodeProto node, ModelProto model, Func<string, TensorProto?> initializer, Func<string, Exception> bad)
        where T : IFloatingPointIeee754<T>
    {
        string what = $"node '{node.Name}' ({node.OpType})";
        if (node.Domain == OnnxGraphWriter<T>.FunctionDomain) return ImportFunction<T>(node, model, bad);
        if (node.OpType == "PRelu")
        {
            var slope = node.Input.Count == 2 ? initializer(node.Input[1]) : null;
            if (slope is null) throw bad($"{what} takes its slope from '{(node.Input.Count > 1 ? node.Input[1] : "")}', which is not an initializer");
            var (_, values) = OnnxTensors.Read<T>(slope, bad);
            if (values.Length != 1) throw bad($"{what} has {values.Length} slopes; only one slope for all units is an element-wise activation (LeakyRelu)");
            return Activations.LeakyReluFunction<T>(double.CreateTruncating(values[0]));
        }
        var native = Natives.First(n => n.Op == node.OpType);
        double p = native.Default;
        foreach (var a in node.Attribute)
        {
            if (a.Name == native.Parameter && a.Type == AttributeProto.Types.AttributeType.Float)
                p = double.Parse(a.F.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture); // 0.01f → 0.01, the value that was meant
            else throw bad($"{what} has attribute '{a.Name}', which this importer does not read");
        }
        if (!double.IsFinite(p)) throw bad($"{what} has {native.Parameter} {p}");
        return Make<T>(native.Kind, p);
    }

    // A call of an ai.autodiff function: the built-in named by its doc string, if writing that built-in
    // again gives the same function.
    private static ElementwiseFunction<T> ImportFunction<T>(NodeProto node, ModelProto model, Func<string, Exception> bad) where T : IFloatingPointIeee754<T>
    {
        string what = $"node '{node.Name}' (function {node.OpType})";
        var f = model.Functions.FirstOrDefault(f => f.Name == node.OpType && f.Domain == node.Domain)
            ?? throw bad($"{what} calls a function that the file does not define");
        ElementwiseFunction<T>? builtIn;
        try { builtIn = f.DocString.Equals("Linear", StringComparison.Ordinal) ? Activations.LinearFunction<T>() : ActivationLookup.ByName<T>(f.DocString); }
        catch (ArgumentException) { builtIn = null; }
        if (builtIn is null)
            throw bad($"{what} computes '{f.DocString}', which is not a built-in activation (a user's activation exports but cannot be imported)");
        FunctionProto expected;
        try { expected = ExpressionExporter.Function(builtIn); }
        catch (NotSupportedException e) { throw bad($"{what}: {e.Message.TrimEnd('.')}"); }
        if (!OnnxGraphWriter<T>.SameBody(expected, f))
            throw bad($"{what} is named '{f.DocString}' but its body is not that activation's description");
        return builtIn;
    }
}
