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

    /// <summary>True when variable <paramref name="name"/> occurs under <paramref name="id"/>.</summary>
    public bool Mentions(int id, string name) => Any(id, n => n.Op == Op.Var && n.Name == name);

    /// <summary>True when some node under <paramref name="id"/> (itself included) satisfies <paramref name="test"/>.</summary>
    public bool Any(int id, Func<Node, bool> test)
    {
        foreach (int i in Under(id))
            if (test(nodes[i])) return true;
        return false;
    }

    /// <summary>
    /// Every node under <paramref name="id"/> (itself included) once, depth first; the operands of a node for which
    /// <paramref name="descend"/> returns false are not visited through it.
    /// </summary>
    public IEnumerable<int> Under(int id, Func<Node, bool>? descend = null)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(id);
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            if (!seen.Add(i)) continue;
            yield return i;
            var n = nodes[i];
            if (descend is not null && !descend(n)) continue;
            if (n.A >= 0) stack.Push(n.A);
            if (n.B >= 0) stack.Push(n.B);
            if (n.C >= 0) stack.Push(n.C);
            foreach (int arg in n.Args) stack.Push(arg);
        }
    }

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
        return id;
    }

    public int Const(double value) => Intern(new Node(Op.Const, -1, -1, -1, value, null, default));

    /// <summary>The variable <paramref name="name"/>: a parameter or a local.</summary>
    public int Var(string name) => Intern(new Node(Op.Var, -1, -1, -1, 0, name, default));

    public int Y() => Intern(Node.Of(Op.Y));

    public int Add(int a, int b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y)) return Const(x + y);
        if (IsConst(a, 0)) return b;
        if (IsConst(b, 0)) return a;
        if (nodes[b].Op == Op.Neg) return Sub(a, nodes[b].A);
        if (nodes[a].Op == Op.Neg) return Sub(b, nodes[a].A);
        if (IsConst(b, out y) && y < 0) return Sub(a, Const(-y));
        if (NegativeProduct(b, out int pb)) return Sub(a, pb); // u + (−2)·v → u − 2·v
        if (NegativeProduct(a, out int pa)) return Sub(b, pa);
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
        if (NegativeProduct(b, out int pb)) return Add(a, pb); // u − (−2)·v → u + 2·v
        return Intern(Node.Of(Op.Sub, a, b));
    }

    /// <summary>When <paramref name="id"/> is c·v with a number c &lt; 0, the node |c|·v.</summary>
    private bool NegativeProduct(int id, out int positive)
    {
        var n = nodes[id];
        positive = -1;
        if (n.Op != Op.Mul || !IsConst(n.A, out var c) || !(c < 0)) return false;
        positive = Mul(Const(-c), n.B);
        return true;
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

    /// <summary>A one-argument function (Exp, Log, Tanh…), folded when the argument is a number and its row folds.</summary>
    public int Function(Op op, int a)
    {
        if (IsConst(a, out var x) && Ops.Info(op).Fold is { } fold) return Const(fold(x));
        return Intern(Node.Of(op, a));
    }

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
            var args = new int[n.Args.Length];
            bool same = a == n.A && b == n.B && c == n.C;
            for (int i = 0; i < args.Length; i++) same &= (args[i] = Assume(n.Args[i], condition, value, memo)) == n.Args[i];
            result = same ? id : Rebuild(n, a, b, c, new EquatableArray<int>(args));
        }
        memo[id] = result;
        return result;
    }

    /// <summary>A comparison (<see cref="Op.Lt"/> … <see cref="Op.Ne"/>) or <see cref="Op.And"/>/<see cref="Op.Or"/>.</summary>
    public int Binary(Op op, int a, int b) => Intern(Node.Of(op, a, b));

    public int Not(int a) => nodes[a].Op == Op.Not ? nodes[a].A : Intern(Node.Of(Op.Not, a));

    /// <summary>
    /// <paramref name="method"/> (order 0) or its derivative of order <paramref name="order"/> in the first
    /// argument, at <paramref name="arguments"/>; <paramref name="shape"/> describes the callee's parameters.
    /// </summary>
    public int Call(string method, int order, EquatableArray<int> arguments, bool generic, string? shape)
        => Intern(new Node(Op.Call, -1, -1, -1, order, method, arguments, generic, shape));

    /// <summary>∂<paramref name="method"/>/∂(parameter <paramref name="parameter"/>) at <paramref name="arguments"/>.</summary>
    public int Partial(string method, int parameter, EquatableArray<int> arguments, bool generic, string shape)
        => Intern(new Node(Op.Partial, -1, -1, -1, parameter, method, arguments, generic, shape));

    /// <summary>The callee's Tangent at its <paramref name="arguments"/> followed by its tangents.</summary>
    public int TangentCall(string method, EquatableArray<int> arguments, bool generic, string shape)
        => Intern(new Node(Op.TangentCall, -1, -1, -1, 0, method, arguments, generic, shape));

    /// <summary>Element <paramref name="index"/> (an <see cref="Int"/> node) of span or array <paramref name="span"/>.</summary>
    public int Index(string span, int index) => Intern(new Node(Op.Index, index, -1, -1, 0, span, default));

    /// <summary>The int expression <paramref name="text"/> as a number.</summary>
    public int Int(string text) => Intern(new Node(Op.Int, -1, -1, -1, 0, text, default));

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
        Op.Var => Var(n.Name!),
        Op.Y => Y(),
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
        Op.Call => Call(n.Name!, (int)n.Value, args, n.Generic, n.Text),
        Op.Partial => Partial(n.Name!, (int)n.Value, args, n.Generic, n.Text!),
        Op.TangentCall => TangentCall(n.Name!, args, n.Generic, n.Text!),
        Op.Index => Index(n.Name!, a),
        Op.Int => Int(n.Name!),
        _ => Function(n.Op, a),
    };
}
