using System;
using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// What both modes of a whole function need: its graph (to which derivatives are added), which
/// variables are active (vary with a differentiated parameter and influence the result: only those get
/// adjoints and tangents), the names of adjoints and tangents, and the dialect the code is spelled in.
/// </summary>
internal sealed class FunctionAnalysis
{
    private readonly Dictionary<Statement, int> full = new(ReferenceComparer<Statement>.Instance);
    private readonly Dictionary<string, string> adjoints = new();
    private readonly Dictionary<string, string> tangents = new();

    public FunctionAnalysis(FunctionModel model)
    {
        Model = model;
        Graph = new Graph(model.Nodes);
        Parameters = model.Parameters.ToDictionary(p => p.Name);
        Names = new NameAllocator(model.Locals.Concat(model.Parameters.Select(p => p.Name)).Append(model.TypeParameter));
        foreach (var p in model.Parameters.Where(p => p.Differentiable))
        {
            adjoints[p.Name] = Names.Reserve("d" + p.Name);
            tangents[p.Name] = Names.Reserve("t" + p.Name);
        }
        Active = FindActive();
        HasMasking = model.Nodes.Any(n => n.Op is Op.Cond or Op.Max or Op.Min or Op.Abs) || HasIf(model.Body);
        void Overwritten(IEnumerable<Statement> statements)
        {
            foreach (var s in statements)
            {
                if (s.Kind == StatementKind.Assign && s.Assign == AssignKind.Set && !Graph.Mentions(s.Value, s.Name)) killed.Add(s.Name);
                Overwritten(s.Body);
                Overwritten(s.Else);
            }
        }
        Overwritten(model.Body);
    }

    private readonly HashSet<string> killed = new();

    /// <summary>Whether the adjoint of <paramref name="name"/> can be exactly 0 where its value is not finite: a branch not taken, or the value overwritten unread.</summary>
    public bool MayBeMasked(string name) => HasMasking || killed.Contains(name);

    private static bool HasIf(IEnumerable<Statement> statements)
        => statements.Any(s => s.Kind == StatementKind.If || HasIf(s.Body) || HasIf(s.Else));

    /// <summary>
    /// Whether an adjoint can be exactly 0 because a branch or a conditional was not taken, while the
    /// value it multiplies is not finite there (the untaken branch's log of a negative number): then
    /// 0·NaN must not reach the gradient. Only functions with conditionals can zero an adjoint this way.
    /// </summary>
    public bool HasMasking { get; }

    /// <summary>
    /// Whether <paramref name="partial"/> can be infinite or NaN at a point where the function is finite: any
    /// partial that is not a number, since it reads values an untaken branch may have left NaN (a root of
    /// a negative number two statements up), or divides, or takes a logarithm.
    /// </summary>
    public bool MayBeSingular(int partial) => !Graph.IsConst(partial, out var c) || double.IsNaN(c) || double.IsInfinity(c);

    public FunctionModel Model { get; }

    public Graph Graph { get; }

    public IReadOnlyDictionary<string, FunctionParameter> Parameters { get; }

    /// <summary>Every name in the generated method, the user's first.</summary>
    public NameAllocator Names { get; }

    /// <summary>Element locals and differentiated parameters (scalars and spans) that vary with the inputs and reach the result.</summary>
    public IReadOnlyCollection<string> Active { get; }

    public string Element => Model.ElementType;

    public bool IsActive(string name) => ((HashSet<string>)Active).Contains(name);

    /// <summary>The adjoint of a parameter or an element local: d&lt;name&gt; (the parameter's is the public API).</summary>
    public string Adjoint(string name) => adjoints.TryGetValue(name, out var a) ? a : adjoints[name] = Names.Fresh("d" + name);

    /// <summary>The tangent of a parameter or an element local: t&lt;name&gt;.</summary>
    public string Tangent(string name) => tangents.TryGetValue(name, out var t) ? t : tangents[name] = Names.Fresh("t" + name);

    /// <summary>The value an assignment gives its variable: <c>v += e</c> is v + e.</summary>
    public int Full(Statement s)
    {
        if (full.TryGetValue(s, out int done)) return done;
        int v = s.Kind == StatementKind.Assign ? Graph.Var(s.Name) : -1;
        int result = s.Kind != StatementKind.Assign ? s.Value : s.Assign switch
        {
            AssignKind.Add => Graph.Add(v, s.Value),
            AssignKind.Sub => Graph.Sub(v, s.Value),
            AssignKind.Mul => Graph.Mul(v, s.Value),
            AssignKind.Div => Graph.Div(v, s.Value),
            _ => s.Value,
        };
        full[s] = result;
        return result;
    }

    /// <summary>The variables read under <paramref name="id"/> (locals, parameters, spans), not looking inside <paramref name="stop"/>.</summary>
    public HashSet<string> Reads(int id, int stop = -1)
    {
        var names = new HashSet<string>();
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        if (id >= 0) stack.Push(id);
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            if (i == stop || !seen.Add(i)) continue;
            var n = Graph[i];
            if (n.Op is Op.Var or Op.Index) names.Add(n.Name!);
            if (n.A >= 0) stack.Push(n.A);
            if (n.B >= 0) stack.Push(n.B);
            if (n.C >= 0) stack.Push(n.C);
            foreach (int a in n.Args) stack.Push(a);
        }
        return names;
    }

    /// <summary>The active leaves under <paramref name="id"/>: variables and span elements whose adjoint a partial goes to.</summary>
    public List<int> ActiveLeaves(int id)
    {
        var leaves = new List<int>();
        foreach (int i in Graph.Under(id, n => n.Op != Op.Index))
        {
            var n = Graph[i];
            if (n.Op is Op.Var or Op.Index && IsActive(n.Name!) && !IsSpanName(n.Name!, n.Op)) leaves.Add(i);
        }
        leaves.Sort();
        return leaves;
    }

    // a span passed whole to a call is a Var of the span's name: not a leaf with an adjoint
    private bool IsSpanName(string name, Op op) => op == Op.Var && Parameters.TryGetValue(name, out var p) && p.IsSpan;

    /// <summary>∂<paramref name="root"/>/∂<paramref name="leaf"/>, through calls by the callees' generated Gradient.</summary>
    public int Partial(int root, int leaf)
    {
        var target = Graph[leaf];
        return Differentiator.Derive(Graph, root, n => Graph.Const(n.Equals(target) ? 1 : 0), PartialThroughCall);
    }

    /// <summary>d(call) = Σₖ ∂f/∂aₖ · daₖ over the differentiated scalar parameters of the callee.</summary>
    private int PartialThroughCall(Differentiator d, Node call)
    {
        var g = d.G;
        int sum = g.Const(0);
        for (int k = 0; k < call.Args.Length; k++)
        {
            if (call.Text![k] != 's' || !d.Active(call.Args[k])) continue;
            sum = g.Add(sum, g.Mul(g.Partial(call.Name!, k, call.Args, call.Generic, call.Text), d.D(call.Args[k])));
        }
        return sum;
    }

    /// <summary>The tangent (forward-mode differential) of <paramref name="root"/>, through calls by the callees' Tangent.</summary>
    public int TangentOf(int root)
        => Differentiator.Derive(Graph, root, TangentSeed, TangentThroughCall);

    private int TangentSeed(Node n)
    {
        if (!IsActive(n.Name!) || IsSpanName(n.Name!, n.Op)) return Graph.Const(0);
        return n.Op == Op.Index ? Graph.Index(Tangent(n.Name!), n.A) : Graph.Var(Tangent(n.Name!));
    }

    private int TangentThroughCall(Differentiator d, Node call)
    {
        var g = d.G;
        var args = call.Args.ToList();
        for (int k = 0; k < call.Args.Length; k++)
            if (call.Text![k] == 's') args.Add(d.D(call.Args[k]));
        return g.TangentCall(call.Name!, new EquatableArray<int>(args.ToArray()), call.Generic, call.Text!);
    }

    private HashSet<string> FindActive()
    {
        var statements = new List<Statement>();
        void Collect(IEnumerable<Statement> block)
        {
            foreach (var s in block)
            {
                statements.Add(s);
                Collect(s.Body);
                Collect(s.Else);
            }
        }
        Collect(Model.Body);
        var assignments = statements.Where(s => s.Kind is StatementKind.Declare or StatementKind.Assign && s.Type == LocalType.Element && s.Value >= 0).ToList();

        // varied: reached from a differentiated parameter
        var varied = new HashSet<string>(Model.Parameters.Where(p => p.Differentiable).Select(p => p.Name));
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var s in assignments)
                if (!varied.Contains(s.Name) && Reads(Full(s)).Overlaps(varied)) changed |= varied.Add(s.Name);
        }
        // useful: reaching a returned value
        var useful = new HashSet<string>();
        foreach (var s in statements.Where(s => s.Kind == StatementKind.Return)) useful.UnionWith(Reads(s.Value));
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var s in assignments)
                if (useful.Contains(s.Name))
                    foreach (var name in Reads(Full(s))) changed |= useful.Add(name);
        }
        varied.IntersectWith(useful);
        return varied;
    }
}

/// <summary>Hands out local names that clash with no other name of the generated method.</summary>
internal sealed class NameAllocator
{
    private readonly HashSet<string> used;

    public NameAllocator(IEnumerable<string> taken) => used = new HashSet<string>(taken.Where(n => n.Length > 0));

    /// <summary>Takes <paramref name="name"/> as it is (an API name such as dx).</summary>
    public string Reserve(string name)
    {
        used.Add(name);
        return name;
    }

    /// <summary><paramref name="preferred"/>, or preferred2, preferred3… when that is taken.</summary>
    public string Fresh(string preferred)
    {
        if (used.Add(preferred)) return preferred;
        for (int k = 2; ; k++)
            if (used.Add(preferred + k.ToString(System.Globalization.CultureInfo.InvariantCulture))) return preferred + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsUsed(string name) => used.Contains(name);

    public ISet<string> All => used;
}

/// <summary>Compares by reference: the same statement text can occur at two places of a body.</summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T> where T : class
{
    public static readonly ReferenceComparer<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
}
