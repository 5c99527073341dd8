using System;
using System.Collections.Generic;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// Symbolic differentiation: the differential of a node from the differentials of its operands, by
/// the rule in its row of <see cref="Ops"/>. The seed gives the differential of each variable (1 for x
/// to get f′; tangents for forward mode; 1 on one variable for a partial derivative). Rules refer to the
/// node itself where the derivative contains it (d eᵘ = eᵘ·du, d tanh u = (1 − tanh²u)·du), so
/// hash-consing shares that value with the forward pass.
/// </summary>
internal sealed class Differentiator
{
    private readonly Func<Node, int> seed;
    private readonly Func<Differentiator, Node, int>? calls;
    private readonly Dictionary<int, int> memo = new();
    private readonly Dictionary<int, bool> active = new();

    private Differentiator(Graph graph, Func<Node, int> seed, Func<Differentiator, Node, int>? calls)
    {
        G = graph;
        this.seed = seed;
        this.calls = calls;
    }

    /// <summary>The graph the differentials are built in.</summary>
    public Graph G { get; }

    /// <summary>
    /// Adds d<paramref name="root"/> to <paramref name="graph"/> and returns its node; <paramref name="seed"/>
    /// gives the differential (a node) of each variable and span element. <paramref name="calls"/> is the
    /// rule for calls to other <c>[Differentiable]</c> methods; by default, the chain rule through their
    /// generated derivative in the first argument (f′, f″, f‴ of activations).
    /// </summary>
    public static int Derive(Graph graph, int root, Func<Node, int> seed, Func<Differentiator, Node, int>? calls = null)
        => new Differentiator(graph, seed, calls).D(root);

    /// <summary>d/dx of <paramref name="root"/>: the seed is 1 on variable <paramref name="x"/>, 0 elsewhere.</summary>
    public static int Derive(Graph graph, int root, string x)
        => Derive(graph, root, n => graph.Const(n.Op == Op.Var && n.Name == x ? 1 : 0));

    /// <summary>The differential of node <paramref name="id"/>.</summary>
    public int D(int id)
    {
        if (memo.TryGetValue(id, out int done)) return done;
        int result = Active(id) ? Rule(id) : G.Const(0);
        memo[id] = result;
        return result;
    }

    /// <summary>Whether the node varies with the seeded variables (else its differential is 0).</summary>
    public bool Active(int id)
    {
        if (active.TryGetValue(id, out bool known)) return known;
        var n = G[id];
        bool result = n.Op switch
        {
            Op.Const => false,
            Op.Var or Op.Index => !G.IsConst(seed(n), 0),
            Op.Y => true,
            Op.Int => false,
            _ => n.A >= 0 && Active(n.A) || n.B >= 0 && Active(n.B) || n.C >= 0 && Active(n.C) || AnyActive(n.Args),
        };
        active[id] = result;
        return result;
    }

    private bool AnyActive(EquatableArray<int> args)
    {
        foreach (int a in args)
            if (Active(a)) return true;
        return false;
    }

    private int Rule(int id)
    {
        var n = G[id];
        switch (n.Op)
        {
            case Op.Var or Op.Index:
                return seed(n);
            case Op.Call when calls is not null:
                return calls(this, n);
            case Op.Call:
                {
                    // the chain rule through another [Differentiable] method's generated derivative
                    if (n.Value >= 3) throw new InvalidOperationException($"The fourth derivative of {n.Name} is not generated.");
                    int first = n.Args[0];
                    return G.Mul(G.Call(n.Name!, (int)n.Value + 1, n.Args, n.Generic, n.Text), D(first));
                }
            default:
                var rule = Ops.Info(n.Op).Derivative ?? throw new InvalidOperationException($"No derivative rule for {n.Op}.");
                return rule(this, n, id);
        }
    }
}
