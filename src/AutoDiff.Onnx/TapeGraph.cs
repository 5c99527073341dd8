using System.Numerics;

namespace AutoDiff.Onnx;

/// <summary>The primitives a recorded graph is made of, as the exporter sees them.</summary>
internal enum Primitive
{
    Input, Constant,
    Add, Sub, Mul, Div, Max, Neg, Scale,
    Exp, Log, Where,
    Sum, SumAxis, SumTo, BroadcastTo,
    Reshape, Transpose, Slice, Pad,
    MatMul, Elementwise, Function, Opaque,
    Pow, Min, Permute, Concat, Gather, ScatterAdd, TakeAlong, PutAlong,
    Conv, MaxPool, AveragePool,
}

/// <summary>
/// One recorded operation: its inputs (node indices; for Where the condition first), output dimensions
/// and attributes (<c>Axis</c> for SumAxis, Slice and Pad, <c>Offset</c> for Slice and Pad, <c>Alpha</c>
/// for Scale and Pow, <c>Function</c> for Elementwise and Function, <c>TransposeA</c>/<c>TransposeB</c> for a
/// MatMul of transposed operands, <c>Ints</c> for Permute (the axis order), Gather and ScatterAdd (the
/// indices along Axis), TakeAlong and PutAlong (one position along Axis per element of the smaller side;
/// a TakeAlong's Offset is 1 or 2 when they are the maxima or minima of its input); for Conv <c>Axis</c> =
/// stride | dilation ≪ 16 and <c>Offset</c> = padding | groups ≪ 16, for MaxPool and AveragePool <c>Axis</c> =
/// kernel and <c>Offset</c> = stride), its value, and for a constant the earlier node whose value buffer it
/// shares (a detached copy), or −1.
/// </summary>
internal sealed record GraphNode<T>(int Index, Primitive Op, int[] Inputs, int[] Dims, int Axis, int Offset, T Alpha, object? Function, T[] Value, int SharesValueOf,
    bool TransposeA = false, bool TransposeB = false, int[]? Ints = null) where T : IFloatingPointIeee754<T>;

/// <summary>
/// The one place that reads the tape's internals (<c>TensorTape</c>, <c>TensorNode</c>, <c>TensorOp</c>):
/// records a forward pass on a fresh tape and returns the nodes its output depends on, in recording
/// order. A change of the tape's layout changes this file only.
/// </summary>
internal static class TapeGraph
{
    /// <summary>Runs <paramref name="forward"/> on a constant input of <paramref name="values"/> shaped <paramref name="shape"/>.</summary>
    public static (List<GraphNode<T>> Nodes, int Output) Record<T>(Func<Tape, Var<T>, Var<T>> forward, Shape shape, T[] values) where T : IFloatingPointIeee754<T>
    {
        var tape = new Tape();
        var x = tape.Constant<T>(values, shape);
        var y = forward(tape, x);
        var t = tape.Check(y);
        var reachable = new SortedSet<int>();
        var stack = new Stack<int>([y.Index]);
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            if (reachable.Add(i)) foreach (int k in Inputs(t, i)) stack.Push(k);
        }
        var owners = new Dictionary<T[], int>(ReferenceEqualityComparer.Instance);
        var nodes = new List<GraphNode<T>>();
        for (int i = 0; i <= y.Index; i++)
        {
            ref var n = ref t.Nodes[i];
            owners.TryAdd(n.Value, i);
            if (!reachable.Contains(i)) continue;
            var op = i == x.Index ? Primitive.Input : Map(n.Op);
            // Var.MaxPool2d records its window positions (C) just before the pooling; a gather at positions
            // recorded elsewhere (a gradient through max pooling) is not a max pooling of its input.
            if (n.Op == TensorOp.MaxPool2d && n.C != i - 1)
                throw new NotSupportedException($"Node #{i} gathers at the window positions of an earlier max pooling (a gradient through MaxPool2d); ONNX has no such operation.");
            int[] inputs = op == Primitive.Where ? [n.C, n.A, n.B] : Inputs(t, i);
            int shares = op == Primitive.Constant && owners.TryGetValue(n.Value, out int owner) && owner != i ? owner : -1;
            int[]? ints = n.Op switch
            {
                TensorOp.Permute => n.Ints.AsSpan(0, n.Shape.Rank).ToArray(),
                TensorOp.Gather => n.Ints.AsSpan(0, n.Shape.Dims[n.Axis]).ToArray(),
                TensorOp.ScatterAdd => n.Ints.AsSpan(0, t.ShapeOf(n.A).Dims[n.Axis]).ToArray(),
                TensorOp.TakeAlong => n.Ints.AsSpan(0, n.Shape.Length).ToArray(),
                TensorOp.PutAlong => n.Ints.AsSpan(0, t.ShapeOf(n.A).Length).ToArray(),
                _ => null,
            };
            nodes.Add(new GraphNode<T>(i, op, inputs, n.Shape.Dims.ToArray(), n.Axis, n.Offset, n.Alpha, n.Function, t.ValueOf(i).ToArray(), shares, n.TransposeA, n.TransposeB, ints));
        }
        return (nodes, y.Index);
    }

    /// <summary>
    /// The node's inputs; a max pooling's is x alone: its window positions (C) are the argmax that the same
    /// call recorded from x just before it, which ONNX's MaxPool finds again.
    /// </summary>
    private static int[] Inputs<T>(TensorTape<T> t, int i) where T : IFloatingPointIeee754<T> =>
        t.Nodes[i].Op == TensorOp.MaxPool2d ? [t.Nodes[i].A] : t.InputList(i);

    private static Primitive Map(TensorOp op) => op switch
    {
        TensorOp.Constant or TensorOp.Leaf => Primitive.Constant,
        TensorOp.Add => Primitive.Add, TensorOp.Sub => Primitive.Sub, TensorOp.Mul => Primitive.Mul, TensorOp.Div => Primitive.Div,
        TensorOp.Max => Primitive.Max, TensorOp.Neg => Primitive.Neg, TensorOp.Scale => Primitive.Scale,
        TensorOp.Exp => Primitive.Exp, TensorOp.Log => Primitive.Log, TensorOp.Where => Primitive.Where,
        TensorOp.Sum => Primitive.Sum, TensorOp.SumAxis => Primitive.SumAxis, TensorOp.SumTo => Primitive.SumTo, TensorOp.BroadcastTo => Primitive.BroadcastTo,
        TensorOp.Reshape => Primitive.Reshape, TensorOp.Transpose => Primitive.Transpose, TensorOp.Slice => Primitive.Slice, TensorOp.Pad => Primitive.Pad,
        TensorOp.MatMul => Primitive.MatMul, TensorOp.Elementwise => Primitive.Elementwise, TensorOp.Function => Primitive.Function, TensorOp.Opaque => Primitive.Opaque,
        TensorOp.Pow => Primitive.Pow, TensorOp.Min => Primitive.Min, TensorOp.Permute => Primitive.Permute, TensorOp.Concat => Primitive.Concat,
        TensorOp.Gather => Primitive.Gather, TensorOp.ScatterAdd => Primitive.ScatterAdd, TensorOp.TakeAlong => Primitive.TakeAlong, TensorOp.PutAlong => Primitive.PutAlong,
        TensorOp.Conv2d => Primitive.Conv, TensorOp.MaxPool2d => Primitive.MaxPool, TensorOp.AvgPool2d => Primitive.AveragePool,
        _ => throw new NotSupportedException($"The tape operation {op} has no ONNX form."),
    };
}
