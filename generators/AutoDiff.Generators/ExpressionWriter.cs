using System;
using System.Collections.Generic;
using System.Globalization;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>How an expression graph is spelled: scalar C# in double, float or T, or one SIMD width.</summary>
internal sealed class Dialect
{
    /// <summary>The scalar element type: "double", "float" or the type parameter's name.</summary>
    public string Element { get; }

    public ElementKind Kind { get; }

    /// <summary>0 for scalar code, else 128, 256 or 512.</summary>
    public int Width { get; }

    public string X { get; }

    /// <summary>Spells a constant parameter of the activation as a scalar of <see cref="Element"/>.</summary>
    public Func<string, string> Param { get; }

    public Dialect(ElementKind kind, string element, int width, string x, Func<string, string> param)
    {
        Kind = kind;
        Element = element;
        Width = width;
        X = x;
        Param = param;
    }

    /// <summary>
    /// The dialect that builds an <c>ElementwiseExpression</c> (for <c>Describe</c>) instead of computing a
    /// value; <paramref name="scalar"/> spells the constant arguments of calls to other activations.
    /// </summary>
    public static Dialect Expression(Dialect scalar, Func<string, string> param)
        => new(scalar.Kind, scalar.Element, 0, "x", param) { Arguments = scalar };

    /// <summary>For the expression dialect: how constant call arguments are spelled (as scalars); else null.</summary>
    public Dialect? Arguments { get; private init; }

    public bool IsExpression => Arguments is not null;

    public bool IsVector => Width != 0;

    public string VectorClass => "Vector" + Width.ToString(CultureInfo.InvariantCulture);

    public string VectorType => $"{VectorClass}<{Element}>";

    public string Math => Kind switch
    {
        ElementKind.Double => "Math",
        ElementKind.Single => "MathF",
        _ => Element,
    };

    public string Number(double v)
    {
        if (Kind == ElementKind.Generic)
            return v switch
            {
                0 => Element + ".Zero",
                1 => Element + ".One",
                -1 => Element + ".NegativeOne",
                _ => $"{Element}.CreateTruncating({Literals.Double(v)})",
            };
        return Element == "float" ? Literals.Single((float)v) : Literals.Double(v);
    }
}

/// <summary>
/// Writes one root of an expression graph as C#: a value used more than once becomes a local
/// (named after the user's local where there was one), everything else is written inline with
/// only the parentheses precedence needs.
/// </summary>
internal sealed class ExpressionWriter
{
    private const int Conditional = 1, LogicalOr = 2, LogicalAnd = 3, BitOr = 4, BitAnd = 5, Equality = 6,
        Relational = 7, Additive = 8, Multiplicative = 9, Unary = 10, Primary = 11;

    private readonly Graph g;
    private readonly Dialect d;
    private readonly Dictionary<int, string> locals = new();

    private ExpressionWriter(Graph graph, Dialect dialect)
    {
        g = graph;
        d = dialect;
    }

    /// <summary>The statements (local declarations) and the result expression for <paramref name="root"/>.</summary>
    public static (List<string> Statements, string Result) Write(Graph graph, int root, Dialect dialect, IReadOnlyDictionary<int, string> hints, ISet<string> reserved)
        => new ExpressionWriter(graph, dialect).Run(root, hints, reserved);

    private (List<string>, string) Run(int root, IReadOnlyDictionary<int, string> hints, ISet<string> reserved)
    {
        var uses = new Dictionary<int, int>();
        var order = new List<int>();
        Count(root, uses, order);
        var statements = new List<string>();
        var used = new HashSet<string>(reserved);
        int temp = 0;
        foreach (int id in order)
        {
            var n = g[id];
            // in a description, a call is a local checked for null: the callee may not describe itself
            bool guarded = d.IsExpression && n.Op == Op.Call;
            if (id == root || n.IsLeaf || uses[id] < 2 && !guarded) continue;
            string text = Render(id).Text;
            if (!hints.TryGetValue(id, out var name) || !used.Add(name))
            {
                do name = "t" + (temp++).ToString(CultureInfo.InvariantCulture);
                while (!used.Add(name));
            }
            string type = d.IsExpression ? (guarded ? "ElementwiseExpression?" : "ElementwiseExpression") : d.IsVector ? "var" : n.IsCondition ? "bool" : d.Element;
            statements.Add($"{type} {name} = {text};");
            if (guarded) statements.Add($"if ({name} is null) return null;");
            locals[id] = name;
        }
        return (statements, Render(root).Text);
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
        return d.IsExpression ? Expression(n) : d.IsVector ? Vector(n) : Scalar(n);
    }

    private string Wrap(int id, int min)
    {
        var (text, prec) = Render(id);
        return prec < min ? "(" + text + ")" : text;
    }

    private (string, int) Infix(Node n, string op, int prec)
        => ($"{Wrap(n.A, prec)} {op} {Wrap(n.B, prec + 1)}", prec);

    private (string, int) Negate(int a)
    {
        string inner = Wrap(a, Unary);
        return ("-" + (inner.StartsWith("-", StringComparison.Ordinal) ? "(" + inner + ")" : inner), Unary);
    }

    private (string, int) Scalar(Node n)
    {
        switch (n.Op)
        {
            case Op.Const:
                {
                    string text = d.Number(n.Value);
                    return (text, text.StartsWith("-", StringComparison.Ordinal) ? Unary : Primary);
                }
            case Op.X: return (d.X, Primary);
            case Op.Y: return ("y", Primary);
            case Op.Param: return (d.Param(n.Name!), Primary);
            case Op.Add: return Infix(n, "+", Additive);
            case Op.Sub: return Infix(n, "-", Additive);
            case Op.Mul: return Infix(n, "*", Multiplicative);
            case Op.Div: return Infix(n, "/", Multiplicative);
            case Op.Neg: return Negate(n.A);
            case Op.Lt: return Infix(n, "<", Relational);
            case Op.Le: return Infix(n, "<=", Relational);
            case Op.Gt: return Infix(n, ">", Relational);
            case Op.Ge: return Infix(n, ">=", Relational);
            case Op.Eq: return Infix(n, "==", Equality);
            case Op.Ne: return Infix(n, "!=", Equality);
            case Op.And: return Infix(n, "&&", LogicalAnd);
            case Op.Or: return Infix(n, "||", LogicalOr);
            case Op.Not: return ("!" + Wrap(n.A, Unary), Unary);
            case Op.Cond: return ($"{Wrap(n.A, LogicalOr)} ? {Wrap(n.B, LogicalOr)} : {Wrap(n.C, Conditional)}", Conditional);
            case Op.Pow or Op.Max or Op.Min: return ($"{d.Math}.{n.Op}({Render(n.A).Text}, {Render(n.B).Text})", Primary);
            case Op.Call:
                {
                    string suffix = OrderSuffix((int)n.Value);
                    var args = new List<string> { Render(n.A).Text };
                    foreach (int a in n.Args) args.Add(Render(a).Text);
                    return ($"{n.Name}{suffix}({string.Join(", ", args)})", Primary);
                }
            case Op.Sign: throw new InvalidOperationException("Sign is written as conditionals by the parser.");
            default: return ($"{d.Math}.{n.Op}({Render(n.A).Text})", Primary);
        }
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

    private const string Of = "ElementwiseExpression.Of(ExpressionOp.";

    private string Of1(string op, int a) => $"{Of}{op}, {Render(a).Text})";

    private string Of2(string op, int a, int b) => $"{Of}{op}, {Render(a).Text}, {Render(b).Text})";

    // ElementwiseExpression has + - * / and unary −, and converts from double: numbers and double-valued
    // constants of the activation are written as plain C#.
    private (string, int) Expression(Node n)
    {
        switch (n.Op)
        {
            case Op.Const:
                {
                    string text = Literals.Double(n.Value);
                    return (text, text.StartsWith("-", StringComparison.Ordinal) ? Unary : Primary);
                }
            case Op.X: return ("x", Primary);
            case Op.Param: return (d.Param(n.Name!), Primary);
            case Op.Add: return Infix(n, "+", Additive);
            case Op.Sub: return Infix(n, "-", Additive);
            case Op.Mul: return Infix(n, "*", Multiplicative);
            case Op.Div: return Infix(n, "/", Multiplicative);
            case Op.Neg: return Negate(n.A);
            case Op.Lt: return (Of2("Less", n.A, n.B), Primary);
            case Op.Le: return (Of2("LessOrEqual", n.A, n.B), Primary);
            case Op.Gt: return (Of2("Greater", n.A, n.B), Primary);
            case Op.Ge: return (Of2("GreaterOrEqual", n.A, n.B), Primary);
            case Op.Eq: return (Of2("Equal", n.A, n.B), Primary);
            case Op.Ne: return ($"{Of}Not, {Of2("Equal", n.A, n.B)})", Primary);
            case Op.And: return (Of2("And", n.A, n.B), Primary);
            case Op.Or: return (Of2("Or", n.A, n.B), Primary);
            case Op.Not: return (Of1("Not", n.A), Primary);
            case Op.Cond: return ($"{Of}Where, {Render(n.A).Text}, {Render(n.B).Text}, {Render(n.C).Text})", Primary);
            case Op.Pow or Op.Max or Op.Min: return (Of2(n.Op.ToString(), n.A, n.B), Primary);
            case Op.Log2: return ($"{Of1("Log", n.A)} / {Literals.Double(System.Math.Log(2))}", Multiplicative);
            case Op.Log10: return ($"{Of1("Log", n.A)} / {Literals.Double(System.Math.Log(10))}", Multiplicative);
            case Op.Exp or Op.Log or Op.Sqrt or Op.Abs or Op.Tanh or Op.Sinh or Op.Cosh or Op.Sin or Op.Cos or Op.Tan
                or Op.Asin or Op.Acos or Op.Atan or Op.Floor or Op.Ceiling or Op.Round:
                return (Of1(n.Op.ToString(), n.A), Primary);
            case Op.Call:
                {
                    var scalar = new ExpressionWriter(g, d.Arguments!);
                    var args = new List<string>();
                    foreach (int a in n.Args) args.Add(scalar.Render(a).Text);
                    string typeArgs = n.Generic ? "<" + d.Element + ">" : "";
                    string function = $"{n.Name}Function{typeArgs}({string.Join(", ", args)})";
                    for (int k = 0; k < (int)n.Value; k++) function += k == 0 ? ".Derivative" : "?.Derivative";
                    return ($"{function}{(n.Value > 0 ? "?" : "")}.Describe({Render(n.A).Text})", Primary);
                }
            default: throw new InvalidOperationException($"{n.Op} has no ElementwiseExpression form.");
        }
    }

    /// <summary>The first operation reachable from <paramref name="root"/> that has no <c>ExpressionOp</c>, or null when all have one.</summary>
    public static string? WithoutExpression(Graph g, int root)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (!seen.Add(id)) continue;
            var n = g[id];
            if (n.Op is Op.Cbrt or Op.Truncate or Op.Sign or Op.Y) return n.Op.ToString();
            if (n.A >= 0) stack.Push(n.A);
            if (n.B >= 0) stack.Push(n.B);
            if (n.C >= 0) stack.Push(n.C);
        }
        return null;
    }

    private (string, int) Vector(Node n)
    {
        string v = d.VectorClass;
        switch (n.Op)
        {
            case Op.Const:
                return (n.Value switch
                {
                    0 => d.VectorType + ".Zero",
                    1 => d.VectorType + ".One",
                    _ => $"{v}.Create({d.Number(n.Value)})",
                }, Primary);
            case Op.X: return ("x", Primary);
            case Op.Y: return ("y", Primary);
            case Op.Param: return ($"{v}.Create({d.Param(n.Name!)})", Primary);
            case Op.Add: return Infix(n, "+", Additive);
            case Op.Sub: return Infix(n, "-", Additive);
            case Op.Mul: return Infix(n, "*", Multiplicative);
            case Op.Div: return Infix(n, "/", Multiplicative);
            case Op.Neg: return Negate(n.A);
            case Op.Lt: return ($"{v}.LessThan({Render(n.A).Text}, {Render(n.B).Text})", Primary);
            case Op.Le: return ($"{v}.LessThanOrEqual({Render(n.A).Text}, {Render(n.B).Text})", Primary);
            case Op.Gt: return ($"{v}.GreaterThan({Render(n.A).Text}, {Render(n.B).Text})", Primary);
            case Op.Ge: return ($"{v}.GreaterThanOrEqual({Render(n.A).Text}, {Render(n.B).Text})", Primary);
            case Op.Eq: return ($"{v}.Equals({Render(n.A).Text}, {Render(n.B).Text})", Primary);
            case Op.Ne: return ($"~{v}.Equals({Render(n.A).Text}, {Render(n.B).Text})", Unary);
            case Op.And: return Infix(n, "&", BitAnd);
            case Op.Or: return Infix(n, "|", BitOr);
            case Op.Not: return ("~" + Wrap(n.A, Unary), Unary);
            case Op.Cond: return ($"{v}.ConditionalSelect({Render(n.A).Text}, {Render(n.B).Text}, {Render(n.C).Text})", Primary);
            case Op.Max or Op.Min: return ($"{v}.{n.Op}({Render(n.A).Text}, {Render(n.B).Text})", Primary);
            case Op.Exp or Op.Log or Op.Log2 or Op.Sqrt or Op.Abs or Op.Sin or Op.Cos or Op.Floor or Op.Ceiling or Op.Round or Op.Truncate:
                return ($"{v}.{n.Op}({Render(n.A).Text})", Primary);
            case Op.Log10:
                return ($"{v}.Log({Render(n.A).Text}) * {v}.Create({d.Number(1 / System.Math.Log(10))})", Multiplicative);
            case Op.Tanh:
                return ($"ActivationKernels.Tanh({Render(n.A).Text})", Primary);
            case Op.Pow when g.IsConst(n.B, out var p) && p == System.Math.Round(p) && p != 0 && System.Math.Abs(p) <= 4:
                {
                    string b = Wrap(n.A, Multiplicative + 1);
                    var factors = new List<string>();
                    for (int i = 0; i < System.Math.Abs(p); i++) factors.Add(b);
                    string product = string.Join(" * ", factors);
                    return p > 0 ? (product, factors.Count > 1 ? Multiplicative : Primary) : ($"{d.VectorType}.One / ({product})", Multiplicative);
                }
            default:
                throw new InvalidOperationException($"{n.Op} has no vector form.");
        }
    }

    /// <summary>Whether every node reachable from <paramref name="root"/> has a vector form.</summary>
    public static bool IsVectorizable(Graph g, int root)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (!seen.Add(id)) continue;
            var n = g[id];
            bool ok = n.Op switch
            {
                Op.Sinh or Op.Cosh or Op.Tan or Op.Asin or Op.Acos or Op.Atan or Op.Cbrt or Op.Call or Op.Sign => false,
                Op.Pow => g.IsConst(n.B, out var p) && p == System.Math.Round(p) && p != 0 && System.Math.Abs(p) <= 4,
                _ => true,
            };
            if (!ok) return false;
            if (n.A >= 0) stack.Push(n.A);
            if (n.B >= 0) stack.Push(n.B);
            if (n.C >= 0) stack.Push(n.C);
        }
        return true;
    }
}

/// <summary>C# literals that round-trip: <c>1.0</c>, <c>0.01</c>, <c>1E-05f</c>, <c>double.NaN</c>.</summary>
internal static class Literals
{
    public static string Double(double v)
    {
        if (double.IsNaN(v)) return "double.NaN";
        if (double.IsPositiveInfinity(v)) return "double.PositiveInfinity";
        if (double.IsNegativeInfinity(v)) return "double.NegativeInfinity";
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.IndexOfAny(new[] { '.', 'E' }) < 0 ? s + ".0" : s;
    }

    public static string Single(float v)
    {
        if (float.IsNaN(v)) return "float.NaN";
        if (float.IsPositiveInfinity(v)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(v)) return "float.NegativeInfinity";
        return v.ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
