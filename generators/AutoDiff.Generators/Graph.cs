using System;
using System.Collections.Generic;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// Builds a hash-consed expression graph: an expression built twice is one node, so a value the
/// derivative shares with the forward pass is computed once. The constructors fold constants and
/// drop <c>·1</c>, <c>+0</c> and double negation, so generated code has none of them.
/// </summary>
internal sealed class Graph
{
    private readonly List<Node> nodes = new();
    private readonly List<bool> dependsOnX = new();
    private readonly Dictionary<Node, int> index = new();

    public Graph() { }

    /// <summary>Rebuilds a graph from a model's nodes; indices are kept.</summary>
    public Graph(EquatableArray<Node> existing)
    {
        foreach (var n in existing) Intern(n);
    }

    public Node this[int id] => nodes[id];

    public int Count => nodes.Count;

    public EquatableArray<Node> ToArray() => new(nodes.ToArray());

    /// <summary>True when the node's value changes with x (constant subexpressions have derivative 0).</summary>
    public bool DependsOnX(int id) => dependsOnX[id];

    public bool IsConst(int id, out double value)
    {
        var n = nodes[id];
        value = n.Value;
        return n.Op == Op.Const;
    }

    public bool IsConst(int id, double value) => IsConst(id, out var v) && v.Equals(value);

    private int Intern(Node n)
    {
        if (index.TryGetValue(n, out int id)) return id;
        id = nodes.Count;
        nodes.Add(n);
        index[n] = id;
        bool depends = n.Op is Op.X or Op.Y
            || (n.A >= 0 && dependsOnX[n.A]) || (n.B >= 0 && dependsOnX[n.B]) || (n.C >= 0 && dependsOnX[n.C]);
        foreach (int arg in n.Args) depends |= dependsOnX[arg];
        dependsOnX.Add(depends);
        return id;
    }

    public int Const(double value) => Intern(new Node(Op.Const, -1, -1, -1, value, null, default));

    public int X() => Intern(Node.Of(Op.X));

    public int Y() => Intern(Node.Of(Op.Y));

    public int Param(string name) => Intern(new Node(Op.Param, -1, -1, -1, 0, name, default));

    public int Add(int a, int b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y)) return Const(x + y);
        if (IsConst(a, 0)) return b;
        if (IsConst(b, 0)) return a;
        if (nodes[b].Op == Op.Neg) return Sub(a, nodes[b].A);
        if (nodes[a].Op == Op.Neg) return Sub(b, nodes[a].A);
        if (IsConst(b, out y) && y < 0) return Sub(a, Const(-y));
        if (a == b) return Mul(Const(2), a);
        if (!IsConst(a, out _) && a > b) (a, b) = (b, a); // one spelling for u + v and v + u
        return Intern(Node.Of(Op.Add, a, b));
    }

    public int Sub(int a, int b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y)) return Const(x - y);
        if (IsConst(b, 0)) return a;
        if (IsConst(a, 0)) return Neg(b);
        if (nodes[b].Op == Op.Neg) return Add(a, nodes[b].A);
        if (IsConst(b, out y) && y < 0) return Add(a, Const(-y));
        return Intern(Node.Of(Op.Sub, a, b));
    }

    public int Mul(int a, int b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y)) return Const(x * y);
        if (IsConst(a, 0) || IsConst(b, 0)) return Const(0);
        if (IsConst(a, 1)) return b;
        if (IsConst(b, 1)) return a;
        if (IsConst(a, -1)) return Neg(b);
        if (IsConst(b, -1)) return Neg(a);
        if (nodes[a].Op == Op.Neg && nodes[b].Op == Op.Neg) return Mul(nodes[a].A, nodes[b].A);
        if (nodes[a].Op == Op.Neg) return Neg(Mul(nodes[a].A, b));
        if (nodes[b].Op == Op.Neg) return Neg(Mul(a, nodes[b].A));
        if (IsConst(b, out _)) return Mul(b, a); // constants first: 2 * x
        if (IsConst(a, out x) && nodes[b].Op == Op.Mul && IsConst(nodes[b].A, out y)) return Mul(Const(x * y), nodes[b].B);
        if (!IsConst(a, out _) && a > b) (a, b) = (b, a); // one spelling for u·v and v·u
        return Intern(Node.Of(Op.Mul, a, b));
    }

    public int Div(int a, int b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y)) return Const(x / y);
        if (IsConst(b, 1)) return a;
        if (IsConst(b, -1)) return Neg(a);
        if (IsConst(a, 0) && !IsConst(b, 0)) return Const(0);
        if (nodes[a].Op == Op.Neg) return Neg(Div(nodes[a].A, b));
        if (IsConst(a, out x) && x < 0) return Neg(Div(Const(-x), b));
        if (nodes[b].Op == Op.Neg) return Neg(Div(a, nodes[b].A));
        return Intern(Node.Of(Op.Div, a, b));
    }

    public int Neg(int a)
    {
        var n = nodes[a];
        if (IsConst(a, out var x)) return Const(-x);
        if (n.Op == Op.Neg) return n.A;
        if (n.Op == Op.Sub) return Sub(n.B, n.A);
        if (n.Op == Op.Mul && IsConst(n.A, out x)) return Mul(Const(-x), n.B);
        if (n.Op == Op.Cond && IsConst(n.B, out x) && IsConst(n.C, out var y)) return Cond(n.A, Const(-x), Const(-y));
        return Intern(Node.Of(Op.Neg, a));
    }

    /// <summary>A one-argument function (Exp, Log, Tanh…), folded when the argument is a number.</summary>
    public int Function(Op op, int a)
    {
        if (IsConst(a, out var x))
        {
            double? folded = Fold(op, x);
            if (folded is double v) return Const(v);
        }
        return Intern(Node.Of(op, a));
    }

    private static double? Fold(Op op, double x) => op switch
    {
        Op.Exp => Math.Exp(x),
        Op.Log => Math.Log(x),
        Op.Log10 => Math.Log10(x),
        Op.Sqrt => Math.Sqrt(x),
        Op.Abs => Math.Abs(x),
        Op.Tanh => Math.Tanh(x),
        Op.Sinh => Math.Sinh(x),
        Op.Cosh => Math.Cosh(x),
        Op.Sin => Math.Sin(x),
        Op.Cos => Math.Cos(x),
        Op.Floor => Math.Floor(x),
        Op.Ceiling => Math.Ceiling(x),
        Op.Sign => double.IsNaN(x) ? null : Math.Sign(x),
        _ => null,
    };

    public int Pow(int a, int b)
    {
        if (IsConst(b, 1)) return a;
        if (IsConst(b, 0)) return Const(1);
        if (IsConst(a, out var x) && IsConst(b, out var y)) return Const(Math.Pow(x, y));
        if (IsConst(b, 2)) return Mul(a, a);
        return Intern(Node.Of(Op.Pow, a, b));
    }

    public int Max(int a, int b) => a == b ? a : Intern(Node.Of(Op.Max, a, b));

    public int Min(int a, int b) => a == b ? a : Intern(Node.Of(Op.Min, a, b));

    public int Cond(int condition, int whenTrue, int whenFalse)
    {
        // inside a branch the condition is known: z ≥ 0 ? (z < 0 ? a : b) : c  →  z ≥ 0 ? b : c
        whenTrue = Assume(whenTrue, condition, true, new Dictionary<int, int>());
        whenFalse = Assume(whenFalse, condition, false, new Dictionary<int, int>());
        return whenTrue == whenFalse ? whenTrue : Intern(Node.Of(Op.Cond, condition, whenTrue, whenFalse));
    }

    /// <summary>True when <paramref name="b"/> is the negation of <paramref name="a"/> (for non-NaN operands).</summary>
    private bool Complement(int a, int b)
    {
        var x = nodes[a];
        var y = nodes[b];
        if (x.Op == Op.Not) return x.A == b;
        if (y.Op == Op.Not) return y.A == a;
        if (x.A != y.A || x.B != y.B) return false;
        return (x.Op, y.Op) is (Op.Lt, Op.Ge) or (Op.Ge, Op.Lt) or (Op.Le, Op.Gt) or (Op.Gt, Op.Le) or (Op.Eq, Op.Ne) or (Op.Ne, Op.Eq);
    }

    private int Assume(int id, int condition, bool value, Dictionary<int, int> memo)
    {
        if (memo.TryGetValue(id, out int done)) return done;
        var n = nodes[id];
        int result;
        if (n.IsLeaf || n.IsCondition) result = id;
        else if (n.Op == Op.Cond && (n.A == condition || Complement(n.A, condition)))
            result = Assume((n.A == condition) == value ? n.B : n.C, condition, value, memo);
        else
        {
            int a = n.A >= 0 ? Assume(n.A, condition, value, memo) : -1;
            int b = n.B >= 0 ? Assume(n.B, condition, value, memo) : -1;
            int c = n.C >= 0 ? Assume(n.C, condition, value, memo) : -1;
            result = a == n.A && b == n.B && c == n.C ? id : Rebuild(n, a, b, c, n.Args);
        }
        memo[id] = result;
        return result;
    }

    /// <summary>A comparison (<see cref="Op.Lt"/> … <see cref="Op.Ne"/>) or <see cref="Op.And"/>/<see cref="Op.Or"/>.</summary>
    public int Binary(Op op, int a, int b) => Intern(Node.Of(op, a, b));

    public int Not(int a) => nodes[a].Op == Op.Not ? nodes[a].A : Intern(Node.Of(Op.Not, a));

    public int Call(string method, int order, int argument, EquatableArray<int> constants, bool generic)
        => Intern(new Node(Op.Call, argument, -1, -1, order, method, constants, generic));

    /// <summary>Copies node <paramref name="id"/> of <paramref name="source"/> into this graph, substituting leaves.</summary>
    public int Import(Graph source, int id, Func<Node, int?> substitute, Dictionary<int, int> memo)
    {
        if (memo.TryGetValue(id, out int done)) return done;
        var n = source[id];
        int result;
        if (substitute(n) is int s) result = s;
        else
        {
            int a = n.A >= 0 ? Import(source, n.A, substitute, memo) : -1;
            int b = n.B >= 0 ? Import(source, n.B, substitute, memo) : -1;
            int c = n.C >= 0 ? Import(source, n.C, substitute, memo) : -1;
            var args = new int[n.Args.Length];
            for (int i = 0; i < args.Length; i++) args[i] = Import(source, n.Args[i], substitute, memo);
            result = Rebuild(n, a, b, c, new EquatableArray<int>(args));
        }
        memo[id] = result;
        return result;
    }

    /// <summary>Builds node <paramref name="n"/> again over new children, through the simplifying constructors.</summary>
    public int Rebuild(Node n, int a, int b, int c, EquatableArray<int> args) => n.Op switch
    {
        Op.Const => Const(n.Value),
        Op.X => X(),
        Op.Y => Y(),
        Op.Param => Param(n.Name!),
        Op.Add => Add(a, b),
        Op.Sub => Sub(a, b),
        Op.Mul => Mul(a, b),
        Op.Div => Div(a, b),
        Op.Neg => Neg(a),
        Op.Pow => Pow(a, b),
        Op.Max => Max(a, b),
        Op.Min => Min(a, b),
        Op.Cond => Cond(a, b, c),
        Op.Not => Not(a),
        Op.Lt or Op.Le or Op.Gt or Op.Ge or Op.Eq or Op.Ne or Op.And or Op.Or => Binary(n.Op, a, b),
        Op.Call => Call(n.Name!, (int)n.Value, a, args, n.Generic),
        _ => Function(n.Op, a),
    };
}
