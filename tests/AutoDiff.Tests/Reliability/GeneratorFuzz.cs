using System.Globalization;
using System.Text;

namespace AutoDiff.Tests.Reliability;

/// <summary>
/// Random <c>[Differentiable]</c> method bodies for fuzzing the derivative generator: expression
/// trees over + − * /, Math.Exp/Log/Sqrt/Tanh/Sin/Cos/Pow/Abs/Max/Min, conditionals (?: and
/// if/else) and locals, in double or in a generic T; and malformed ones (loops, unknown calls,
/// assignments to the parameter, recursion, unsupported syntax, syntax errors).
/// </summary>
internal sealed class GeneratorFuzz(int seed)
{
    private readonly Random rng = new(seed);
    private bool generic;
    private readonly List<string> locals = [];

    /// <summary>A well-formed method named <paramref name="name"/>: <c>double name(double x)</c>, or <c>T name&lt;T&gt;(T x)</c>.</summary>
    public string Valid(string name, bool inGeneric)
    {
        generic = inGeneric;
        locals.Clear();
        var body = new StringBuilder();
        int count = rng.Next(4);
        for (int i = 0; i < count; i++)
        {
            string local = $"a{i}";
            body.Append($"        {Type} {local} = {Expr(3)};\n");
            locals.Add(local);
        }
        if (rng.Next(3) == 0 && locals.Count > 0)
        {
            // if/else assigning a local, sometimes returning from a branch
            string target = locals[rng.Next(locals.Count)];
            body.Append($"        if ({Condition(2)}) {target} = {Expr(2)};\n");
            body.Append(rng.Next(2) == 0 ? $"        else {target} = {Expr(2)};\n" : "");
            if (rng.Next(2) == 0) body.Append($"        if ({Condition(2)}) return {Expr(2)};\n");
        }
        body.Append($"        return {Expr(4)};\n");
        return Declaration(name, body.ToString());
    }

    private string Type => generic ? "T" : "double";

    private string Declaration(string name, string body) => generic
        ? $"    [Differentiable]\n    public static T {name}<T>(T x) where T : IFloatingPointIeee754<T>\n    {{\n{body}    }}\n"
        : $"    [Differentiable]\n    public static double {name}(double x)\n    {{\n{body}    }}\n";

    private string Fn(string f) => generic ? $"T.{f}" : $"Math.{f}";

    private string Number(double v)
    {
        string s = v.ToString("0.0##", CultureInfo.InvariantCulture);
        return generic ? $"T.CreateChecked({s})" : s.StartsWith('-') ? $"({s})" : s; // "-0.0" too: never "--"
    }

    private string Leaf()
    {
        int pick = rng.Next(10);
        if (pick < 5 || (pick < 8 && locals.Count == 0)) return "x";
        if (pick < 8) return locals[rng.Next(locals.Count)];
        return Number(Math.Round(rng.NextDouble() * 6 - 3, 1));
    }

    private string Expr(int depth)
    {
        if (depth == 0 || rng.Next(5) == 0) return Leaf();
        string a = Expr(depth - 1);
        switch (rng.Next(17))
        {
            case 0: return $"({a} + {Expr(depth - 1)})";
            case 1: return $"({a} - {Expr(depth - 1)})";
            case 2: return $"({a} * {Expr(depth - 1)})";
            case 3: return $"({a} / {Expr(depth - 1)})";
            case 4: return $"(-{a})";
            case 5: return $"{Fn("Exp")}({a})";
            case 6: return $"{Fn("Log")}({a})";
            case 7: return $"{Fn("Sqrt")}({a})";
            case 8: return $"{Fn("Tanh")}({a})";
            case 9: return $"{Fn("Sin")}({a})";
            case 10: return $"{Fn("Cos")}({a})";
            case 11: return $"{Fn("Abs")}({a})";
            case 12: return $"{Fn("Max")}({a}, {Expr(depth - 1)})";
            case 13: return $"{Fn("Min")}({a}, {Expr(depth - 1)})";
            case 14:
            {
                double[] exponents = [2, 3, -1, 0.5, 1.5, -2, 4];
                string e = rng.Next(4) == 0 ? Expr(depth - 1) : Number(exponents[rng.Next(exponents.Length)]);
                return $"{Fn("Pow")}({a}, {e})";
            }
            default: return $"({Condition(depth - 1)} ? {a} : {Expr(depth - 1)})";
        }
    }

    private string Condition(int depth)
    {
        string[] ops = ["<", "<=", ">", ">=", "==", "!="];
        string c = $"{Expr(depth)} {ops[rng.Next(ops.Length)]} {Expr(depth)}";
        return rng.Next(6) switch
        {
            0 => $"({c}) && ({Expr(depth)} > {Leaf()})",
            1 => $"!({c})",
            _ => c,
        };
    }

    /// <summary>
    /// A well-formed whole function <c>double name(double a, double b, ReadOnlySpan&lt;double&gt; x)</c>
    /// with loops over x: locals before the loop, locals inside it, accumulations (+=, -=, *=, and a carried
    /// <c>acc = acc·c + u</c>), if/else inside the loop, sometimes a nested loop, and a final expression.
    /// </summary>
    public string WholeValid(string name)
    {
        generic = false;
        locals.Clear();
        var body = new StringBuilder();
        var outer = new List<string> { "a", "b" };
        string Pick(List<string> from) => from[rng.Next(from.Count)];
        string Small(List<string> leaves, int depth) => WholeExpr(leaves, depth);
        body.Append($"        double s0 = {Small(outer, 2)};\n");
        outer.Add("s0");
        body.Append("        double acc = 0;\n");
        body.Append("        for (int i = 0; i < x.Length; i++)\n        {\n");
        var inner = new List<string>(outer) { "x[i]", "x[i]" };
        body.Append($"            double u = {Small(inner, 2)};\n");
        inner.Add("u");
        switch (rng.Next(5))
        {
            case 0: body.Append($"            acc += {Small(inner, 2)};\n"); break;
            case 1: body.Append($"            acc = acc * {Number(0.5 + rng.NextDouble() * 0.4)} + {Small(inner, 1)};\n"); break;
            case 2: body.Append($"            if (u > {Pick(outer)}) acc += {Small(inner, 2)};\n            else acc -= {Small(inner, 1)};\n"); break;
            case 3: body.Append($"            acc *= 1 + {Small(inner, 1)} / (4 + u * u);\n            acc += u;\n"); break;
            default:
                body.Append("            for (int j = i; j < x.Length; j++)\n            {\n");
                var nested = new List<string>(inner) { "x[j]", "x[j]" };
                body.Append($"                acc += {Small(nested, 2)} / (2 + x[j] * x[j]);\n");
                body.Append("            }\n");
                break;
        }
        if (rng.Next(3) == 0) body.Append($"            acc -= 0.1 * u * {Pick(outer)};\n");
        body.Append("        }\n");
        var last = new List<string>(outer) { "acc", "acc" };
        // a bare accumulator returned right after the loop lets the Gradient fuse the loop's sweeps
        body.Append(rng.Next(3) == 0 ? "        return acc;\n" : $"        return {Small(last, 2)};\n");
        return $"    [Differentiable]\n    public static double {name}(double a, double b, ReadOnlySpan<double> x)\n    {{\n{body}    }}\n";
    }

    /// <summary>Expressions of the given leaves with smooth operations (so most points are smooth and finite).</summary>
    private string WholeExpr(List<string> leaves, int depth)
    {
        if (depth == 0 || rng.Next(4) == 0) return rng.Next(5) == 0 ? Number(Math.Round(rng.NextDouble() * 4 - 2, 1)) : leaves[rng.Next(leaves.Count)];
        string l = WholeExpr(leaves, depth - 1);
        return rng.Next(9) switch
        {
            0 => $"({l} + {WholeExpr(leaves, depth - 1)})",
            1 => $"({l} - {WholeExpr(leaves, depth - 1)})",
            2 => $"({l} * {WholeExpr(leaves, depth - 1)})",
            3 => $"({l} / (1.5 + {WholeExpr(leaves, depth - 1)} * {WholeExpr(leaves, depth - 1)}))",
            4 => $"Math.Tanh({l})",
            5 => $"Math.Exp(0.3 * {l})",
            6 => $"Math.Sin({l})",
            7 => $"Math.Sqrt(1 + {l} * {l})",
            _ => $"({l} > {WholeExpr(leaves, depth - 1)} ? {l} : {WholeExpr(leaves, depth - 1)})",
        };
    }

    /// <summary>A method the generator must refuse with a diagnostic (or the compiler with an error), never by crashing.</summary>
    public (string Source, string Kind) Malformed(string name, int index)
    {
        generic = false;
        locals.Clear();
        string e = Expr(2);
        var kinds = new (string Kind, Func<string> Body)[]
        {
            ("for loop", () => $"        double s = 0;\n        for (int i = 0; i < 3; i++) s += {e};\n        return s;\n"),
            ("while loop", () => $"        double s = x;\n        while (s > 1) s = s / 2;\n        return s + {e};\n"),
            ("foreach loop", () => $"        double s = 0;\n        foreach (var k in new[] {{ 1.0, 2.0 }}) s += k * x;\n        return s;\n"),
            ("unknown call", () => $"        return Helper({e}) + x;\n"),
            ("unknown BCL call", () => $"        return Math.Atan2(x, {e});\n"),
            ("assigns the parameter", () => $"        x = {e};\n        return x * x;\n"),
            ("compound-assigns the parameter", () => $"        x += 1;\n        return {e};\n"),
            ("recursion", () => $"        return x > 1 ? {name}(x / 2) : {e};\n"),
            ("remainder", () => $"        return ({e}) % 2.0;\n"),
            ("switch expression", () => $"        return (int)x switch {{ 0 => {e}, _ => x }};\n"),
            ("local function", () => $"        double G(double t) => t * t;\n        return G({e});\n"),
            ("lambda", () => $"        System.Func<double, double> g = t => t + 1;\n        return g({e});\n"),
            ("try/catch", () => $"        try {{ return {e}; }} catch {{ return 0; }}\n"),
            ("array", () => $"        var arr = new[] {{ x, {e} }};\n        return arr[1];\n"),
            ("string", () => $"        return x.ToString().Length + {e};\n"),
            ("missing return", () => $"        double s = {e};\n        if (s > 0) return s;\n"),
            ("mutable static field", () => $"        return Field * {e};\n"),
            ("throw", () => $"        if (x > 100) throw new System.ArgumentException();\n        return {e};\n"),
            ("goto", () => $"        goto end;\n        end: return {e};\n"),
            ("syntax error: missing parenthesis", () => Break($"        return {e};\n", ')')),
            ("syntax error: missing semicolon", () => Break($"        double s = {e};\n        return s;\n", ';')),
            ("syntax error: stray token", () => $"        return {e} +;\n"),
            ("syntax error: truncated", () => { string b = $"        return {e};\n"; return b[..(b.Length / 2)] + "\n"; }),
            ("type error", () => $"        return \"text\" * {e};\n"),
            ("undeclared name", () => $"        return {e} + y2;\n"),
        };
        var (kind, body) = kinds[index % kinds.Length];
        return (Declaration(name, body()), kind);
    }

    private string Break(string body, char c)
    {
        int at = body.LastIndexOf(c);
        return at < 0 ? body + " +" : body.Remove(at, 1);
    }
}
