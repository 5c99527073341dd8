using System.Numerics;
using Google.Protobuf;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// The symbolics of the NumPy/PyTorch-style primitives (opset 17): Pow → Pow, Min → Min, Permute →
/// Transpose, Concat → Concat, Gather → Gather, a TakeAlong at the maxima or minima of its input (the
/// reductions <c>Max(axis)</c> and <c>Min(axis)</c>) → ReduceMax or ReduceMin, any other TakeAlong →
/// GatherElements, and the adjoints ScatterAdd and PutAlong → ScatterElements with reduction "add" into zeros.
/// Their indices become int64 initializers, so they must not change with the input (<see cref="CheckIndices"/>).
/// </summary>
internal static class TensorOpSymbolics
{
    public static string Pow<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string x, string scope) where T : IFloatingPointIeee754<T> =>
        w.Node("Pow", scope, [x, w.Initializer(w.Fresh($"exponent{n.Index}"), [n.Alpha], [])]);

    public static string Permute<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string x, string scope) where T : IFloatingPointIeee754<T> =>
        w.Node("Transpose", scope, [x], [OnnxGraphWriter<T>.IntsAttribute("perm", [.. n.Ints!.Select(a => (long)a)])]);

    public static string Concat<T>(OnnxGraphWriter<T> w, GraphNode<T> n, IEnumerable<string> inputs, string scope) where T : IFloatingPointIeee754<T> =>
        w.Node("Concat", scope, inputs, [OnnxGraphWriter<T>.IntAttribute("axis", n.Axis)]);

    public static string Gather<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string x, string scope) where T : IFloatingPointIeee754<T>
    {
        long[] indices = [.. n.Ints!.Select(i => (long)i)];
        return w.Node("Gather", scope, [x, w.Int64Initializer(w.Fresh("indices"), indices, indices.Length)], [OnnxGraphWriter<T>.IntAttribute("axis", n.Axis)]);
    }

    public static string TakeAlong<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string x, string scope) where T : IFloatingPointIeee754<T>
    {
        if (n.Offset is 1 or 2)
            return w.Node(n.Offset == 1 ? "ReduceMax" : "ReduceMin", n.Offset == 1 ? "/Max" : "/Min", [x],
                [OnnxGraphWriter<T>.IntsAttribute("axes", n.Axis), OnnxGraphWriter<T>.IntAttribute("keepdims", 1)]);
        return w.Node("GatherElements", scope, [x, w.Int64Initializer(w.Fresh("positions"), [.. n.Ints!.Select(p => (long)p)], n.Dims)],
            [OnnxGraphWriter<T>.IntAttribute("axis", n.Axis)]);
    }

    /// <summary>ScatterAdd: <c>z[…, idx[j], …] += g[…, j, …]</c>, each index repeated over g's other axes for ScatterElements.</summary>
    public static string ScatterAdd<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string g, int[] gDims, string scope) where T : IFloatingPointIeee754<T>
    {
        int inner = 1, count = gDims[n.Axis];
        for (int k = n.Axis + 1; k < gDims.Length; k++) inner *= gDims[k];
        var positions = new long[gDims.Aggregate(1, (p, d) => p * d)];
        for (int e = 0; e < positions.Length; e++) positions[e] = n.Ints![e / inner % count];
        return Scatter(w, n, g, positions, gDims, scope);
    }

    /// <summary>PutAlong: <c>z[…, p, …] += g[…]</c> at one position per element of g.</summary>
    public static string PutAlong<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string g, int[] gDims, string scope) where T : IFloatingPointIeee754<T> =>
        Scatter(w, n, g, [.. n.Ints!.Select(p => (long)p)], gDims, scope);

    private static string Scatter<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string g, long[] positions, int[] gDims, string scope) where T : IFloatingPointIeee754<T>
    {
        string zeros = w.Initializer(w.Fresh($"zeros{n.Index}"), new T[n.Dims.Aggregate(1, (p, d) => p * d)], n.Dims);
        var reduction = new AttributeProto { Name = "reduction", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("add") };
        return w.Node("ScatterElements", scope, [zeros, w.Int64Initializer(w.Fresh("positions"), positions, gDims), g],
            [OnnxGraphWriter<T>.IntAttribute("axis", n.Axis), reduction]);
    }

    /// <summary>
    /// Refuses indices that changed between two recordings on different inputs (other than a TakeAlong at
    /// the extremes, written as a reduction): they were computed from the input, which the graph cannot do.
    /// </summary>
    public static void CheckIndices<T>(IReadOnlyList<GraphNode<T>> a, IReadOnlyList<GraphNode<T>> b) where T : IFloatingPointIeee754<T>
    {
        for (int k = 0; k < a.Count; k++)
        {
            var (x, y) = (a[k], b[k]);
            if (x.Ints is null || (x.Op == Primitive.TakeAlong && x.Offset is 1 or 2)) continue;
            if (y.Ints is null || !x.Ints.AsSpan().SequenceEqual(y.Ints))
                throw new NotSupportedException(x.Op == Primitive.PutAlong
                    ? $"Node #{x.Index} (PutAlong, the gradient of a Max or Min over an axis) scatters to the positions of the input's maxima or minima, " +
                      "which change with the input; ONNX has no operation for that scatter here, so this gradient cannot be exported."
                    : $"Node #{x.Index} ({x.Op}) reads indices that change with the input (computed from it, with ArgMax say), so the ONNX graph cannot hold them as constants.");
        }
    }

    /// <summary>Nodes whose ONNX form holds their dimensions (zeros or positions of a fixed shape): the batch cannot vary through them.</summary>
    public static bool FixesItsDimensions<T>(GraphNode<T> n) where T : IFloatingPointIeee754<T> =>
        n.Op is Primitive.ScatterAdd or Primitive.PutAlong || (n.Op == Primitive.TakeAlong && n.Offset == 0);
}
