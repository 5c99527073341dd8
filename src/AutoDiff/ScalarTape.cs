using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoDiff;

/// <summary>
/// One recorded scalar operation y = op(a, b): its value, its partials ∂y/∂a and ∂y/∂b at the recorded
/// values (computed when it is recorded, by <see cref="ScalarRules.Numeric"/>), its inputs and its op, in one
/// 40-byte record, so recording writes one place and the sweep reads one place per operation.
/// </summary>
internal struct ScalarNode
{
    /// <summary>y.</summary>
    public double Value;
    /// <summary>∂y/∂a at the recorded values.</summary>
    public double PartialA;
    /// <summary>∂y/∂b for a two-input op; the op's constant c for ×c, /c and xᶜ.</summary>
    public double PartialB;
    /// <summary>The inputs (−1: none). B of Unary and Opaque is the index of their side record in Consts, of Function the start of its record in FnArgs.</summary>
    public int A, B;
    public ScalarOp Op;
}

/// <summary>
/// The scalar section of a <see cref="Tape"/>: float64 operations, each one node <c>i</c> as in the tensor
/// section (<see cref="TensorTape{T}"/>): a <see cref="ScalarNode"/> in <see cref="Nodes"/> and its adjoint in
/// <see cref="Grad"/>, a separate column because only the sweep uses it. A scalar op is a few
/// nanoseconds, so the layout is what its speed is: the partials are numbers stored at record time, and the
/// first-order sweep is one multiply-add per input with no per-op rule to choose. A custom unary op keeps
/// its derivative and function object in side columns (<see cref="Consts"/>, <see cref="UnaryFunctions"/>);
/// an n-ary custom function keeps its inputs and partials in <see cref="FnArgs"/> and <see cref="FnPartials"/>.
/// Each op's rules are its row in <see cref="ScalarRules"/>.
/// </summary>
internal sealed partial class ScalarTape
{
    internal ScalarNode[] Nodes;
    internal double[] Grad;
    internal double[] Consts;
    internal ElementwiseFunction<double>?[] UnaryFunctions; // Unary: its function object, beside its derivative in Consts
    // Function: at its B = start, FnArgs[start] = n, then its n inputs and (in FnPartials) their partials; its name at FnNames[start]
    internal int[] FnArgs;
    internal double[] FnPartials;
    internal string?[] FnNames;
    private int constCount, fnCount, sweptUpTo = -1, sweptGeneration = -1;

    /// <summary>Where each node was recorded; filled only in anomaly mode.</summary>
    internal System.Diagnostics.StackTrace?[]? Traces;

    public ScalarTape(Tape owner)
    {
        Owner = owner;
        Nodes = new ScalarNode[256];
        Grad = new double[256];
        Consts = new double[64]; UnaryFunctions = new ElementwiseFunction<double>?[64];
        FnArgs = new int[64]; FnPartials = new double[64]; FnNames = new string?[64];
    }

    public Tape Owner { get; }
    public int Count;

    /// <summary>The owner's <see cref="Tape.Generation"/>, kept here for the handle checks of every scalar op.</summary>
    internal int Generation;

    /// <summary>Inside NoGrad or in anomaly mode: ops take <see cref="PushSlow"/> (kept here, as the hot path reads it per op).</summary>
    internal bool SlowRecording;

    public void Reset()
    {
        Generation = Owner.Generation;
        if (Traces is not null) Array.Clear(Traces, 0, Math.Min(Count, Traces.Length));
        Count = 0;
        constCount = 0;
        fnCount = 0;
    }

    /// <summary>Where the recording is now, to <see cref="Truncate"/> back to.</summary>
    public (int Nodes, int Consts, int Functions) Mark() => (Count, constCount, fnCount);

    /// <summary>Forgets everything recorded since <paramref name="mark"/> (scratch work of the derivative drivers, whose handles never escape).</summary>
    public void Truncate((int Nodes, int Consts, int Functions) mark) => (Count, constCount, fnCount) = mark;

    /// <summary>A node with no inputs (a constant or a leaf).</summary>
    public Scalar PushInput(ScalarOp op, double value) => Push(op, value, -1, -1, 0, 0);

    /// <summary>A two-input op y = op(a, b), its partials from <see cref="ScalarRules.Numeric"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scalar Push(ScalarOp op, double y, Scalar a, Scalar b)
    {
        var (pa, pb) = ScalarRules.Numeric(op, a.V, b.V, y, 0);
        return Push(op, y, a.Index, b.Index, pa, pb);
    }

    /// <summary>A one-input op y = op(a), its partial from <see cref="ScalarRules.Numeric"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scalar Push(ScalarOp op, double y, Scalar a) => Push(op, y, a.Index, -1, ScalarRules.Numeric(op, a.V, 0, y, 0).A, 0);

    /// <summary>A one-input op with a constant, y = op(a, c): c is kept in the node's PartialB, the partial from <see cref="ScalarRules.Numeric"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scalar PushWithConst(ScalarOp op, double y, Scalar a, double c) => Push(op, y, a.Index, -1, ScalarRules.Numeric(op, a.V, 0, y, c).A, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Scalar Push(ScalarOp op, double value, int a, int b, double pa, double pb)
    {
        var nodes = Nodes;
        int i = Count;
        if ((uint)i >= (uint)nodes.Length || SlowRecording) return PushSlow(op, value, a, b, pa, pb);
        ref var n = ref nodes[i];
        n.Value = value;
        n.PartialA = pa;
        n.PartialB = pb;
        n.A = a;
        n.B = b;
        n.Op = op;
        Count = i + 1;
        return new Scalar(this, i, Generation, value);
    }

    /// <summary>A custom unary op: its derivative in the constants, its function object (or null) beside it.</summary>
    public Scalar PushUnary(double value, int a, double derivative, ElementwiseFunction<double>? function)
    {
        int k = constCount;
        if ((uint)k >= (uint)Consts.Length) GrowConsts();
        Consts[k] = derivative;
        UnaryFunctions[k] = function;
        constCount = k + 1;
        return Push(ScalarOp.Unary, value, a, k, derivative, 0);
    }

    /// <summary>
    /// A partial known only as a number (see <see cref="ScalarOp.Opaque"/>): the derivative of node
    /// <paramref name="origin"/>; <paramref name="reason"/> is the function whose own derivative is missing, if any.
    /// </summary>
    public Scalar PushOpaque(double value, int origin, ElementwiseFunction<double>? reason)
    {
        int k = constCount;
        if ((uint)k >= (uint)Consts.Length) GrowConsts();
        Consts[k] = double.NaN;
        UnaryFunctions[k] = reason;
        constCount = k + 1;
        return Push(ScalarOp.Opaque, value, origin, k, 0, 0);
    }

    /// <summary>An n-ary custom function: its inputs and partials go to the side columns, its B is where they start.</summary>
    public Scalar PushFunction(ReadOnlySpan<Scalar> inputs, double value, ReadOnlySpan<double> partials, string? name)
    {
        int start = fnCount, n = inputs.Length;
        if (start + n + 1 > FnArgs.Length)
        {
            int size = Math.Max(start + n + 1, FnArgs.Length * 2);
            Array.Resize(ref FnArgs, size); Array.Resize(ref FnPartials, size); Array.Resize(ref FnNames, size);
        }
        FnArgs[start] = n;
        FnNames[start] = name;
        for (int k = 0; k < n; k++)
        {
            FnArgs[start + 1 + k] = inputs[k].Index;
            FnPartials[start + 1 + k] = partials[k];
        }
        fnCount = start + n + 1;
        return Push(ScalarOp.Function, value, inputs[0].Index, start, 0, 0);
    }

    // The tape is full (grow it), we are inside NoGrad (record a constant) or anomaly detection is on (check the value).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Scalar PushSlow(ScalarOp op, double value, int a, int b, double pa, double pb)
    {
        int i = Count;
        if (i >= Nodes.Length)
        {
            Array.Resize(ref Nodes, Nodes.Length * 2);
            Array.Resize(ref Grad, Nodes.Length);
        }
        Nodes[i] = new ScalarNode { Value = value, PartialA = pa, PartialB = pb, A = a, B = b, Op = Owner.IsRecording ? op : ScalarOp.Constant };
        Count = i + 1;
        if (Owner.DetectAnomalies) Anomalies.OnRecorded(this, i, value);
        return new Scalar(this, i, Generation, value);
    }

    private void GrowConsts()
    {
        Array.Resize(ref Consts, Consts.Length * 2);
        Array.Resize(ref UnaryFunctions, Consts.Length);
    }

    /// <summary>A handle to node <paramref name="i"/>, for the rules that read it.</summary>
    public Scalar Handle(int i) => new(this, i, Generation, Nodes[i].Value);

    /// <summary>The finished gradient of <paramref name="s"/> after the last sweep (0 if the sweep did not reach it).</summary>
    public double GradientAfterSweep(Scalar s)
    {
        Check(s);
        return sweptGeneration == Generation && s.Index <= sweptUpTo ? Grad[s.Index] : 0.0;
    }

    public void Check(Scalar s, string what = "This Scalar")
    {
        if (s.Store is null) throw new InvalidOperationException($"{what} is default-initialised: it belongs to no tape.");
        if (s.Store != this) throw new InvalidOperationException($"{what} was recorded on another tape.");
        if (s.Generation != Generation)
            throw new InvalidOperationException($"{what} was recorded before Reset() (generation {s.Generation}; the tape is at generation {Generation}).");
    }

    /// <summary>The nodes whose adjoints node <paramref name="i"/> feeds, numbered as its rules number them; <paramref name="pair"/> holds A and B.</summary>
    public ReadOnlySpan<int> InputsOf(int i, Span<int> pair)
    {
        ref var n = ref Nodes[i];
        var op = n.Op;
        if (op is ScalarOp.Constant or ScalarOp.Leaf) return [];
        if (op == ScalarOp.Function) return FnArgs.AsSpan(n.B + 1, FnArgs[n.B]);
        pair[0] = n.A;
        pair[1] = n.B;
        return pair[..(ScalarRules.HasTwoInputs(op) ? 2 : 1)];
    }

    /// <summary>
    /// The first-order reverse sweep from <paramref name="top"/>: <c>ā += ȳ·∂y/∂a</c> and <c>b̄ += ȳ·∂y/∂b</c>
    /// (one fused multiply-add each) with the partials stored at record time (<see cref="ScalarRules.Numeric"/>,
    /// the numeric form of the rows of <see cref="ScalarRules"/>); Max and Min pass ȳ to the input their mask
    /// names, a Function to each of its inputs. The adjoint of node i − 1, the usual input of node i, is
    /// carried in a register rather than added in memory, so a chain of operations does not wait for each
    /// adjoint's store to reach the next load.
    /// </summary>
    public void Sweep(int top)
    {
        if (Owner.DetectAnomalies) { SweepChecked(top); return; }
        var grads = Grad.AsSpan(0, top + 1);
        grads.Clear();
        ref ScalarNode node = ref MemoryMarshal.GetArrayDataReference(Nodes);
        ref double grad = ref MemoryMarshal.GetReference(grads);
        double g = 1.0; // the adjoint of node i, complete: every later node has been swept
        for (int i = top; i > 0; i--)
        {
            Unsafe.Add(ref grad, i) = g;
            double next = Unsafe.Add(ref grad, i - 1); // node i − 1's adjoint so far; what node i adds to it stays here
            ref var n = ref Unsafe.Add(ref node, i);
            var kind = n.Op;
            if (g != 0.0 && kind > ScalarOp.Leaf)
            {
                if (kind <= ScalarOp.Unary)
                {
                    int a = n.A;
                    if (a == i - 1) next = Math.FusedMultiplyAdd(g, n.PartialA, next);
                    else Unsafe.Add(ref grad, a) = Math.FusedMultiplyAdd(g, n.PartialA, Unsafe.Add(ref grad, a));
                    if (kind <= ScalarOp.Div)
                    {
                        int b = n.B;
                        if (b == i - 1) next = Math.FusedMultiplyAdd(g, n.PartialB, next);
                        else Unsafe.Add(ref grad, b) = Math.FusedMultiplyAdd(g, n.PartialB, Unsafe.Add(ref grad, b));
                    }
                }
                else
                {
                    Unsafe.Add(ref grad, i - 1) = next;
                    SweepOther(kind, i, g);
                    next = Unsafe.Add(ref grad, i - 1);
                }
            }
            g = next;
        }
        if (top >= 0) Unsafe.Add(ref grad, 0) = g; // node 0 has no inputs
        sweptUpTo = top;
        sweptGeneration = Generation;
    }

    // The same sweep in memory only, checking every op's input adjoints as it goes (anomaly mode).
    private void SweepChecked(int top)
    {
        var grads = Grad.AsSpan(0, top + 1);
        grads.Clear();
        grads[top] = 1.0;
        for (int i = top; i >= 0; i--)
        {
            double g = Grad[i];
            ref var n = ref Nodes[i];
            var kind = n.Op;
            if (g == 0.0 || kind <= ScalarOp.Leaf) continue;
            if (kind <= ScalarOp.Unary)
            {
                Grad[n.A] = Math.FusedMultiplyAdd(g, n.PartialA, Grad[n.A]);
                if (kind <= ScalarOp.Div) Grad[n.B] = Math.FusedMultiplyAdd(g, n.PartialB, Grad[n.B]);
            }
            else SweepOther(kind, i, g);
            Anomalies.CheckGradients(this, i);
        }
        sweptUpTo = top;
        sweptGeneration = Generation;
    }

    // The ops whose rule is not a stored partial per input: Max/Min (all of ȳ to one input: a mask times an
    // infinite ȳ would give the other a NaN), Function (n inputs), Opaque (no first-order rule of its own).
    private void SweepOther(ScalarOp kind, int i, double g)
    {
        ref var n = ref Nodes[i];
        switch (kind)
        {
            case ScalarOp.Max or ScalarOp.Min:
                Grad[n.PartialA != 0 ? n.A : n.B] += g;
                break;
            case ScalarOp.Function:
                for (int k = n.B + 1, end = n.B + 1 + FnArgs[n.B]; k < end; k++) Grad[FnArgs[k]] = Math.FusedMultiplyAdd(g, FnPartials[k], Grad[FnArgs[k]]);
                break;
            case ScalarOp.Opaque: throw ScalarRules.FirstOrderOnly(this, i);
            default: throw new InvalidOperationException($"Scalar op {kind} has no backward rule.");
        }
    }
}
