using System;
using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// How an operation is written in one target: an infix operator (operands wrapped by precedence), a
/// pattern whose operands sit in argument positions (<c>{0}</c>, <c>{1}</c>, <c>{2}</c>; <c>{M}</c> is
/// Math/MathF/T, <c>{V}</c> the vector class, <c>{VT}</c> the vector type, <c>{E}</c> the start of
/// <c>ElementwiseExpression.Of(ExpressionOp.</c>, <c>{N:v}</c> the number v), or written by hand in
/// <see cref="ExpressionWriter"/> (<see cref="Special"/>).
/// </summary>
internal sealed record Spelling(string Text, int Precedence, bool IsInfix)
{
    public static Spelling Infix(string symbol, int precedence) => new(symbol, precedence, true);

    public static Spelling Call(string pattern, int precedence = Precedences.Primary) => new(pattern, precedence, false);

    public static readonly Spelling Special = new("", 0, false);
}

/// <summary>C# operator precedences, lowest first, as <see cref="ExpressionWriter"/> uses them.</summary>
internal static class Precedences
{
    public const int Conditional = 1, LogicalOr = 2, LogicalAnd = 3, BitOr = 4, BitAnd = 5, Equality = 6,
        Relational = 7, Additive = 8, Multiplicative = 9, Unary = 10, Primary = 11;
}

/// <summary>
/// One row of the op table: the method name it is written with in source (<c>Math.Exp</c>, <c>MathF.Exp</c>,
/// <c>T.Exp</c>…), its constant folding, its derivative rule, its scalar, SIMD and
/// <c>ElementwiseExpression</c> spellings (null where there is none: AD0011 and a null <c>Describe</c>),
/// and whether its derivative is zero almost everywhere (AD0009).
/// </summary>
/// <remarks>
/// The derivative rule is the only calculus: it returns d(node) given the differentials of the operands
/// (<see cref="Differentiator.D"/>). Seeded with dx = 1 it gives f′ (and again, f″, f‴); seeded with
/// tangents it is forward mode; seeded with 1 on one variable and 0 on the others it gives the partial
/// derivative a reverse sweep multiplies into that variable's adjoint (ā += ȳ·∂y/∂a).
/// </remarks>
internal sealed record OpInfo(
    Op Op,
    string? Method,
    Func<double, double>? Fold,
    Func<Differentiator, Node, int, int>? Derivative,
    Spelling Scalar,
    Spelling? Vector,
    Spelling? Expression,
    bool ZeroDerivative = false)
{
    public int Arity => Op switch
    {
        Op.Pow or Op.Max or Op.Min => 2,
        _ => 1,
    };
}

/// <summary>
/// The op table: every operation of the expression graph, one row each. The parser reads its source
/// spellings, <see cref="Graph"/> its folding, <see cref="Differentiator"/> its rules,
/// <see cref="ExpressionWriter"/> its spellings, and the diagnostics its flags. Adding a Math function
/// is one row here and a member of <see cref="Op"/>.
/// </summary>
internal static class Ops
{
    private static readonly Spelling Special = Spelling.Special;

    private static OpInfo Function(Op op, Func<double, double>? fold, Func<Differentiator, Node, int, int> rule, bool vector = true, bool expression = true, bool zero = false)
        => new(op, op.ToString(), fold, rule,
            Spelling.Call("{M}." + op + "({0})"),
            vector ? Spelling.Call("{V}." + op + "({0})") : null,
            expression ? Spelling.Call("{E}" + op + ", {0})") : null,
            zero);

    private static OpInfo Operator(Op op, Func<Differentiator, Node, int, int>? rule, Spelling scalar, Spelling? vector, Spelling? expression)
        => new(op, null, null, rule, scalar, vector, expression);

    private static OpInfo Comparison(Op op, string symbol, int precedence, string vector, string expression)
        => Operator(op, null, Spelling.Infix(symbol, precedence), Spelling.Call("{V}." + vector + "({0}, {1})"), Spelling.Call("{E}" + expression + ", {0}, {1})"));

    private static readonly OpInfo[] Rows =
    {
        // leaves and calls: written by hand in ExpressionWriter and Differentiator
        Operator(Op.Const, null, Special, Special, Special),
        Operator(Op.Var, null, Special, Special, Special),
        Operator(Op.Y, null, Special, Special, null),
        Operator(Op.Call, null, Special, null, Special),
        Operator(Op.Index, null, Special, null, null),
        Operator(Op.Int, null, Special, null, null),
        Operator(Op.Partial, null, Special, null, null),
        Operator(Op.TangentCall, null, Special, null, null),

        Operator(Op.Add, (d, n, id) => d.G.Add(d.D(n.A), d.D(n.B)), Spelling.Infix("+", Precedences.Additive), Spelling.Infix("+", Precedences.Additive), Spelling.Infix("+", Precedences.Additive)),
        Operator(Op.Sub, (d, n, id) => d.G.Sub(d.D(n.A), d.D(n.B)), Spelling.Infix("-", Precedences.Additive), Spelling.Infix("-", Precedences.Additive), Spelling.Infix("-", Precedences.Additive)),
        Operator(Op.Mul, (d, n, id) => d.G.Add(d.G.Mul(d.D(n.A), n.B), d.G.Mul(n.A, d.D(n.B))), Spelling.Infix("*", Precedences.Multiplicative), Spelling.Infix("*", Precedences.Multiplicative), Spelling.Infix("*", Precedences.Multiplicative)),
        // q = a/b:  dq = (da − q·db)/b;  for a = 1, dq = −q²·db (no second division)
        Operator(Op.Div, (d, n, id) =>
        {
            var g = d.G;
            int da = d.D(n.A);
            if (!d.Active(n.B)) return g.Div(da, n.B);
            int db = d.D(n.B);
            if (g.IsConst(n.A, 1)) return g.Neg(g.Mul(g.Mul(id, id), db));
            return g.Div(g.Sub(da, g.Mul(id, db)), n.B);
        }, Spelling.Infix("/", Precedences.Multiplicative), Spelling.Infix("/", Precedences.Multiplicative), Spelling.Infix("/", Precedences.Multiplicative)),
        Operator(Op.Neg, (d, n, id) => d.G.Neg(d.D(n.A)), Special, Special, Special),

        // vectors call ActivationKernels.Exp: .NET's float VectorN.Exp computes in double (sigmoid over 131,072 floats: 174 -> 82 us)
        new(Op.Exp, "Exp", Math.Exp, (d, n, id) => d.G.Mul(id, d.D(n.A)),
            Spelling.Call("{M}.Exp({0})"), Spelling.Call("ActivationKernels.Exp({0})"), Spelling.Call("{E}Exp, {0})")),
        // d ln(a/b) = da/a − db/b and d ln(a·b) = da/a + db/b: no quotient of quotients
        Function(Op.Log, Math.Log, (d, n, id) =>
        {
            var g = d.G;
            var u = g[n.A];
            if (u.Op is Op.Div or Op.Mul)
            {
                int left = g.Div(d.D(u.A), u.A), right = d.Active(u.B) ? g.Div(d.D(u.B), u.B) : g.Const(0);
                return u.Op == Op.Div ? g.Sub(left, right) : g.Add(left, right);
            }
            return g.Div(d.D(n.A), n.A);
        }),
        new(Op.Log2, "Log2", null, (d, n, id) => d.G.Div(d.D(n.A), d.G.Mul(d.G.Const(Math.Log(2)), n.A)),
            Spelling.Call("{M}.Log2({0})"), Spelling.Call("{V}.Log2({0})"), Spelling.Call("{E}Log, {0}) / {N:" + Literals.Double(Math.Log(2)) + "}", Precedences.Multiplicative)),
        new(Op.Log10, "Log10", Math.Log10, (d, n, id) => d.G.Div(d.D(n.A), d.G.Mul(d.G.Const(Math.Log(10)), n.A)),
            Spelling.Call("{M}.Log10({0})"), Spelling.Call("{V}.Log({0}) * {V}.Create({N:" + Literals.Double(1 / Math.Log(10)) + "})", Precedences.Multiplicative),
            Spelling.Call("{E}Log, {0}) / {N:" + Literals.Double(Math.Log(10)) + "}", Precedences.Multiplicative)),
        Function(Op.Sqrt, Math.Sqrt, (d, n, id) => d.G.Div(d.D(n.A), d.G.Mul(d.G.Const(2), id))),
        // a cube root has no ExpressionOp: a power would lose the sign of negative numbers
        Function(Op.Cbrt, null, (d, n, id) => d.G.Div(d.D(n.A), d.G.Mul(d.G.Const(3), d.G.Mul(id, id))), vector: false, expression: false),
        // |u|' = sign u, taken as +1 at 0 so that compositions such as e^{−|x|} keep their derivative there
        Function(Op.Abs, Math.Abs, (d, n, id) => d.G.Cond(d.G.Binary(Op.Lt, n.A, d.G.Const(0)), d.G.Neg(d.D(n.A)), d.D(n.A))),
        new(Op.Tanh, "Tanh", Math.Tanh, (d, n, id) => d.G.Mul(d.G.Sub(d.G.Const(1), d.G.Mul(id, id)), d.D(n.A)),
            Spelling.Call("{M}.Tanh({0})"), Spelling.Call("ActivationKernels.Tanh({0})"), Spelling.Call("{E}Tanh, {0})")),
        Function(Op.Sinh, Math.Sinh, (d, n, id) => d.G.Mul(d.G.Function(Op.Cosh, n.A), d.D(n.A)), vector: false),
        Function(Op.Cosh, Math.Cosh, (d, n, id) => d.G.Mul(d.G.Function(Op.Sinh, n.A), d.D(n.A)), vector: false),
        Function(Op.Sin, Math.Sin, (d, n, id) => d.G.Mul(d.G.Function(Op.Cos, n.A), d.D(n.A))),
        Function(Op.Cos, Math.Cos, (d, n, id) => d.G.Neg(d.G.Mul(d.G.Function(Op.Sin, n.A), d.D(n.A)))),
        Function(Op.Tan, null, (d, n, id) => d.G.Mul(d.G.Add(d.G.Const(1), d.G.Mul(id, id)), d.D(n.A)), vector: false),
        Function(Op.Asin, null, (d, n, id) => d.G.Div(d.D(n.A), d.G.Function(Op.Sqrt, d.G.Sub(d.G.Const(1), d.G.Mul(n.A, n.A)))), vector: false),
        Function(Op.Acos, null, (d, n, id) => d.G.Neg(d.G.Div(d.D(n.A), d.G.Function(Op.Sqrt, d.G.Sub(d.G.Const(1), d.G.Mul(n.A, n.A))))), vector: false),
        Function(Op.Atan, null, (d, n, id) => d.G.Div(d.D(n.A), d.G.Add(d.G.Const(1), d.G.Mul(n.A, n.A))), vector: false),
        Function(Op.Floor, Math.Floor, (d, n, id) => d.G.Const(0), zero: true),
        Function(Op.Ceiling, Math.Ceiling, (d, n, id) => d.G.Const(0), zero: true),
        Function(Op.Round, null, (d, n, id) => d.G.Const(0), zero: true),
        Function(Op.Truncate, null, (d, n, id) => d.G.Const(0), expression: false, zero: true),

        // d uᵛ = v·uᵛ⁻¹·du + uᵛ·ln u·dv. Trap: ln u is NaN for u < 0 and −∞ at u = 0, so the second term
        // is taken as 0 where dv = 0 or uᵛ = 0 (as PyTorch masks it) instead of 0·NaN.
        new(Op.Pow, "Pow", null, (d, n, id) =>
        {
            var g = d.G;
            int one = g.Const(1);
            int powerTerm = g.Mul(g.Mul(n.B, g.Pow(n.A, g.Sub(n.B, one))), d.D(n.A));
            if (!d.Active(n.B)) return powerTerm;
            int zero = g.Const(0), db = d.D(n.B);
            int logTerm = g.Mul(g.Mul(id, g.Function(Op.Log, n.A)), db);
            return g.Add(powerTerm, g.Cond(g.Binary(Op.Or, g.Binary(Op.Eq, db, zero), g.Binary(Op.Eq, id, zero)), zero, logTerm));
        }, Spelling.Call("{M}.Pow({0}, {1})"), Special, Spelling.Call("{E}Pow, {0}, {1})")),
        // the gradient goes to the first argument on a tie, as Scalar.Max and Scalar.Min do
        new(Op.Max, "Max", null, (d, n, id) => d.G.Cond(d.G.Binary(Op.Ge, n.A, n.B), d.D(n.A), d.D(n.B)),
            Spelling.Call("{M}.Max({0}, {1})"), Spelling.Call("{V}.Max({0}, {1})"), Spelling.Call("{E}Max, {0}, {1})")),
        new(Op.Min, "Min", null, (d, n, id) => d.G.Cond(d.G.Binary(Op.Le, n.A, n.B), d.D(n.A), d.D(n.B)),
            Spelling.Call("{M}.Min({0}, {1})"), Spelling.Call("{V}.Min({0}, {1})"), Spelling.Call("{E}Min, {0}, {1})")),
        Operator(Op.Cond, (d, n, id) => d.G.Cond(n.A, d.D(n.B), d.D(n.C)),
            Special, Spelling.Call("{V}.ConditionalSelect({0}, {1}, {2})"), Spelling.Call("{E}Where, {0}, {1}, {2})")),

        Comparison(Op.Lt, "<", Precedences.Relational, "LessThan", "Less"),
        Comparison(Op.Le, "<=", Precedences.Relational, "LessThanOrEqual", "LessOrEqual"),
        Comparison(Op.Gt, ">", Precedences.Relational, "GreaterThan", "Greater"),
        Comparison(Op.Ge, ">=", Precedences.Relational, "GreaterThanOrEqual", "GreaterOrEqual"),
        Comparison(Op.Eq, "==", Precedences.Equality, "Equals", "Equal"),
        Operator(Op.Ne, null, Spelling.Infix("!=", Precedences.Equality), Spelling.Call("~{V}.Equals({0}, {1})", Precedences.Unary), Spelling.Call("{E}Not, {E}Equal, {0}, {1}))")),
        Operator(Op.And, null, Spelling.Infix("&&", Precedences.LogicalAnd), Spelling.Infix("&", Precedences.BitAnd), Spelling.Call("{E}And, {0}, {1})")),
        Operator(Op.Or, null, Spelling.Infix("||", Precedences.LogicalOr), Spelling.Infix("|", Precedences.BitOr), Spelling.Call("{E}Or, {0}, {1})")),
        Operator(Op.Not, null, Special, Special, Spelling.Call("{E}Not, {0})")),
    };

    private static readonly OpInfo[] byOp = Index();

    private static OpInfo[] Index()
    {
        var table = new OpInfo[Rows.Length];
        foreach (var row in Rows)
        {
            if (table[(int)row.Op] is not null) throw new InvalidOperationException($"Two rows for {row.Op}.");
            table[(int)row.Op] = row;
        }
        return table;
    }

    /// <summary>The row of <paramref name="op"/>.</summary>
    public static OpInfo Info(Op op) => byOp[(int)op];

    /// <summary>The rows written as calls in source (<c>Math.Exp</c>…), by method name and argument count.</summary>
    public static readonly Dictionary<(string Method, int Arity), OpInfo> Methods = ByMethod();

    private static Dictionary<(string, int), OpInfo> ByMethod()
    {
        var methods = new Dictionary<(string, int), OpInfo>();
        foreach (var row in Rows)
            if (row.Method is not null) methods[(row.Method, row.Arity)] = row;
        return methods;
    }

    /// <summary>
    /// Source spellings that are compositions of rows: they need no rule or spelling of their own.
    /// Sign is written as conditionals (vectorisable, derivative 0, and 0 rather than an exception for NaN).
    /// </summary>
    public static readonly Dictionary<(string Method, int Arity), Func<Graph, int[], int>> Compositions = new()
    {
        [("Log", 2)] = (g, a) => g.Div(g.Function(Op.Log, a[0]), g.Function(Op.Log, a[1])),
        [("Sign", 1)] = (g, a) => g.Cond(g.Binary(Op.Gt, a[0], g.Const(0)), g.Const(1),
            g.Cond(g.Binary(Op.Lt, a[0], g.Const(0)), g.Const(-1), g.Const(0))),
        [("Clamp", 3)] = (g, a) => g.Min(g.Max(a[0], a[1]), a[2]),
        [("FusedMultiplyAdd", 3)] = (g, a) => g.Add(g.Mul(a[0], a[1]), a[2]),
        [("CreateChecked", 1)] = (g, a) => a[0],
        [("CreateTruncating", 1)] = (g, a) => a[0],
        [("CreateSaturating", 1)] = (g, a) => a[0],
    };

    /// <summary>The Math functions the generator knows, for diagnostics: "Exp, Log, …, Clamp, FusedMultiplyAdd".</summary>
    public static string MethodNames { get; } = string.Join(", ", Methods.Keys.Select(k => k.Method).Concat(Compositions.Keys.Select(k => k.Method)).Where(n => !n.StartsWith("Create", StringComparison.Ordinal)).Distinct());

    /// <summary>The Math functions with a SIMD form, for diagnostic AD0011.</summary>
    public static string VectorMethodNames { get; } = string.Join(", ", Rows.Where(r => r.Method is not null && r.Vector is not null && r.Op != Op.Pow).Select(r => r.Method));

    /// <summary>Whether a power has a SIMD form: an integer exponent from −4 to 4 (not 0), written as products.</summary>
    public static bool IsSmallIntegerPower(Graph g, Node pow)
        => g.IsConst(pow.B, out var p) && p == Math.Round(p) && p != 0 && Math.Abs(p) <= 4;
}
