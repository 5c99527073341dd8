using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using AutoDiff.Generators.Model;
using static AutoDiff.Generators.Precedences;

namespace AutoDiff.Generators;

/// <summary>
/// Writes one root of an expression graph as C#: a value used more than once becomes a local
/// (named after the user's local where there was one), everything else is written inline with
/// only the parentheses precedence needs. Each operation is spelled by its row of <see cref="Ops"/>.
/// </summary>
internal sealed class ExpressionWriter
{
    private readonly Graph g;
    private readonly Dialect d;
    private readonly Dictionary<int, string> locals = new();
    private readonly List<string> statements = new();
    private Func<string, string>? fresh;

    private ExpressionWriter(Graph graph, Dialect dialect)
    {
        g = graph;
        d = dialect;
    }

    /// <summary>The statements (local declarations) and the result expression for <paramref name="root"/>.</summary>
    public static (List<string> Statements, string Result) Write(Graph graph, int root, Dialect dialect, IReadOnlyDictionary<int, string> hints, ISet<string> reserved)
    {
        var (statements, results) = new ExpressionWriter(graph, dialect).Run(new[] { root }, hints, reserved, null, new Dictionary<int, string>());
        return (statements, results[0]);
    }

    /// <summary>
    /// Several roots written together, so a value they share is one local. <paramref name="known"/> are
    /// nodes whose value a variable already holds; <paramref name="names"/> hands out the locals' names
    /// (unique in the whole method).
    /// </summary>
    public static (List<string> Statements, string[] Results) WriteAll(Graph graph, IReadOnlyList<int> roots, Dialect dialect, NameAllocator names, IReadOnlyDictionary<int, string> known, IReadOnlyDictionary<int, string>? exact = null)
        => new ExpressionWriter(graph, dialect) { exact = exact }.Run(roots, new Dictionary<int, string>(), names.All, names.Fresh, known);

    /// <summary>Nodes that, when they need a local, take exactly this (already reserved) name.</summary>
    private IReadOnlyDictionary<int, string>? exact;

    private (List<string>, string[]) Run(IReadOnlyList<int> roots, IReadOnlyDictionary<int, string> hints, ISet<string> reserved, Func<string, string>? allocate, IReadOnlyDictionary<int, string> known)
    {
        fresh = allocate;
        foreach (var pair in known) locals[pair.Key] = pair.Value;
        var uses = new Dictionary<int, int>();
        var order = new List<int>();
        foreach (int root in roots) Count(root, uses, order);
        var rootSet = new HashSet<int>(roots);
        var used = allocate is null ? new HashSet<string>(reserved) : null;
        int temp = 0;
        string Name(string preferred)
        {
            if (allocate is not null) return allocate(preferred);
            string name = preferred;
            while (!used!.Add(name)) name = "t" + (temp++).ToString(CultureInfo.InvariantCulture);
            return name;
        }
        foreach (int id in order)
        {
            var n = g[id];
            if (locals.ContainsKey(id)) continue;
            if (n.Op == Op.Partial || n.Op == Op.Call && n.Value == 0 && !d.IsExpression && HasPartials(n, uses))
            {
                // a call whose partials are wanted: one call of its Gradient gives its value and every partial
                GradientCall(n, Name, uses);
                continue;
            }
            // in a description, a call is a local checked for null: the callee may not describe itself
            bool guarded = d.IsExpression && n.Op == Op.Call;
            if (rootSet.Contains(id) && roots.Count == 1 || n.IsLeaf || uses[id] < 2 && !guarded) continue;
            string text = Render(id).Text;
            string name;
            if (exact is not null && exact.TryGetValue(id, out var reserved1)) name = reserved1;
            else if (hints.TryGetValue(id, out var hint) && (allocate is not null || !used!.Contains(hint))) name = Name(hint);
            else name = Name(allocate is null ? "t" + (temp++).ToString(CultureInfo.InvariantCulture) : "t");
            string type = d.IsExpression ? (guarded ? "ElementwiseExpression?" : "ElementwiseExpression") : d.IsVector ? "var" : n.IsCondition ? "bool" : d.Element;
            statements.Add($"{type} {name} = {text};");
            if (guarded) statements.Add($"if ({name} is null) return null;");
            locals[id] = name;
        }
        return (statements, roots.Select(r => Render(r).Text).ToArray());
    }

    /// <summary>
    /// The partials of a call come from one call of the callee's generated Gradient, whose outputs become
    /// locals: <c>_ = F.HimmelblauGradient(u, v, out double dHimmelblau0, out double dHimmelblau1);</c>.
    /// </summary>
    private bool HasPartials(Node call, Dictionary<int, int> uses)
        => uses.Keys.Any(i => g[i] is { Op: Op.Partial } p && p.Name == call.Name && p.Args.Equals(call.Args));

    private void GradientCall(Node partial, Func<string, string> name, Dictionary<int, int> uses)
    {
        var outs = new List<string>();
        var args = new List<string>();
        string shape = partial.Text!;
        string shortName = partial.Name!.Substring(partial.Name.LastIndexOf('.') + 1);
        var wanted = new Dictionary<int, int>();
        int value = -1;
        foreach (int i in uses.Keys)
        {
            var other = g[i];
            if (other.Name != partial.Name || !other.Args.Equals(partial.Args) || locals.ContainsKey(i)) continue;
            if (other.Op == Op.Partial) wanted[(int)other.Value] = i;
            else if (other.Op == Op.Call && other.Value == 0) value = i;
        }
        for (int k = 0; k < shape.Length; k++)
        {
            args.Add(Argument(shape[k], partial.Args[k]));
            if (shape[k] != 's') continue;
            if (wanted.TryGetValue(k, out int node))
            {
                string local = name("d" + shortName + k.ToString(CultureInfo.InvariantCulture));
                locals[node] = local;
                outs.Add($"out {d.Element} {local}");
            }
            else outs.Add("out _");
        }
        string call = $"{partial.Name}Gradient({string.Join(", ", args.Concat(outs))})";
        if (value < 0) statements.Add($"_ = {call};");
        else
        {
            string local = name(char.ToLowerInvariant(shortName[0]) + shortName.Substring(1));
            locals[value] = local;
            statements.Add($"{d.Element} {local} = {call};");
        }
    }

    /// <summary>A call argument as the callee's parameter takes it: a number, an int, or a span passed by name.</summary>
    private string Argument(char shape, int id)
    {
        var n = g[id];
        if (shape is 'v' or 'k') return n.Name!;
        if (shape == 'i' && n.Op == Op.Int) return n.Name!;
        if (shape == 'i' && n.Op == Op.Const) return ((long)n.Value).ToString(CultureInfo.InvariantCulture);
        return Render(id).Text;
    }

    // post-order, so a local is declared after the locals it reads
    private void Count(int id, Dictionary<int, int> uses, List<int> order)
    {
        if (uses.TryGetValue(id, out int k))
        {
            uses[id] = k + 1;
            return;
        }
        uses[id] = 1;
        var n = g[id];
        if (n.A >= 0) Count(n.A, uses, order);
        if (n.B >= 0) Count(n.B, uses, order);
        if (n.C >= 0) Count(n.C, uses, order);
        foreach (int arg in n.Args) Count(arg, uses, order);
        // a vector integer power repeats its base: make it a local
        if (d.IsVector && n.Op == Op.Pow && g.IsConst(n.B, out var p) && System.Math.Abs(p) >= 2) uses[n.A] += 1;
        order.Add(id);
    }

    private (string Text, int Prec) Render(int id)
    {
        if (locals.TryGetValue(id, out var name)) return (name, Primary);
        var n = g[id];
        var row = Ops.Info(n.Op);
        var spelling = d.IsExpression ? row.Expression : d.IsVector ? row.Vector : row.Scalar;
        if (spelling is null) throw new InvalidOperationException($"{n.Op} has no {(d.IsExpression ? "ElementwiseExpression" : d.IsVector ? "vector" : "scalar")} form.");
        if (ReferenceEquals(spelling, Spelling.Special)) return Special(n);
        if (spelling.IsInfix) return ($"{Wrap(n.A, spelling.Precedence)} {spelling.Text} {Wrap(n.B, spelling.Precedence + 1)}", spelling.Precedence);
        return (Fill(spelling.Text, n), spelling.Precedence);
    }

    private string Wrap(int id, int min)
    {
        var (text, prec) = Render(id);
        return prec < min ? "(" + text + ")" : text;
    }

    /// <summary>Fills a pattern of <see cref="Spelling"/>: operands, {M}, {V}, {VT}, {E} and {N:v}.</summary>
    private string Fill(string pattern, Node n)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '{')
            {
                sb.Append(pattern[i]);
                continue;
            }
            int end = pattern.IndexOf('}', i);
            string key = pattern.Substring(i + 1, end - i - 1);
            sb.Append(key switch
            {
                "0" => Render(n.A).Text,
                "1" => Render(n.B).Text,
                "2" => Render(n.C).Text,
                "M" => d.Math,
                "V" => d.VectorClass,
                "VT" => d.VectorType,
                "E" => "ElementwiseExpression.Of(ExpressionOp.",
                _ when key.StartsWith("N:", StringComparison.Ordinal) => d.Number(double.Parse(key.Substring(2), CultureInfo.InvariantCulture)),
                _ => throw new InvalidOperationException($"Unknown placeholder {{{key}}}."),
            });
            i = end;
        }
        return sb.ToString();
    }

    private (string, int) Negate(int a)
    {
        string inner = Wrap(a, Unary);
        return ("-" + (inner.StartsWith("-", StringComparison.Ordinal) ? "(" + inner + ")" : inner), Unary);
    }

    /// <summary>The operations spelled by hand: leaves, negation, calls, the scalar conditional, logical not and vector powers.</summary>
    private (string, int) Special(Node n)
    {
        switch (n.Op)
        {
            case Op.Const when d.IsVector:
                return (n.Value switch
                {
                    0 => d.VectorType + ".Zero",
                    1 => d.VectorType + ".One",
                    _ => $"{d.VectorClass}.Create({d.Number(n.Value)})",
                }, Primary);
            case Op.Const:
                {
                    string text = d.Number(n.Value);
                    return (text, text.StartsWith("-", StringComparison.Ordinal) ? Unary : Primary);
                }
            case Op.Var: return (d.Var(n.Name!), Primary);
            case Op.Y: return ("y", Primary);
            case Op.Neg: return Negate(n.A);
            case Op.Not: return ((d.IsVector ? "~" : "!") + Wrap(n.A, Unary), Unary);
            case Op.Cond: return ($"{Wrap(n.A, LogicalOr)} ? {Wrap(n.B, LogicalOr)} : {Wrap(n.C, Conditional)}", Conditional);
            case Op.Call when d.IsExpression: return (Describe(n), Primary);
            case Op.Call:
                {
                    var args = new List<string>();
                    for (int k = 0; k < n.Args.Length; k++) args.Add(Argument(n.Text?[k] ?? 's', n.Args[k]));
                    return ($"{n.Name}{OrderSuffix((int)n.Value)}({string.Join(", ", args)})", Primary);
                }
            case Op.TangentCall:
                {
                    var args = new List<string>();
                    for (int k = 0; k < n.Args.Length; k++) args.Add(k < n.Text!.Length ? Argument(n.Text[k], n.Args[k]) : Render(n.Args[k]).Text);
                    return ($"{n.Name}Tangent({string.Join(", ", args)})", Primary);
                }
            case Op.Int: return (d.Integer(n.Name!), Primary);
            case Op.Index: return ($"{d.Var(n.Name!)}[{g[n.A].Name}]", Primary);
            case Op.Pow when d.IsVector && Ops.IsSmallIntegerPower(g, n):
                {
                    g.IsConst(n.B, out var p);
                    string b = Wrap(n.A, Multiplicative + 1);
                    var factors = new List<string>();
                    for (int i = 0; i < System.Math.Abs(p); i++) factors.Add(b);
                    string product = string.Join(" * ", factors);
                    return p > 0 ? (product, factors.Count > 1 ? Multiplicative : Primary) : ($"{d.VectorType}.One / ({product})", Multiplicative);
                }
            default:
                throw new InvalidOperationException($"{n.Op} has no {(d.IsVector ? "vector" : "scalar")} form here.");
        }
    }

    /// <summary>A call in a description: the callee's function object (or the one of its derivative) describes itself.</summary>
    private string Describe(Node n)
    {
        var scalar = new ExpressionWriter(g, d.Arguments!);
        var constants = new List<string>();
        for (int i = 1; i < n.Args.Length; i++) constants.Add(scalar.Render(n.Args[i]).Text);
        string typeArgs = n.Generic ? "<" + d.Element + ">" : "";
        string function = $"{n.Name}Function{typeArgs}({string.Join(", ", constants)})";
        for (int k = 0; k < (int)n.Value; k++) function += k == 0 ? ".Derivative" : "?.Derivative";
        return $"{function}{(n.Value > 0 ? "?" : "")}.Describe({Render(n.Args[0]).Text})";
    }

    /// <summary>"", "Derivative", "SecondDerivative" or "ThirdDerivative": the generated member for derivative order k.</summary>
    public static string OrderSuffix(int order) => order switch
    {
        0 => "",
        1 => "Derivative",
        2 => "SecondDerivative",
        3 => "ThirdDerivative",
        _ => throw new InvalidOperationException($"Derivatives of order {order} are not generated."),
    };

    /// <summary>The first node under <paramref name="root"/> whose row has no spelling in the chosen target, or null.</summary>
    public static Node? FirstWithout(Graph g, int root, Func<OpInfo, Spelling?> target, Func<Graph, Node, bool>? alsoAllowed = null)
    {
        Node? found = null;
        g.Any(root, n =>
        {
            bool ok = target(Ops.Info(n.Op)) is { } s && (!ReferenceEquals(s, Spelling.Special) || alsoAllowed is null || alsoAllowed(g, n));
            if (!ok) found = n;
            return !ok;
        });
        return found;
    }

    /// <summary>Whether every node reachable from <paramref name="root"/> has a vector form.</summary>
    public static bool IsVectorizable(Graph g, int root)
        => FirstWithout(g, root, row => row.Vector, (graph, n) => n.Op != Op.Pow || Ops.IsSmallIntegerPower(graph, n)) is null;

    /// <summary>The first operation under <paramref name="root"/> with no <c>ExpressionOp</c> (Cbrt, Truncate), or null when all have one.</summary>
    public static string? WithoutExpression(Graph g, int root) => FirstWithout(g, root, row => row.Expression)?.Op.ToString();
}
