using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// Prints a whole function's <c>Gradient</c> (reverse mode, <c>FunctionEmitter.Gradient.cs</c>) and
/// <c>Tangent</c> (forward mode, below) from its derivation. The forward sweep is the user's code; every
/// user local keeps its name, its adjoint is d&lt;name&gt; and its tangent t&lt;name&gt;.
/// </summary>
internal sealed partial class FunctionEmitter : CodeWriter
{
    private readonly FunctionModel m;
    private readonly FunctionAnalysis a;
    private readonly Dialect d;

    private FunctionEmitter(FunctionModel model)
        : base(indent: 1)
    {
        m = model;
        a = new FunctionAnalysis(model);
        d = new Dialect(model.Kind, model.ElementType, 0, Spell);
    }

    /// <summary>The Gradient, Tangent and (double or generic) OnTape members, indented for the class body.</summary>
    public static string Members(FunctionModel model)
    {
        var gradient = new FunctionEmitter(model);
        gradient.Gradient();
        var tangent = new FunctionEmitter(model);
        tangent.Tangent();
        var onTape = new FunctionEmitter(model);
        if (!onTape.HasOnTape) return gradient.Text + "\n" + tangent.Text;
        onTape.OnTape();
        return gradient.Text + "\n" + tangent.Text + "\n" + onTape.Text;
    }

    private bool IsGeneric => m.Kind == ElementKind.Generic;

    private string E => m.ElementType;

    private string TypeArgs => IsGeneric ? "<" + m.TypeParameter + ">" : "";

    private string Constraint => IsGeneric ? $" where {m.TypeParameter} : IFloatingPointIeee754<{m.TypeParameter}>" : "";

    private IEnumerable<FunctionParameter> Differentiated => m.Parameters.Where(p => p.Differentiable);

    private string Parameters => string.Join(", ", m.Parameters.Select(p => $"{p.Type} {p.Name}"));

    /// <summary>A variable as a value of the element type: a double or float parameter of another type is converted.</summary>
    private string Spell(string name)
    {
        var p = ScalarOfOtherType(name) ?? ScalarOfOtherType(TangentOf(name));
        return p is null ? name : IsGeneric ? $"{E}.CreateTruncating({name})" : $"({E}){name}";
    }

    private FunctionParameter? ScalarOfOtherType(string? name)
        => name is not null && a.Parameters.TryGetValue(name, out var p) && p.Kind == ParameterKind.Scalar && p.Type != E ? p : null;

    private string? TangentOf(string name) => Differentiated.FirstOrDefault(p => a.Tangent(p.Name) == name)?.Name;

    /// <summary>A value of the element type converted to parameter <paramref name="p"/>'s type where that differs.</summary>
    private string ToParameterType(FunctionParameter p, string value)
        => p.Type == E ? value : IsGeneric ? $"{p.Type}.CreateTruncating({value})" : $"({p.Type})({value})";

    /// <summary>Node <paramref name="value"/> is held by variable <paramref name="name"/> (not for a number or a leaf, which are written as they are).</summary>
    private Dictionary<int, string>? Known(int value, string name)
        => a.Graph[value].IsLeaf ? null : new Dictionary<int, string> { [value] = name };

    private (List<string> Statements, string[] Results) Write(IReadOnlyList<int> roots, IReadOnlyDictionary<int, string>? known = null, IReadOnlyDictionary<int, string>? exact = null)
        => ExpressionWriter.WriteAll(a.Graph, roots, d, a.Names, known ?? new Dictionary<int, string>(), exact);

    private string Expression(int root, IReadOnlyDictionary<int, string>? known = null)
    {
        var (statements, results) = Write(new[] { root }, known);
        Lines(statements);
        return results[0];
    }

    private void Checks(IEnumerable<(FunctionParameter P, string Name)> spans, string what)
    {
        foreach (var (p, name) in spans)
        {
            Line($"if ({name}.Length != {p.Name}.Length) throw new ArgumentException($\"{name} has {{{name}.Length}} elements but {p.Name} has {{{p.Name}.Length}}: {what} must have the length of {p.Name}.\", nameof({name}));");
        }
    }

    // ---- printing the user's statements

    private static string Operator(AssignKind k) => k switch
    {
        AssignKind.Add => "+=",
        AssignKind.Sub => "-=",
        AssignKind.Mul => "*=",
        AssignKind.Div => "/=",
        _ => "=",
    };

    /// <summary>One statement as the user wrote it (a declaration, an assignment), with any local its expression needs first.</summary>
    private void Plain(Statement s)
    {
        switch (s.Kind)
        {
            case StatementKind.Declare when s.Type == LocalType.Int:
                Line($"int {s.Name} = {s.IntValue};");
                break;
            case StatementKind.Declare:
                {
                    string type = s.Type == LocalType.Bool ? "bool" : E;
                    Line(s.Value < 0 ? $"{type} {s.Name};" : $"{type} {s.Name} = {Expression(s.Value)};");
                    break;
                }
            case StatementKind.Assign:
                Line($"{s.Name} {Operator(s.Assign)} {Expression(s.Value)};");
                break;
            case StatementKind.If:
                PlainIf(s, PlainBlock);
                break;
            case StatementKind.For:
                Open(Header(s));
                PlainBlock(s.Body);
                Close();
                break;
        }
    }

    private void PlainBlock(IEnumerable<Statement> statements)
    {
        foreach (var s in statements) Plain(s);
    }

    private void PlainIf(Statement s, System.Action<IEnumerable<Statement>> branch)
    {
        Open($"if ({Expression(s.Value)})");
        branch(s.Body);
        Close();
        if (s.Else.Length == 0) return;
        Open("else");
        branch(s.Else);
        Close();
    }

    // ---- loop headers

    private static string Header(Statement s)
    {
        var h = s.Loop!;
        string i = s.Name;
        string comparison = h.Step > 0 ? (h.Inclusive ? "<=" : "<") : (h.Inclusive ? ">=" : ">");
        string step = h.Step switch { 1 => $"{i}++", -1 => $"{i}--", > 0 => $"{i} += {h.Step}", _ => $"{i} -= {-h.Step}" };
        return $"for (int {i} = {h.Lower}; {i} {comparison} {h.Upper}; {step})";
    }

    /// <summary>The same iterations in the opposite order.</summary>
    private static string ReverseHeader(Statement s)
    {
        var h = s.Loop!;
        string i = s.Name, lo = Paren(h.Lower), hi = Paren(h.Upper);
        int c = System.Math.Abs(h.Step);
        if (h.Step == 1) return $"for (int {i} = {(h.Inclusive ? h.Upper : Plus(h.Upper, -1))}; {i} >= {h.Lower}; {i}--)";
        if (h.Step == -1) return $"for (int {i} = {(h.Inclusive ? h.Upper : Plus(h.Upper, 1))}; {i} <= {h.Lower}; {i}++)";
        if (h.Step > 0)
        {
            string last = h.Inclusive ? $"{hi} >= {lo} ? {lo} + ({hi} - {lo}) / {c} * {c}" : $"{hi} > {lo} ? {lo} + ({hi} - 1 - {lo}) / {c} * {c}";
            return $"for (int {i} = {last} : {lo} - {c}; {i} >= {h.Lower}; {i} -= {c})";
        }
        string first = h.Inclusive ? $"{lo} >= {hi} ? {lo} - ({lo} - {hi}) / {c} * {c}" : $"{lo} > {hi} ? {lo} - ({lo} - 1 - {hi}) / {c} * {c}";
        return $"for (int {i} = {first} : {lo} + {c}; {i} <= {h.Lower}; {i} += {c})";
    }

    /// <summary>How many times the loop runs (possibly negative when it does not run).</summary>
    private static string TripCount(Statement s)
    {
        var h = s.Loop!;
        string lo = Paren(h.Lower), hi = Paren(h.Upper);
        int c = System.Math.Abs(h.Step);
        string span = h.Step > 0 ? Minus(h.Upper, h.Lower) : Minus(h.Lower, h.Upper);
        if (c == 1) return h.Inclusive ? Plus(span, 1) : span;
        return h.Inclusive ? $"({span}) / {c} + 1" : $"({span} + {c - 1}) / {c}";
    }

    private static string Minus(string a, string b)
    {
        var ic = System.Globalization.CultureInfo.InvariantCulture;
        if (int.TryParse(b, System.Globalization.NumberStyles.AllowLeadingSign, ic, out int k)) return Plus(a, -k);
        return $"{Paren(a)} - {Paren(b)}";
    }

    private static string Paren(string text) => text.All(ch => char.IsLetterOrDigit(ch) || ch is '_' or '.' or '[' or ']') ? text : "(" + text + ")";

    /// <summary><paramref name="text"/> + <paramref name="k"/>, folding a trailing integer: "n - 1" + (−1) is "n - 2".</summary>
    private static string Plus(string text, int k)
    {
        if (k == 0) return text;
        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int n))
            return (n + k).ToString(System.Globalization.CultureInfo.InvariantCulture);
        int at = System.Math.Max(text.LastIndexOf(" - ", System.StringComparison.Ordinal), text.LastIndexOf(" + ", System.StringComparison.Ordinal));
        if (at > 0 && int.TryParse(text.Substring(at + 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int tail)
            && !text.Substring(0, at).Contains("?") && text.IndexOfAny(new[] { '*', '/', '%' }, at) < 0)
        {
            int value = (text[at + 1] == '-' ? -tail : tail) + k;
            string head = text.Substring(0, at);
            return value == 0 ? head : value > 0 ? $"{head} + {value}" : $"{head} - {-value}";
        }
        return k >= 0 ? $"{text} + {k}" : $"{text} - {-k}";
    }

    // ---- forward mode

    /// <summary>
    /// <c>Tangent</c>: the user's code with, before each assignment, the assignment's differential in
    /// terms of the tangents of what it reads; returns ∇f·t.
    /// </summary>
    private void Tangent()
    {
        var tangents = Differentiated.Select(p => $"{(p.IsSpan ? $"ReadOnlySpan<{E}>" : p.Type)} {a.Tangent(p.Name)}");
        Line($"/// <summary>");
        Line($"/// Forward mode: the directional derivative ∇{m.MethodName}·t of <see cref=\"{m.MethodName}{(IsGeneric ? "{" + m.TypeParameter + "}" : "")}({string.Join(", ", m.Parameters.Select(p => CrefType(p)))})\"/> at the given point, in one sweep;");
        Line($"/// the tangents ({string.Join(", ", Differentiated.Select(p => a.Tangent(p.Name)))}) give the direction. Written by the AutoDiff generator.");
        Line($"/// </summary>");
        string signature = $"{m.MethodName}Tangent{{0}}{TypeArgs}({string.Join(", ", new[] { Parameters }.Concat(tangents).Where(x => x.Length > 0))}){Constraint}";
        var spans = Differentiated.Where(p => p.IsSpan).Select(p => (p, a.Tangent(p.Name))).ToList();
        if (spans.Count == 0)
        {
            Open($"{m.Accessibility} static {E} {string.Format(signature, "")}");
            TangentBlock(m.Body);
            Close();
            return;
        }
        // The checks throw, and a throw in the method with the loops made the JIT compile those loops about
        // 2× slower (a logistic loss's Tangent: 2.2–2.5× the loss, 1.0–1.2× with the sweep in its own method).
        Open($"{m.Accessibility} static {E} {string.Format(signature, "")}");
        Checks(spans, "a tangent");
        Line($"return {m.MethodName}TangentUnchecked{TypeArgs}({string.Join(", ", m.Parameters.Select(p => p.Name).Concat(Differentiated.Select(p => a.Tangent(p.Name))))});");
        Close();
        Line();
        Line($"/// <summary>The sweep of {m.MethodName}Tangent after its argument checks, in a method of its own so that the checks' throw does not slow its loops.</summary>");
        Line("[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
        Open($"private static {E} {string.Format(signature, "Unchecked")}");
        TangentBlock(m.Body);
        Close();
    }

    private string CrefType(FunctionParameter p) => p.Kind switch
    {
        ParameterKind.Span => $"ReadOnlySpan{{{(IsGeneric ? m.TypeParameter : E)}}}",
        ParameterKind.Array => $"{(IsGeneric ? m.TypeParameter : E)}[]",
        _ => p.Type,
    };

    private void TangentBlock(IEnumerable<Statement> statements)
    {
        foreach (var s in statements)
        {
            switch (s.Kind)
            {
                case StatementKind.Declare or StatementKind.Assign when s.Type == LocalType.Element && !PrimalNeeded(s.Name) && !a.IsActive(s.Name):
                    break;
                case StatementKind.Declare when s.Type == LocalType.Element && a.IsActive(s.Name) && !PrimalNeeded(s.Name):
                    Line(s.Value < 0 ? $"{E} {a.Tangent(s.Name)};" : $"{E} {a.Tangent(s.Name)} = {Expression(a.TangentOf(s.Value))};");
                    break;
                case StatementKind.Declare when s.Type == LocalType.Element && a.IsActive(s.Name):
                    {
                        string t = a.Tangent(s.Name);
                        if (s.Value < 0)
                        {
                            Line($"{E} {s.Name};");
                            Line($"{E} {t};");
                            break;
                        }
                        // the value first: the tangent may reuse it (d eᵘ = eᵘ·du)
                        Line($"{E} {s.Name} = {Expression(s.Value)};");
                        int dv = a.TangentOf(s.Value);
                        Line($"{E} {t} = {Expression(dv, Known(s.Value, s.Name))};");
                        break;
                    }
                case StatementKind.Assign when a.IsActive(s.Name):
                    {
                        int r = a.Full(s);
                        int dv = a.TangentOf(r);
                        string t = a.Tangent(s.Name);
                        if (a.Graph.Mentions(r, s.Name))
                        {
                            // v op= e reads v: its tangent first, from the old value; both written together so they share what they compute
                            var g = a.Graph;
                            int tv = g.Var(t);
                            var (op, increment) = g[dv] is { Op: Op.Add } sum && (sum.A == tv || sum.B == tv) ? ("+=", sum.A == tv ? sum.B : sum.A)
                                : g[dv] is { Op: Op.Sub } difference && difference.A == tv ? ("-=", difference.B)
                                : ("=", dv);
                            bool needed = PrimalNeeded(s.Name);
                            var (shared, results) = Write(needed ? new[] { increment, s.Value } : new[] { increment });
                            Lines(shared);
                            if (!(op == "=" && results[0] == t)) Line($"{t} {op} {results[0]};");
                            if (needed) Line($"{s.Name} {Operator(s.Assign)} {results[1]};");
                        }
                        else if (!PrimalNeeded(s.Name)) Line($"{t} = {Expression(dv)};");
                        else
                        {
                            Line($"{s.Name} = {Expression(s.Value)};");
                            Line($"{t} = {Expression(dv, Known(r, s.Name))};");
                        }
                        break;
                    }
                case StatementKind.If when s.Returns:
                    PlainIf(s, TangentBlock);
                    return;
                case StatementKind.If:
                    PlainIf(s, TangentBlock);
                    break;
                case StatementKind.For:
                    Open(Header(s));
                    TangentBlock(s.Body);
                    Close();
                    break;
                case StatementKind.Return:
                    Line($"return {Expression(a.TangentOf(s.Value))};");
                    return;
                default:
                    Plain(s);
                    break;
            }
        }
    }
}
