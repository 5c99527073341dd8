using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// One recorded tensor operation: what it is, what it reads, its attributes, and its value and adjoint
/// buffers (each slot keeps its buffers across resets, so re-recording the same graph allocates nothing).
/// Every op reads <see cref="A"/> (its first input) and most nothing else; the table says which op uses
/// which of the other fields:
/// <code>
///   B          second input: Add Sub Mul Div Max Min MatMul Where Conv2d*; Opaque: the adjoint it is linear in
///   C          Where: the condition (no gradient flows into it); MaxPool2d MaxUnpool2d: the recorded window positions
///   Inputs     Function Concat: every input, in order
///   Axis       SumAxis Slice Pad Concat Gather ScatterAdd TakeAlong PutAlong: the axis; Conv2d*: stride | dilation ≪ 16; pooling: the kernel size
///   Offset     Slice Pad: the window's start along Axis; TakeAlong: where its positions came from; Conv2d*: padding | groups ≪ 16; pooling: the stride
///   Alpha      Scale: the factor; Pow: the exponent
///   Ints       Permute: the axis order; Gather ScatterAdd: the indices; TakeAlong PutAlong: the positions
///   TransposeA/TransposeB   MatMul: use aᵀ / bᵀ (the rules of MatMul record these)
///   Function   Elementwise: its ElementwiseFunction; Function: its TensorFunction
/// </code>
/// </summary>
internal struct TensorNode<T>
{
    public TensorOp Op;
    public bool RequiresGrad;  // some tracked leaf reaches this node, so the sweeps give it an adjoint
    public bool TransposeA, TransposeB;
    public int A, B, C;        // input nodes, −1 where unused
    public int Axis;
    public int Offset;
    public T Alpha;
    public object? Function;
    public int[]? Inputs;      // this slot's input array, kept across resets (its length is the arity)
    public int[]? Ints;        // this slot's integer attributes (at least as long as the op needs), kept across resets
    public Shape Shape;
    public T[] Value;          // Value[..Shape.Length] is the value; may be shared (leaf, reshape)
    public T[]? OwnedValue;    // this slot's own buffer, kept across resets
    public T[]? Grad;          // this slot's adjoint buffer, kept across resets
    public int GradStamp;      // equals the tape's sweep stamp once Grad holds this sweep's adjoint
    public int[]? ShapeCache;  // the last non-inherited shape this slot had, reused when equal
}

/// <summary>
/// The tensor section of a <see cref="Tape"/> for one element type: the recorded nodes, their adjoint
/// buffers and the first-order reverse sweep. Each node's rules are its row of <see cref="TensorRules{T}"/>.
/// </summary>
internal sealed partial class TensorTape<T> : ITensorTape where T : IFloatingPointIeee754<T>
{
    internal TensorNode<T>[] Nodes = new TensorNode<T>[64];
    private int stamp, sweptUpTo = -1, sweptGeneration = -1;
    private T[] scratch = new T[64], scratch2 = new T[64], discard = new T[64];

    public TensorTape(Tape owner) => Owner = owner;

    public Tape Owner { get; }
    public int Count { get; private set; }

    /// <summary>Where each node was recorded; filled only in anomaly mode (<see cref="Tape.DetectAnomalies"/>).</summary>
    internal System.Diagnostics.StackTrace?[]? Traces;

    public void Reset()
    {
        if (Traces is not null) Array.Clear(Traces, 0, Math.Min(Count, Traces.Length));
        Count = 0;
    }

    /// <summary>Forgets the nodes from <paramref name="count"/> on (scratch work of the derivative drivers, whose handles never escape).</summary>
    public void Truncate(int count)
    {
        if (Traces is not null) Array.Clear(Traces, count, Math.Max(0, Math.Min(Count, Traces.Length) - count));
        Count = count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Shape ShapeOf(int i) => Nodes[i].Shape;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<T> ValueOf(int i) => Nodes[i].Value.AsSpan(0, Nodes[i].Shape.Length);

    public bool RequiresGrad(int i) => Nodes[i].RequiresGrad;

    /// <summary>Appends a node with its own value buffer of <paramref name="shape"/>'s length.</summary>
    public int Push(TensorOp op, Shape shape, int a = -1, int b = -1, bool requiresGrad = false, T[]? external = null)
    {
        Owner.ClaimRecording();
        int i = Count;
        if (i == Nodes.Length) Array.Resize(ref Nodes, i * 2);
        ref var n = ref Nodes[i];
        n.Op = Owner.IsRecording ? op : TensorOp.Constant;
        n.RequiresGrad = requiresGrad && Owner.IsRecording;
        n.A = a; n.B = b; n.C = -1;
        n.Axis = 0; n.Offset = 0; n.Alpha = T.Zero; n.Function = null;
        n.TransposeA = n.TransposeB = false;
        n.Shape = shape;
        if (external is not null) n.Value = external;
        else
        {
            if (n.OwnedValue is null || n.OwnedValue.Length < shape.Length) n.OwnedValue = new T[shape.Length];
            n.Value = n.OwnedValue;
        }
        n.GradStamp = 0;
        Count = i + 1;
        return i;
    }

    /// <summary>A shape for slot <see cref="Count"/> with dimensions <paramref name="dims"/>, reusing the slot's previous one when equal.</summary>
    public Shape NextShape(ReadOnlySpan<int> dims)
    {
        int i = Count;
        if (i == Nodes.Length) Array.Resize(ref Nodes, i * 2);
        ref var cache = ref Nodes[i].ShapeCache;
        if (cache is null || !dims.SequenceEqual(cache)) cache = dims.ToArray();
        return Shape.Own(cache);
    }

    /// <summary>
    /// The input array of the node about to be recorded (slot <see cref="Count"/>), with exactly
    /// <paramref name="count"/> elements, reused across resets when the count is the same.
    /// </summary>
    public int[] NextInputs(int count)
    {
        int i = Count;
        if (i == Nodes.Length) Array.Resize(ref Nodes, i * 2);
        ref var inputs = ref Nodes[i].Inputs;
        if (inputs is null || inputs.Length != count) inputs = new int[count];
        return inputs;
    }

    /// <summary>
    /// The integer attribute buffer (<see cref="TensorNode{T}.Ints"/>) of the node about to be recorded (slot
    /// <see cref="Count"/>), at least <paramref name="count"/> long, reused across resets.
    /// </summary>
    public int[] NextInts(int count)
    {
        int i = Count;
        if (i == Nodes.Length) Array.Resize(ref Nodes, i * 2);
        ref var ints = ref Nodes[i].Ints;
        if (ints is null || ints.Length < count) ints = new int[Math.Max(count, 1)];
        return ints;
    }

    public bool AnyRequiresGrad(int a, int b = -1) =>
        (a >= 0 && Nodes[a].RequiresGrad) || (b >= 0 && Nodes[b].RequiresGrad);

    /// <summary>The handle of a node just recorded (checked for NaN and ±∞ in anomaly mode).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Var<T> Handle(int i)
    {
        if (Owner.DetectAnomalies) Anomalies.OnRecorded(this, i);
        return new Var<T>(this, i, Owner.Generation);
    }

    /// <summary>A handle to a node recorded earlier, for the rules that read it.</summary>
    public Var<T> VarOf(int i) => new(this, i, Owner.Generation);

    public Var<T> Leaf(Tensor<T> value, bool requiresGrad)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Handle(Push(requiresGrad ? TensorOp.Leaf : TensorOp.Constant, value.Shape, requiresGrad: requiresGrad, external: value.Data));
    }

    /// <summary>A new constant of <paramref name="shape"/> whose values the caller writes (in full) into <paramref name="values"/>.</summary>
    public Var<T> NewConstant(Shape shape, out Span<T> values)
    {
        int i = Push(TensorOp.Constant, shape);
        values = Nodes[i].Value.AsSpan(0, shape.Length);
        return VarOf(i);
    }

    /// <summary>A constant of <paramref name="shape"/> with every element <paramref name="value"/>.</summary>
    public Var<T> Full(Shape shape, T value)
    {
        var v = NewConstant(shape, out var values);
        values.Fill(value);
        return v;
    }

    /// <summary>A rank-0 constant holding <paramref name="value"/>.</summary>
    public Var<T> ConstantValue(T value)
    {
        int i = Push(TensorOp.Constant, Shape.ScalarShape);
        Nodes[i].Value[0] = value;
        return Handle(i);
    }

    /// <summary>A scratch buffer of at least <paramref name="length"/> elements, kept across calls.</summary>
    public Span<T> Scratch(int length, int which = 0)
    {
        ref var s = ref which == 0 ? ref scratch : ref scratch2;
        if (s.Length < length) s = new T[Math.Max(length, s.Length * 2)];
        return s.AsSpan(0, length);
    }

    /// <summary>A buffer of <paramref name="length"/> elements whose contents nobody reads: the adjoint of an input that needs none.</summary>
    public Span<T> Discard(int length)
    {
        if (discard.Length < length) discard = new T[Math.Max(length, discard.Length * 2)];
        return discard.AsSpan(0, length);
    }

    /// <summary>
    /// The adjoint buffer of node <paramref name="i"/> in the current sweep, to add a contribution into:
    /// cleared the first time the sweep touches it.
    /// </summary>
    public Span<T> AdjointToAdd(int i)
    {
        ref var n = ref Nodes[i];
        int len = n.Shape.Length;
        if (n.Grad is null || n.Grad.Length < len) n.Grad = new T[len];
        var g = n.Grad.AsSpan(0, len);
        if (n.GradStamp != stamp)
        {
            g.Clear();
            n.GradStamp = stamp;
        }
        return g;
    }

    /// <summary>
    /// The adjoint buffer of node <paramref name="i"/>, not cleared: <paramref name="first"/> says it holds
    /// nothing of this sweep yet, and the caller must then write it in full (overwrite, saving a clearing
    /// pass); otherwise the caller adds to it.
    /// </summary>
    public Span<T> AdjointToWrite(int i, out bool first)
    {
        ref var n = ref Nodes[i];
        int len = n.Shape.Length;
        if (n.Grad is null || n.Grad.Length < len) n.Grad = new T[len];
        first = n.GradStamp != stamp;
        n.GradStamp = stamp;
        return n.Grad.AsSpan(0, len);
    }

    /// <summary><c>ī (+)= α·g·x</c> for node i, when it needs an adjoint.</summary>
    public void AddGradProduct(int i, ReadOnlySpan<T> g, ReadOnlySpan<T> x, T alpha)
    {
        if (!Nodes[i].RequiresGrad) return;
        var d = AdjointToWrite(i, out bool first);
        Kernels.Accumulate.Product(g, x, alpha, d, first);
    }

    /// <summary><c>ī (+)= α·g</c> for node i, when it needs an adjoint.</summary>
    public void AddGradScaled(int i, ReadOnlySpan<T> g, T alpha)
    {
        if (!Nodes[i].RequiresGrad) return;
        var d = AdjointToWrite(i, out bool first);
        Kernels.Accumulate.Scaled(g, alpha, d, first);
    }

    /// <summary>The finished gradient of node <paramref name="i"/> after the last sweep (zeros if the sweep did not reach it).</summary>
    public ReadOnlySpan<T> GradientAfterSweep(int i)
    {
        if (sweptGeneration != Owner.Generation || i > sweptUpTo)
            throw new InvalidOperationException("No gradient yet: call tape.Backward(output) on an output recorded after this value.");
        return AdjointToAdd(i);
    }

    /// <summary>
    /// The nodes whose adjoints node <paramref name="i"/> feeds, in the order its rules number them
    /// (a, then b; the inputs of a Function or Concat): the condition of Where gets none. <paramref name="pair"/> holds A and B.
    /// </summary>
    public ReadOnlySpan<int> GradInputs(int i, Span<int> pair)
    {
        ref var n = ref Nodes[i];
        if (n.Op is TensorOp.Constant or TensorOp.Leaf) return [];
        if (n.Op is TensorOp.Function or TensorOp.Concat) return n.Inputs;
        pair[0] = n.A;
        pair[1] = n.B;
        return pair[..(n.B >= 0 ? 2 : n.A >= 0 ? 1 : 0)];
    }

    /// <summary>The nodes that node <paramref name="i"/> reads, for diagnostics and graph exports (allocates).</summary>
    public int[] InputList(int i)
    {
        ref var n = ref Nodes[i];
        if (n.Op is TensorOp.Constant or TensorOp.Leaf) return [];
        if (n.Op is TensorOp.Function or TensorOp.Concat) return (int[])n.Inputs!.Clone();
        return new[] { n.A, n.B, n.C }.Where(k => k >= 0).ToArray();
    }

    /// <summary>
    /// The first-order reverse sweep from node <paramref name="top"/>, seeded with 1 or <paramref name="seed"/>:
    /// each reached node's fused <see cref="TensorRule{T}.Backward"/> adds into its inputs' adjoints.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Sweep(int top, ReadOnlySpan<T> seed)
    {
        stamp++;
        if (stamp == int.MaxValue) { stamp = 1; for (int j = 0; j < Count; j++) Nodes[j].GradStamp = 0; }
        var g0 = AdjointToWrite(top, out _);
        if (seed.IsEmpty) g0.Fill(T.One); else seed.CopyTo(g0);
        bool anomalies = Owner.DetectAnomalies;
        for (int i = top; i >= 0; i--)
        {
            ref var n = ref Nodes[i];
            if (n.GradStamp != stamp || !n.RequiresGrad || n.Op == TensorOp.Leaf) continue;
            TensorRules<T>.Of(n.Op).Backward(this, ref n, i, n.Grad.AsSpan(0, n.Shape.Length));
            if (anomalies) Anomalies.CheckGradients(this, i);
        }
        sweptUpTo = top;
        sweptGeneration = Owner.Generation;
    }
}
