using System;
using System.Collections.Generic;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// Symbolic differentiation with respect to x, one rule per operation, all on this screen. Rules
/// refer to the node itself where the derivative contains it (d eᵘ = eᵘ·du, d tanh u = (1 − tanh²u)·du),
/// so hash-consing shares that value with the forward pass. Derivatives of other
/// <c>[Differentiable]</c> methods call their generated derivatives (the chain rule through them).
/// </summary>
internal sealed class Differentiator
{
    private readonly Graph g;
    private readonly Dictionary<int, int> memo = new();

    private Differentiator(Graph graph) => g = graph;

    /// <summary>Adds d<paramref name="root"/>/dx to <paramref name="graph"/> and returns its node.</summary>
    public static int Derive(Graph graph, int root) => new Differentiator(graph).D(root);

    private int D(int id)
    {
        if (memo.TryGetValue(id, out int done)) return done;
        int result = g.DependsOnX(id) ? Rule(id) : g.Const(0);
        memo[id] = result;
        return result;
    }

    private int Rule(int id)
    {
        var n = g[id];
        int a = n.A, b = n.B;
        int one = g.Const(1);
        switch (n.Op)
        {
            case Op.X: return one;
            case Op.Add: return g.Add(D(a), D(b));
            case Op.Sub: return g.Sub(D(a), D(b));
            case Op.Neg: return g.Neg(D(a));
            case Op.Mul: return g.Add(g.Mul(D(a), b), g.Mul(a, D(b)));
            case Op.Div:
                {
                    // q = a/b:  dq = (da − q·db)/b;  for a = 1, dq = −q²·db (no second division)
                    int da = D(a), db = D(b);
                    if (!g.DependsOnX(b)) return g.Div(da, b);
                    if (g.IsConst(a, 1)) return g.Neg(g.Mul(g.Mul(id, id), db));
                    return g.Div(g.Sub(da, g.Mul(id, db)), b);
                }
            case Op.Exp: return g.Mul(id, D(a));
            case Op.Log: return g.Div(D(a), a);
            case Op.Log2: return g.Div(D(a), g.Mul(g.Const(Math.Log(2)), a));
            case Op.Log10: return g.Div(D(a), g.Mul(g.Const(Math.Log(10)), a));
            case Op.Sqrt: return g.Div(D(a), g.Mul(g.Const(2), id));
            case Op.Cbrt: return g.Div(D(a), g.Mul(g.Const(3), g.Mul(id, id)));
            // |u|' = sign u, taken as +1 at 0 so that compositions such as e^{−|x|} keep their derivative there
            case Op.Abs: return g.Cond(g.Binary(Op.Lt, a, g.Const(0)), g.Neg(D(a)), D(a));
            case Op.Sign or Op.Floor or Op.Ceiling or Op.Round or Op.Truncate: return g.Const(0);
            case Op.Tanh: return g.Mul(g.Sub(one, g.Mul(id, id)), D(a));
            case Op.Sinh: return g.Mul(g.Function(Op.Cosh, a), D(a));
            case Op.Cosh: return g.Mul(g.Function(Op.Sinh, a), D(a));
            case Op.Sin: return g.Mul(g.Function(Op.Cos, a), D(a));
            case Op.Cos: return g.Neg(g.Mul(g.Function(Op.Sin, a), D(a)));
            case Op.Tan: return g.Mul(g.Add(one, g.Mul(id, id)), D(a));
            case Op.Atan: return g.Div(D(a), g.Add(one, g.Mul(a, a)));
            case Op.Asin: return g.Div(D(a), g.Function(Op.Sqrt, g.Sub(one, g.Mul(a, a))));
            case Op.Acos: return g.Neg(g.Div(D(a), g.Function(Op.Sqrt, g.Sub(one, g.Mul(a, a)))));
            case Op.Pow:
                {
                    // d uᵛ = v·uᵛ⁻¹·du + uᵛ·ln u·dv. Trap: ln u is NaN for u < 0 and −∞ at u = 0, so the
                    // second term is taken as 0 where dv = 0 or uᵛ = 0 (as PyTorch masks it) instead of 0·NaN.
                    int powerTerm = g.Mul(g.Mul(b, g.Pow(a, g.Sub(b, one))), D(a));
                    if (!g.DependsOnX(b)) return powerTerm;
                    int zero = g.Const(0), db = D(b);
                    int logTerm = g.Mul(g.Mul(id, g.Function(Op.Log, a)), db);
                    return g.Add(powerTerm, g.Cond(g.Binary(Op.Or, g.Binary(Op.Eq, db, zero), g.Binary(Op.Eq, id, zero)), zero, logTerm));
                }
            // the gradient goes to the first argument on a tie, as Scalar.Max and Scalar.Min do
            case Op.Max: return g.Cond(g.Binary(Op.Ge, a, b), D(a), D(b));
            case Op.Min: return g.Cond(g.Binary(Op.Le, a, b), D(a), D(b));
            case Op.Cond: return g.Cond(a, D(b), D(n.C));
            case Op.Call:
                if (n.Value >= 3) throw new InvalidOperationException($"The fourth derivative of {n.Name} is not generated.");
                return g.Mul(g.Call(n.Name!, (int)n.Value + 1, a, n.Args, n.Generic), D(a));
            default:
                throw new InvalidOperationException($"No derivative rule for {n.Op}.");
        }
    }
}
