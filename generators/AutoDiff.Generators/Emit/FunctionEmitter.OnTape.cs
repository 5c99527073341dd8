using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

internal sealed partial class FunctionEmitter
{
    /// <summary>The <c>OnTape</c> member exists for double and generic functions: the scalar tape is float64.</summary>
    private bool HasOnTape => m.Kind != ElementKind.Single && Differentiated.Any();

    /// <summary>A parameter's type with the type parameter read as double (a generic function runs at T = double on the tape).</summary>
    private string AtDouble(string type) => IsGeneric ? type.Replace(m.TypeParameter, "double") : type;

    /// <summary>
    /// <c>OnTape</c>: the whole function recorded as one scalar-tape operation through
    /// <c>Scalar.Function</c>, its value and partials from one call of the generated Gradient. The inputs
    /// (scalars, then each span's elements, in parameter order) and their partials share one layout.
    /// </summary>
    private void OnTape()
    {
        var parameters = m.Parameters.Select(p => p.Differentiable
            ? (p.IsSpan ? $"ReadOnlySpan<Scalar> {p.Name}" : $"Scalar {p.Name}")
            : $"{AtDouble(p.Type)} {p.Name}");
        Line("/// <summary>");
        Line($"/// <see cref=\"{m.MethodName}{(IsGeneric ? "{" + m.TypeParameter + "}" : "")}({string.Join(", ", m.Parameters.Select(p => CrefType(p)))})\"/> recorded on the scalar tape as one operation: y = {m.MethodName}(…) with");
        Line($"/// ∂y/∂input from one call of {m.MethodName}Gradient, so the backward rule is x̄ += ȳ·∂y/∂x for every scalar and span element of");
        Line($"/// {string.Join(", ", Differentiated.Select(p => p.Name))} (first order: a derivative of second order through it throws <see cref=\"NotSupportedException\"/>).");
        Line("/// Written by the AutoDiff generator.");
        Line("/// </summary>");
        Line($"/// <exception cref=\"ArgumentException\">No differentiated input at all (every span empty), or inputs from different tapes.</exception>");
        Open($"{m.Accessibility} static Scalar {m.MethodName}OnTape({string.Join(", ", parameters)})");
        string gradient = $"{m.MethodName}Gradient{(IsGeneric ? "<double>" : "")}";
        string name = $"\"{m.MethodName}\"";
        if (Differentiated.All(p => !p.IsSpan))
        {
            // scalars only: inputs and partials in inline arrays on the stack
            var outs = Differentiated.Select(p => a.Adjoint(p.Name)).ToList();
            string value = a.Names.Fresh("value");
            Line($"double {value} = {gradient}({string.Join(", ", m.Parameters.Select(Argument).Concat(outs.Select(o => "out var " + o)))});");
            Line($"return Scalar.Function([{string.Join(", ", Differentiated.Select(p => p.Name))}], {value}, [{string.Join(", ", outs)}], {name});");
            Close();
            return;
        }
        // spans: one rented buffer holds the partials [0, count) and the spans' values [count, 2·count), at the same offsets
        string count = a.Names.Fresh("count"), buffer = a.Names.Fresh("buffer"), inputs = a.Names.Fresh("inputs"), result = a.Names.Fresh("value");
        var offsets = new Dictionary<string, string>();
        string at = "0";
        foreach (var p in Differentiated)
        {
            offsets[p.Name] = at;
            at = at == "0" ? Length(p) : $"{at} + {Length(p)}";
        }
        Line($"int {count} = {at};");
        Line($"double[] {buffer} = System.Buffers.ArrayPool<double>.Shared.Rent(2 * {count});");
        Line($"Scalar[] {inputs} = System.Buffers.ArrayPool<Scalar>.Shared.Rent({count});");
        Open("try");
        var spanValues = new Dictionary<string, string>();
        foreach (var p in Differentiated)
        {
            string o = offsets[p.Name];
            if (!p.IsSpan)
            {
                Line($"{inputs}[{o}] = {p.Name};");
                continue;
            }
            string values = spanValues[p.Name] = a.Names.Fresh(p.Name + "Values");
            // an array parameter needs an array of its exact length (allocated); a span reads the buffer
            Line(p.Kind == ParameterKind.Array
                ? $"double[] {values} = new double[{p.Name}.Length];"
                : $"Span<double> {values} = {buffer}.AsSpan({(o == "0" ? count : $"{count} + {o}")}, {p.Name}.Length);");
            string k = a.Names.Fresh("k");
            Line($"for (int {k} = 0; {k} < {p.Name}.Length; {k}++) {values}[{k}] = {p.Name}[{k}].Value;");
            Line(o == "0" ? $"{p.Name}.CopyTo({inputs});" : $"{p.Name}.CopyTo({inputs}.AsSpan({o}));");
        }
        var arguments = m.Parameters.Select(p => p.Differentiable && p.IsSpan ? spanValues[p.Name] : Argument(p))
            .Concat(Differentiated.Select(p => p.IsSpan ? $"{buffer}.AsSpan({offsets[p.Name]}, {p.Name}.Length)" : $"out var {a.Adjoint(p.Name)}"));
        Line($"double {result} = {gradient}({string.Join(", ", arguments)});");
        foreach (var p in Differentiated.Where(p => !p.IsSpan)) Line($"{buffer}[{offsets[p.Name]}] = {a.Adjoint(p.Name)};");
        Line($"return Scalar.Function({inputs}.AsSpan(0, {count}), {result}, {buffer}.AsSpan(0, {count}), {name});");
        Close();
        Open("finally");
        Line($"System.Buffers.ArrayPool<double>.Shared.Return({buffer});");
        Line($"System.Buffers.ArrayPool<Scalar>.Shared.Return({inputs}, clearArray: true);");
        Close();
        Close();
    }

    private static string Length(FunctionParameter p) => p.IsSpan ? $"{p.Name}.Length" : "1";

    /// <summary>A parameter passed on to the Gradient: a differentiated scalar as its value (converted where its type is float).</summary>
    private string Argument(FunctionParameter p)
        => !p.Differentiable ? p.Name : AtDouble(p.Type) == "double" ? $"{p.Name}.Value" : $"({AtDouble(p.Type)}){p.Name}.Value";
}
