using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>One recorded tensor operation: inputs, attributes, value and adjoint buffers (reused across resets).</summary>
internal struct TensorNode<T>
{
    public TensorOp Op;
    public bool RequiresGrad;
    public int A, B, C;
    public int Axis;
    public int Offset;         // Slice: the window's start along Axis
    public T Alpha;
    public object? Function;
    public Shape Shape;
    public T[] Value;          // Value[..Shape.Length] is the value; may be shared (leaf, reshape)
    public T[]? OwnedValue;    // this slot's own buffer, kept across resets
    public T[]? Grad;          // this slot's adjoint buffer, kept across resets
    public int GradStamp;      // equals the tape's sweep stamp once Grad holds this sweep's adjoint
    public int[]? ShapeCache;  // the last non-inherited shape this slot had, reused when equal
}

/// <summary>The tensor section of a <see cref="Tape"/> for one element type.</summary>
internal sealed class TensorTape<T> : ITensorTape where T : IFloatingPointIeee754<T>
{
    internal TensorNode<T>[] Nodes = new TensorNode<T>[64];
    private int stamp, sweptUpTo = -1, sweptGeneration = -1;
    private T[] scratch = new T[64], scratch2 = new T[64];

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

    public bool AnyRequiresGrad(int a, int b = -1) =>
        (a >= 0 && Nodes[a].RequiresGrad) || (b >= 0 && Nodes[b].RequiresGrad);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Var<T> Handle(int i)
    {
        if (Owner.DetectAnomalies) Anomalies.OnRecorded(this, i);
        return new Var<T>(this, i, Owner.Generation);
    }

    public Var<T> Leaf(Tensor<T> value, bool requiresGrad)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Handle(Push(requiresGrad ? TensorOp.Leaf : TensorOp.Constant, value.Shape, requiresGrad: requiresGrad, external: value.Data));
    }

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

    /// <summary>The adjoint buffer of node <paramref name="i"/> for the current sweep, zeroed on first touch.</summary>
    public Span<T> GradOf(int i)
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
    /// The adjoint buffer of node <paramref name="i"/>, not cleared: <paramref name="fresh"/> says this is
    /// its first contribution in the sweep, which the caller must then write in full (no clearing pass).
    /// </summary>
    public Span<T> GradFor(int i, out bool fresh)
    {
        ref var n = ref Nodes[i];
        int len = n.Shape.Length;
        if (n.Grad is null || n.Grad.Length < len) n.Grad = new T[len];
        fresh = n.GradStamp != stamp;
        n.GradStamp = stamp;
        return n.Grad.AsSpan(0, len);
    }

    /// <summary><c>ī (+)= α·g·x</c> for node i, when it needs an adjoint.</summary>
    public void AddGradProduct(int i, ReadOnlySpan<T> g, ReadOnlySpan<T> x, T alpha)
    {
        if (!Nodes[i].RequiresGrad) return;
        var d = GradFor(i, out bool fresh);
        Kernels.Accumulate.Product(g, x, alpha, d, fresh);
    }

    /// <summary><c>ī (+)= α·g</c> for node i, when it needs an adjoint.</summary>
    public void AddGradScaled(int i, ReadOnlySpan<T> g, T alpha)
    {
        if (!Nodes[i].RequiresGrad) return;
        var d = GradFor(i, out bool fresh);
        Kernels.Accumulate.Scaled(g, alpha, d, fresh);
    }

    /// <summary>The adjoint of node <paramref name="i"/> after the last sweep (zeros if it was not reached).</summary>
    public ReadOnlySpan<T> FinalGrad(int i)
    {
        if (sweptGeneration != Owner.Generation || i > sweptUpTo)
            throw new InvalidOperationException("No gradient yet: call tape.Backward(output) on an output recorded after this value.");
        return GradOf(i);
    }

    /// <summary>One reverse sweep from node <paramref name="top"/>, seeded with 1 or <paramref name="seed"/>.</summary>
    public void Sweep(int top, ReadOnlySpan<T> seed)
    {
        stamp++;
        if (stamp == int.MaxValue) { stamp = 1; for (int j = 0; j < Count; j++) Nodes[j].GradStamp = 0; }
        var g0 = GradFor(top, out _);
        if (seed.IsEmpty) g0.Fill(T.One); else seed.CopyTo(g0);
        bool anomalies = Owner.DetectAnomalies;
        for (int i = top; i >= 0; i--)
        {
            ref var n = ref Nodes[i];
            if (n.GradStamp != stamp || !n.RequiresGrad) continue;
            ReadOnlySpan<T> g = n.Grad.AsSpan(0, n.Shape.Length);
            switch (n.Op)
            {
                case TensorOp.Constant: case TensorOp.Leaf: break;
                case TensorOp.Add: case TensorOp.Sub: case TensorOp.Mul: case TensorOp.Div: case TensorOp.Max:
                    ArithmeticOps.BackwardBinary(this, ref n, i, g); break;
                case TensorOp.Neg: ArithmeticOps.BackwardNeg(this, ref n, g); break;
                case TensorOp.Scale: ArithmeticOps.BackwardScale(this, ref n, g); break;
                case TensorOp.Exp: ExponentialOps.BackwardExp(this, ref n, g); break;
                case TensorOp.Log: ExponentialOps.BackwardLog(this, ref n, g); break;
                case TensorOp.Where: SelectionOps.BackwardWhere(this, ref n, g); break;
                case TensorOp.Sum: ReductionOps.BackwardSum(this, ref n, g); break;
                case TensorOp.SumAxis: ReductionOps.BackwardSumAxis(this, ref n, g); break;
                case TensorOp.Reshape: LayoutOps.BackwardReshape(this, ref n, g); break;
                case TensorOp.Transpose: LayoutOps.BackwardTranspose(this, ref n, g); break;
                case TensorOp.Slice: LayoutOps.BackwardSlice(this, ref n, g); break;
                case TensorOp.MatMul: MatMulOps.Backward(this, ref n, g); break;
                case TensorOp.Elementwise: ElementwiseOps.Backward(this, ref n, g); break;
                case TensorOp.Conv2d: ConvolutionOps.Backward(this, ref n, g); break;
                case TensorOp.MaxPool2d: PoolingOps.BackwardMax(this, ref n, g); break;
                case TensorOp.AvgPool2d: PoolingOps.BackwardAvg(this, ref n, g); break;
                default: throw new InvalidOperationException($"Tensor op {n.Op} has no backward rule.");
            }
            if (anomalies) Anomalies.CheckGradients(this, i);
        }
        sweptUpTo = top;
        sweptGeneration = Owner.Generation;
    }

}
