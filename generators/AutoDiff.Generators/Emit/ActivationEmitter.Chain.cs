using System.Linq;

namespace AutoDiff.Generators;

internal sealed partial class ActivationEmitter
{
    /// <summary>
    /// The function object of f⁽ᵏ⁾ (k = <paramref name="order"/>): forward f⁽ᵏ⁾, backward through f⁽ᵏ⁺¹⁾, its
    /// <c>Derivative</c> the object of order k + 1, and its <c>Describe</c>. The chain ends at f‴, which has
    /// no backward rule (no fourth derivative is generated) and no <c>Derivative</c>.
    /// </summary>
    private void FunctionClass(int order)
    {
        string type = Member(order) + "Elementwise";
        bool last = order == 3;
        string kernel = $"new {Member(order)}Kernel{TypeArgs}({string.Join(", ", m.Extras.Select(e => FieldRef(e.Name)))})";
        string driver = !last && derived.Kernels[order].Vectorized ? "Vectorized" : "";
        Open($"private sealed class {type}{TypeArgs} : ElementwiseFunction<{Element}>{Constraint}");
        if (m.Extras.Length == 0 || CanCache) Line($"internal static readonly {type}{TypeArgs} Default = new({Defaults});");
        string next = last ? "" : Member(order + 1) + "Elementwise" + TypeArgs;
        if (!last && m.Extras.Length > 0) Line($"private {next}? derivativeFunction;");
        Line();
        if (m.Extras.Length > 0)
        {
            Fields(type);
            Line();
        }
        string name = m.Extras.Length == 0 ? $"\"{Member(order)}\""
            : "FormattableString.Invariant($\"" + Member(order) + "(" + string.Join(", ", m.Extras.Select(e => e.Name + ": {" + e.Name + "}")) + ")\")";
        Line($"public override string Name => {name};");
        if (order == 0 && m.WeightInit is { } init)
        {
            Line();
            Line($"public override global::AutoDiff.Nn.WeightInit WeightInit => {init};");
        }
        Line();
        if (last)
        {
            Open($"public override void Forward(ReadOnlySpan<{Element}> x, Span<{Element}> y)");
            Line($"if (x.Length != y.Length) throw new ArgumentException($\"{Member(order)}: x has {{x.Length}} elements, y has {{y.Length}}.\");");
            Line($"for (int i = 0; i < x.Length; i++) y[i] = {Member(order)}(x[i]{FieldArguments});");
            Close();
            Line();
            Line($"/// <summary>Not available: the backward rule of f‴ needs the fourth derivative of <c>{m.MethodName}</c>, which is not generated.</summary>");
            Line($"public override void Backward(ReadOnlySpan<{Element}> x, ReadOnlySpan<{Element}> y, ReadOnlySpan<{Element}> dy, Span<{Element}> dx)");
            Line($"    => throw new NotSupportedException(\"The fourth derivative of {m.MethodName} is not generated: {Member(order)} has no backward rule, so {m.MethodName} can be differentiated at most three times.\");");
        }
        else
        {
            Line($"public override void Forward(ReadOnlySpan<{Element}> x, Span<{Element}> y) => ActivationKernels.Forward{driver}({kernel}, x, y);");
            Line();
            Line($"public override void Backward(ReadOnlySpan<{Element}> x, ReadOnlySpan<{Element}> y, ReadOnlySpan<{Element}> dy, Span<{Element}> dx)");
            Line($"    => ActivationKernels.Backward{driver}({kernel}, x, y, dy, dx);");
            Line();
            Line($"/// <summary>The {OrderWords[order + 1]} of <c>{m.MethodName}</c> as a function object.</summary>");
            string instance = m.Extras.Length == 0 ? $"{next}.Default" : $"derivativeFunction ??= new({ExtraNames})";
            Line($"public override ElementwiseFunction<{Element}>? Derivative => {instance};");
        }
        Line();
        DescribeMethod(order);
        Close();
    }

    /// <summary><c>Describe</c>: f⁽ᵏ⁾ built as an <c>ElementwiseExpression</c> from the same graph, shared values built once.</summary>
    private void DescribeMethod(int order)
    {
        if (derived.WithoutExpression[order] is { } missing)
        {
            Line($"/// <summary>Null: {Member(order)} uses {missing}, which has no <see cref=\"ExpressionOp\"/>.</summary>");
            Line("public override ElementwiseExpression? Describe(ElementwiseExpression x) => null;");
            return;
        }
        Line($"/// <summary>{Member(order)} as an expression over <paramref name=\"x\"/>{(derived.HasCalls ? "; null when an activation it calls does not describe itself" : "")}.</summary>");
        Open("public override ElementwiseExpression? Describe(ElementwiseExpression x)");
        Line("ArgumentNullException.ThrowIfNull(x);");
        var scalar = ScalarDialect("x", FieldRef);
        var described = Dialect.Expression(scalar, name => name == m.ParameterName ? "x" : DescribedParam(name));
        Body(g, derived.Roots[order], described, derived.Hints, reserved);
        Close();
    }

    /// <summary>A constant of the activation as a double, which converts to an <c>ElementwiseExpression</c>.</summary>
    private string DescribedParam(string name)
    {
        var e = m.Extras.First(p => p.Name == name);
        string field = FieldRef(name);
        return e.Type switch
        {
            "double" => field,
            "float" or "int" => "(double)" + field,
            _ => $"double.CreateTruncating({field})",
        };
    }
}
