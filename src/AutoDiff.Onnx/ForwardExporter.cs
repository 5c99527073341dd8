using System.Numerics;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// A recorded forward pass as ONNX, torch.onnx style: record it, walk the graph once, one small
/// symbolic function per primitive. What does not depend on the input is folded into initializers.
/// The pass is recorded three times — twice on different random inputs of the given shape, once with
/// one more row — to find values computed from the input outside the tape's record (the detached
/// maximum inside Softmax and LogSumExp is recognised and written as ReduceMax; a detached copy as
/// Identity; anything else is refused) and to decide whether the first axis is a batch that may vary.
/// </summary>
internal static class ForwardExporter
{
    public static ModelProto Model<T>(Func<Tape, Var<T>, Var<T>> forward, Shape input) where T : IFloatingPointIeee754<T>
    {
        var a = Record(forward, input, seed: 1);
        var b = Record(forward, input, seed: 2);
        if (!SameStructure(a, b, sameBatch: true))
            throw new NotSupportedException($"The forward pass records a different graph for different inputs of shape {input} (control flow that depends on the values?), so it has no single ONNX graph.");
        TensorOpSymbolics.CheckIndices(a.Nodes, b.Nodes);
        var derived = InputDerivedConstants(a, b);
        var live = Dependents(a, derived);
        var c = input.Rank > 0 ? BatchOfOneMore(forward, input, a, live) : null;
        return Write(a, b, c, live);
    }

    private sealed record Recording<T>(List<GraphNode<T>> Nodes, int Output, Dictionary<int, GraphNode<T>> ByIndex) where T : IFloatingPointIeee754<T>;

    private static Recording<T> Record<T>(Func<Tape, Var<T>, Var<T>> forward, Shape shape, int seed) where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[shape.Length];
        for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(0.25 + 1.5 * random.NextDouble()); // positive: Log and Sqrt stay defined
        var (nodes, output) = TapeGraph.Record(forward, shape, values);
        return new Recording<T>(nodes, output, nodes.ToDictionary(n => n.Index));
    }

    /// <summary>Same operations on the same nodes with the same attributes (and, for one batch size, dimensions).</summary>
    private static bool SameStructure<T>(Recording<T> a, Recording<T> b, bool sameBatch) where T : IFloatingPointIeee754<T>
    {
        if (a.Nodes.Count != b.Nodes.Count || a.Output != b.Output) return false;
        for (int k = 0; k < a.Nodes.Count; k++)
        {
            var (x, y) = (a.Nodes[k], b.Nodes[k]);
            if (x.Index != y.Index || x.Op != y.Op || !x.Inputs.SequenceEqual(y.Inputs) || x.Axis != y.Axis || x.Offset != y.Offset
                || x.Alpha != y.Alpha || !SameFunction(x.Function, y.Function) || x.Dims.Length != y.Dims.Length
                || x.TransposeA != y.TransposeA || x.TransposeB != y.TransposeB) return false;
            if (sameBatch && !x.Dims.SequenceEqual(y.Dims)) return false;
        }
        return true;
    }

    /// <summary>The same function object, or one of the same class and name (a parameterised activation made afresh per call).</summary>
    private static bool SameFunction(object? f, object? g) => ReferenceEquals(f, g)
        || (f is not null && g is not null && f.GetType() == g.GetType() && FunctionName(f) == FunctionName(g));

    private static string? FunctionName(object f) => f switch
    {
        ElementwiseFunction<float> e => e.Name, ElementwiseFunction<double> e => e.Name,
        TensorFunction<float> e => e.Name, TensorFunction<double> e => e.Name,
        _ => null,
    };

    /// <summary>Constants whose values changed with the input: computed from it outside the tape's record.</summary>
    private static HashSet<int> InputDerivedConstants<T>(Recording<T> a, Recording<T> b) where T : IFloatingPointIeee754<T>
    {
        var derived = new HashSet<int>();
        for (int k = 0; k < a.Nodes.Count; k++)
            if (a.Nodes[k].Op == Primitive.Constant && !a.Nodes[k].Value.AsSpan().SequenceEqual(b.Nodes[k].Value)) derived.Add(a.Nodes[k].Index);
        return derived;
    }

    /// <summary>
    /// The recording with one more row when it is the same graph whose dimensions differ only where the
    /// batch flows (no folded constant changes, every reshape has at most one such dimension): then the
    /// first axis is a batch of any size. Null when it is not.
    /// </summary>
    private static Recording<T>? BatchOfOneMore<T>(Func<Tape, Var<T>, Var<T>> forward, Shape input, Recording<T> a, HashSet<int> live) where T : IFloatingPointIeee754<T>
    {
        var dims = input.Dims.ToArray();
        dims[0]++;
        Recording<T> c;
        try { c = Record(forward, new Shape(dims), seed: 1); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return null; }
        if (!SameStructure(a, c, sameBatch: false)) return null;
        for (int k = 0; k < a.Nodes.Count; k++)
        {
            var (x, y) = (a.Nodes[k], c.Nodes[k]);
            if (!live.Contains(x.Index) && (!x.Dims.SequenceEqual(y.Dims) || !x.Value.AsSpan().SequenceEqual(y.Value))) return null;
            if (x.Op == Primitive.Reshape && x.Dims.Zip(y.Dims).Count(p => p.First != p.Second) > 1) return null;
            if (x.Op is Primitive.BroadcastTo or Primitive.SumTo && !x.Dims.SequenceEqual(y.Dims)) return null; // written with fixed dimensions
            if (TensorOpSymbolics.FixesItsDimensions(x) && (!x.Dims.SequenceEqual(y.Dims) || !x.Ints.AsSpan().SequenceEqual(y.Ints))) return null;
            if (x.Op == Primitive.Gather && !x.Ints.AsSpan().SequenceEqual(y.Ints)) return null;
        }
        return c;
    }

    /// <summary>The nodes that depend on the input: through recorded operations or, for <paramref name="derived"/> constants, outside them.</summary>
    private static HashSet<int> Dependents<T>(Recording<T> t, HashSet<int> derived) where T : IFloatingPointIeee754<T>
    {
        var live = new HashSet<int>();
        foreach (var n in t.Nodes)
            if (n.Op == Primitive.Input || derived.Contains(n.Index) || n.Inputs.Any(live.Contains)) live.Add(n.Index);
        return live;
    }

    /// <summary>
    /// The graph of recording <paramref name="a"/>; <paramref name="b"/> is a second recording on another
    /// input, <paramref name="c"/> one with one more row (null: the batch is fixed); <paramref name="live"/> the nodes that depend on the input.
    /// </summary>
    private static ModelProto Write<T>(Recording<T> a, Recording<T> b, Recording<T>? c, HashSet<int> live) where T : IFloatingPointIeee754<T>
    {
        var w = new OnnxGraphWriter<T>("AutoDiff.Forward");
        var names = new Dictionary<int, string>();
        int batch = a.Nodes[0].Op == Primitive.Input && a.Nodes[0].Dims.Length > 0 ? a.Nodes[0].Dims[0] : -1;
        // A dimension that changes with the batch is N when it is the batch, unknown (−2) otherwise.
        int[] Dims(GraphNode<T> n) => c is null ? n.Dims
            : [.. n.Dims.Select((d, k) => d == c.ByIndex[n.Index].Dims[k] ? d : d == batch ? -1 : -2)];
        int[] Target(GraphNode<T> n) => [.. Dims(n).Select(d => d < 0 ? -1 : d)];
        string Int64s(string stem, params long[] values) => w.Int64Initializer(w.Fresh(stem), values, values.Length);

        foreach (var n in a.Nodes)
        {
            string scope = $"/{n.Op}";
            string In(int k) => names[n.Inputs[k]];
            string Transposed(bool transpose, int k) => !transpose ? In(k)
                : w.Node("Transpose", scope, [In(k)], [OnnxGraphWriter<T>.IntsAttribute("perm", [.. SwapLastTwo(a.ByIndex[n.Inputs[k]].Dims.Length)])]);
            if (n.Op == Primitive.Input) { names[n.Index] = w.Input("input", Dims(n)); continue; }
            if (!live.Contains(n.Index))
            {
                names[n.Index] = w.Initializer(w.Fresh($"const{n.Index}"), n.Value, n.Dims);
                continue;
            }
            names[n.Index] = n.Op switch
            {
                Primitive.Constant => Derived(w, a, b, n, live, names),
                Primitive.Add or Primitive.Sub or Primitive.Mul or Primitive.Div or Primitive.Max or Primitive.Min => w.Node(n.Op.ToString(), scope, [In(0), In(1)]),
                Primitive.MatMul => w.Node("MatMul", scope, [Transposed(n.TransposeA, 0), Transposed(n.TransposeB, 1)]),
                Primitive.Neg or Primitive.Exp or Primitive.Log => w.Node(n.Op.ToString(), scope, [In(0)]),
                Primitive.Scale => w.Node("Mul", scope, [In(0), w.Initializer(w.Fresh($"const{n.Index}"), [n.Alpha], [])]),
                Primitive.Where => w.Node("Where", scope, [w.Node("Cast", scope, [In(0)], [OnnxGraphWriter<T>.IntAttribute("to", OnnxTensors.Bool)]), In(1), In(2)]),
                Primitive.Sum => w.Node("ReduceSum", scope, [In(0)], [OnnxGraphWriter<T>.IntAttribute("keepdims", 0)]),
                Primitive.SumAxis => w.Node("ReduceSum", scope, [In(0), Int64s("axes", n.Axis)],
                    [OnnxGraphWriter<T>.IntAttribute("keepdims", n.Dims.Length == a.ByIndex[n.Inputs[0]].Dims.Length ? 1 : 0)]),
                Primitive.Reshape => w.Node("Reshape", scope, [In(0), Int64s("shape", [.. Target(n).Select(d => (long)d)])]),
                Primitive.Transpose => w.Node("Transpose", scope, [In(0)], [OnnxGraphWriter<T>.IntsAttribute("perm", [.. SwapLastTwo(n.Dims.Length)])]),
                Primitive.Slice => w.Node("Slice", scope, [In(0), Int64s("starts", n.Offset), Int64s("ends", n.Offset + n.Dims[n.Axis]), Int64s("axes", n.Axis)]),
                Primitive.Pad => w.Node("Pad", scope, [In(0), Int64s("pads", [.. Pads(n, a.ByIndex[n.Inputs[0]].Dims)])]),
                Primitive.BroadcastTo => w.Node("Expand", scope, [In(0), Int64s("shape", [.. n.Dims.Select(d => (long)d)])]),
                Primitive.SumTo => SumTo(w, n, a.ByIndex[n.Inputs[0]].Dims, In(0), scope),
                Primitive.Pow => TensorOpSymbolics.Pow(w, n, In(0), scope),
                Primitive.Permute => TensorOpSymbolics.Permute(w, n, In(0), scope),
                Primitive.Concat => TensorOpSymbolics.Concat(w, n, n.Inputs.Select(k => names[k]), scope),
                Primitive.Gather => TensorOpSymbolics.Gather(w, n, In(0), scope),
                Primitive.TakeAlong => TensorOpSymbolics.TakeAlong(w, n, In(0), scope),
                Primitive.ScatterAdd => TensorOpSymbolics.ScatterAdd(w, n, In(0), a.ByIndex[n.Inputs[0]].Dims, scope),
                Primitive.PutAlong => TensorOpSymbolics.PutAlong(w, n, In(0), a.ByIndex[n.Inputs[0]].Dims, scope),
                Primitive.Opaque => throw new NotSupportedException(
                    $"Node #{n.Index} is a derivative known only to first order (of an activation or TensorFunction without a rule in tape operations); ONNX cannot compute it."),
                Primitive.Conv => ConvolutionSymbolics.Conv(w, n, In(0), In(1), a.ByIndex[n.Inputs[1]].Dims, scope),
                Primitive.MaxPool or Primitive.AveragePool => ConvolutionSymbolics.Pool(w, n, In(0), scope),
                Primitive.Elementwise => ActivationSymbolics.Export(w, (ElementwiseFunction<T>)n.Function!, In(0), $"/{Stem(n)}"),
                Primitive.Function => throw new NotSupportedException(
                    $"The user-defined tensor function '{((TensorFunction<T>)n.Function!).Name}' (node #{n.Index}) has no ONNX form: a TensorFunction computes on spans, which ONNX cannot express."),
                _ => throw new NotSupportedException($"The tape operation {n.Op} has no ONNX form."),
            };
        }
        var output = a.ByIndex[a.Output];
        string result = names[a.Output];
        if (!live.Contains(a.Output) || output.Op == Primitive.Input) result = w.Node("Identity", "", [result]);
        w.Output(result, "output", Dims(output));
        return w.Build();
    }

    private static string Stem<T>(GraphNode<T> n) where T : IFloatingPointIeee754<T>
    {
        string name = ((ElementwiseFunction<T>)n.Function!).Name;
        int k = 0;
        while (k < name.Length && char.IsAsciiLetterOrDigit(name[k])) k++;
        return k == 0 ? "Activation" : name[..k];
    }

    /// <summary>Pad's pads for the adjoint of a slice: the input's window placed at Offset along Axis, zeros around it.</summary>
    private static IEnumerable<long> Pads<T>(GraphNode<T> n, int[] input) where T : IFloatingPointIeee754<T>
    {
        for (int k = 0; k < n.Dims.Length; k++) yield return k == n.Axis ? n.Offset : 0;
        for (int k = 0; k < n.Dims.Length; k++) yield return k == n.Axis ? n.Dims[k] - n.Offset - input[k] : 0;
    }

    /// <summary>
    /// The sum of <paramref name="x"/> over the axes along which it was broadcast to reach its input's
    /// dimensions: its leading extra axes and those where the target has size 1 (ReduceSum keeping them,
    /// then Reshape to the target).
    /// </summary>
    private static string SumTo<T>(OnnxGraphWriter<T> w, GraphNode<T> n, int[] input, string x, string scope) where T : IFloatingPointIeee754<T>
    {
        // Every axis where the target has size 1, even one where this recording's input has size 1 too: a batch
        // of one here may be a batch of many when the graph runs (summing one element changes nothing).
        int extra = input.Length - n.Dims.Length;
        var axes = Enumerable.Range(0, input.Length).Where(k => k < extra || n.Dims[k - extra] == 1).Select(k => (long)k).ToArray();
        string summed = axes.Length == 0 ? x
            : w.Node("ReduceSum", scope, [x, w.Int64Initializer(w.Fresh("axes"), axes, axes.Length)], [OnnxGraphWriter<T>.IntAttribute("keepdims", 1)]);
        return w.Node("Reshape", scope, [summed, w.Int64Initializer(w.Fresh("shape"), [.. n.Dims.Select(d => (long)d)], n.Dims.Length)]);
    }

    private static IEnumerable<long> SwapLastTwo(int rank)
    {
        for (int k = 0; k < rank - 2; k++) yield return k;
        yield return rank - 1;
        yield return rank - 2;
    }

    /// <summary>
    /// A constant computed from the input outside the record: a detached copy of an earlier node
    /// (Identity, or Reshape to its dimensions), or the detached maximum over one axis (Softmax,
    /// LogSumExp: ReduceMax keeping the axis), recognised by its values in both recordings.
    /// </summary>
    private static string Derived<T>(OnnxGraphWriter<T> w, Recording<T> a, Recording<T> b, GraphNode<T> n, HashSet<int> live, Dictionary<int, string> names)
        where T : IFloatingPointIeee754<T>
    {
        if (n.SharesValueOf >= 0 && live.Contains(n.SharesValueOf))
        {
            var source = a.ByIndex.GetValueOrDefault(n.SharesValueOf);
            if (source is not null && names.TryGetValue(source.Index, out string? copied))
                return source.Dims.SequenceEqual(n.Dims) ? w.Node("Identity", "/Detach", [copied])
                    : w.Node("Reshape", "/Detach", [copied, w.Int64Initializer(w.Fresh("shape"), [.. n.Dims.Select(d => (long)d)], n.Dims.Length)]);
        }
        foreach (var x in a.Nodes)
        {
            if (x.Index >= n.Index) break;
            if (!live.Contains(x.Index) || x.Dims.Length != n.Dims.Length) continue;
            for (int axis = 0; axis < x.Dims.Length; axis++)
                if (n.Dims[axis] == 1 && IsDetachedMax(x, n, axis) && IsDetachedMax(b.ByIndex[x.Index], b.ByIndex[n.Index], axis))
                    return w.Node("ReduceMax", "/Max", [names[x.Index]], [OnnxGraphWriter<T>.IntsAttribute("axes", axis), OnnxGraphWriter<T>.IntAttribute("keepdims", 1)]);
        }
        throw new NotSupportedException(
            $"Node #{n.Index} (a constant of shape {OnnxTensors.Format(n.Dims)}) changes with the input but was computed from it outside the tape's record " +
            "(Var.Greater's mask, say), so the ONNX graph cannot compute it.");
    }

    /// <summary>True when <paramref name="m"/> holds the maximum of <paramref name="x"/> over <paramref name="axis"/> (non-finite maxima as 0).</summary>
    private static bool IsDetachedMax<T>(GraphNode<T> x, GraphNode<T> m, int axis) where T : IFloatingPointIeee754<T>
    {
        for (int k = 0; k < x.Dims.Length; k++) if (k != axis && x.Dims[k] != m.Dims[k]) return false;
        int outer = x.Dims[..axis].Aggregate(1, (p, d) => p * d), len = x.Dims[axis], inner = x.Dims[(axis + 1)..].Aggregate(1, (p, d) => p * d);
        if (len == 0) return false;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                T max = x.Value[o * len * inner + i];
                for (int j = 1; j < len; j++) max = T.Max(max, x.Value[(o * len + j) * inner + i]);
                if (!T.IsFinite(max)) max = T.Zero;
                if (max != m.Value[o * inner + i]) return false;
            }
        return true;
    }
}
