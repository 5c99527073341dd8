using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// The derive step for an activation: f, f′, f″ and f‴ in one hash-consed graph, and for each order
/// k ≤ 2 the kernel graph (f⁽ᵏ⁾ and f⁽ᵏ⁺¹⁾ with y = f⁽ᵏ⁾(x) substituted where it appears), whether it has
/// SIMD forms, and what keeps a description from being built. The emitter only prints this.
/// </summary>
internal sealed class ActivationDerivation
{
    private ActivationDerivation(ActivationModel model)
    {
        Model = model;
        Graph = new Graph(model.Nodes);
        var roots = new int[4];
        roots[0] = model.Root;
        for (int k = 1; k < 4; k++) roots[k] = Differentiator.Derive(Graph, roots[k - 1], model.ParameterName);
        Roots = roots;
        Hints = model.Hints.ToDictionary(h => h.Node, h => h.Name);
        Kernels = Enumerable.Range(0, 3).Select(Kernel).ToArray();
        WithoutExpression = roots.Select(r => ExpressionWriter.WithoutExpression(Graph, r)).ToArray();
        HasCalls = Graph.ToArray().Any(n => n.Op == Op.Call);
        Partials = model.Extras.Where(HasPartial).Select(e => (e, Differentiator.Derive(Graph, roots[0], e.Name))).ToArray();
    }

    /// <summary>
    /// A floating extra parameter gets ∂f/∂p, unless it reaches a call to another activation in a later
    /// argument (the chain rule through a callee goes through its first argument only).
    /// </summary>
    private bool HasPartial(ExtraParameter e)
        => (e.IsElement || e.Type is "double" or "float")
           && !Graph.ToArray().Any(n => n.Op == Op.Call && n.Args.Skip(1).Any(arg => Graph.Mentions(arg, e.Name)));

    public static ActivationDerivation Derive(ActivationModel model) => new(model);

    public ActivationModel Model { get; }

    public Graph Graph { get; }

    /// <summary>f, f′, f″, f‴, by derivative order.</summary>
    public IReadOnlyList<int> Roots { get; }

    /// <summary>The user's local names for nodes of <see cref="Graph"/>.</summary>
    public IReadOnlyDictionary<int, string> Hints { get; }

    /// <summary>The kernel of order k: f⁽ᵏ⁾ and its derivative, for k = 0, 1, 2.</summary>
    public IReadOnlyList<KernelGraph> Kernels { get; }

    /// <summary>Per order, the first operation with no <c>ExpressionOp</c> (so <c>Describe</c> returns null), or null.</summary>
    public IReadOnlyList<string?> WithoutExpression { get; }

    /// <summary>∂f/∂p for each floating extra parameter p (ELU's α, a swish β), for layers that learn p.</summary>
    public IReadOnlyList<(ExtraParameter Parameter, int Root)> Partials { get; }

    /// <summary>Whether f calls another <c>[Differentiable]</c> method (a description may then be null at run time).</summary>
    public bool HasCalls { get; }

    private KernelGraph Kernel(int order)
    {
        // the derivative with the forward output substituted: y wherever f⁽ᵏ⁾(x) itself appears
        var k = new Graph();
        var forwardMemo = new Dictionary<int, int>();
        int forward = k.Import(Graph, Roots[order], _ => null, forwardMemo);
        var rootNode = Graph[Roots[order]];
        var derivativeMemo = new Dictionary<int, int>();
        int derivative = k.Import(Graph, Roots[order + 1], n => n.Equals(rootNode) ? k.Y() : null, derivativeMemo);
        var hints = new Dictionary<int, string>();
        foreach (var pair in forwardMemo.Concat(derivativeMemo))
            if (Hints.TryGetValue(pair.Key, out var h) && !k[pair.Value].IsLeaf) hints[pair.Value] = h;
        bool vectorized = (order > 0 || Model.ScalarOnlyReason is null)
            && ExpressionWriter.IsVectorizable(Graph, Roots[order]) && ExpressionWriter.IsVectorizable(Graph, Roots[order + 1]);
        return new KernelGraph(k, forward, derivative, hints, vectorized);
    }
}

/// <summary>The graph of one kernel struct: its forward root, its derivative root (which may read y), the user's names, and whether it is vectorised.</summary>
internal sealed record KernelGraph(Graph Graph, int Forward, int Derivative, IReadOnlyDictionary<int, string> Hints, bool Vectorized);
