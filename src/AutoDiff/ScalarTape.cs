using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoDiff;

/// <summary>
/// The scalar section of a <see cref="Tape"/>: float64 operations, each one node <c>i</c> as in the tensor
/// section (<see cref="TensorTape{T}"/>) — its <see cref="Op"/>, inputs <see cref="A"/> and <see cref="B"/>,
/// <see cref="Value"/> and adjoint <see cref="Grad"/> — but stored as columns (structure of arrays), because
/// a scalar op is a few nanoseconds and the sweep reads only what it needs: 25 bytes per operation.
/// Ops with a constant keep it in <see cref="Consts"/> (their B is its index); an n-ary custom function
/// keeps its inputs and partials in side columns. Each op's rules are its row in <see cref="ScalarRules"/>.
/// </summary>
internal sealed partial class ScalarTape
{
    // Node i: Op[i], A[i], B[i], Value[i], Grad[i]. B is the second input (two-input ops), the index of
    // the op's constant in Consts (×c, /c, xᶜ, Unary), or the start of a Function's side record; else −1.
    internal ScalarOp[] Op;
    internal int[] A, B;
    internal double[] Value, Grad;
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
        const int n = 256;
        Op = new ScalarOp[n]; A = new int[n]; B = new int[n];
        Value = new double[n]; Grad = new double[n];
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scalar Push(ScalarOp op, double value, int a, int b)
    {
        int i = Count;
        if ((uint)i >= (uint)Value.Length) Grow();
        if (SlowRecording) return PushSlow(op, value, a, b);
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Op), i) = op;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(A), i) = a;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(B), i) = b;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Value), i) = value;
        Count = i + 1;
        return new Scalar(this, i, Generation, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scalar PushWithConst(ScalarOp op, double value, int a, double c)
    {
        int k = constCount;
        if ((uint)k >= (uint)Consts.Length) GrowConsts();
        Consts[k] = c;
        constCount = k + 1;
        return Push(op, value, a, k);
    }

    /// <summary>A custom unary op: its derivative in the constants, its function object (or null) beside it.</summary>
    public Scalar PushUnary(double value, int a, double derivative, ElementwiseFunction<double>? function)
    {
        int k = constCount;
        if ((uint)k >= (uint)Consts.Length) GrowConsts();
        Consts[k] = derivative;
        UnaryFunctions[k] = function;
        constCount = k + 1;
        return Push(ScalarOp.Unary, value, a, k);
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
        return Push(ScalarOp.Opaque, value, origin, k);
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
        return Push(ScalarOp.Function, value, inputs[0].Index, start);
    }

    // Inside NoGrad (record a constant) or with anomaly detection on (check the value).
    private Scalar PushSlow(ScalarOp op, double value, int a, int b)
    {
        int i = Count;
        Op[i] = Owner.IsRecording ? op : ScalarOp.Constant;
        A[i] = a;
        B[i] = b;
        Value[i] = value;
        Count = i + 1;
        if (Owner.DetectAnomalies) Anomalies.OnRecorded(this, i, value);
        return new Scalar(this, i, Generation, value);
    }

    private void Grow()
    {
        int n = Value.Length * 2;
        Array.Resize(ref Op, n); Array.Resize(ref A, n); Array.Resize(ref B, n);
        Array.Resize(ref Value, n); Array.Resize(ref Grad, n);
    }

    private void GrowConsts()
    {
        Array.Resize(ref Consts, Consts.Length * 2);
        Array.Resize(ref UnaryFunctions, Consts.Length);
    }

    /// <summary>A handle to node <paramref name="i"/>, for the rules that read it.</summary>
    public Scalar Handle(int i) => new(this, i, Generation, Value[i]);

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
        var op = Op[i];
        if (op is ScalarOp.Constant or ScalarOp.Leaf) return [];
        if (op == ScalarOp.Function) return FnArgs.AsSpan(B[i] + 1, FnArgs[B[i]]);
        pair[0] = A[i];
        pair[1] = B[i];
        return pair[..(ScalarRules.HasTwoInputs(op) ? 2 : 1)];
    }

    /// <summary>
    /// The first-order reverse sweep from <paramref name="top"/>: the numeric form of every row of
    /// <see cref="ScalarRules"/>, fused (one line each; <c>FusedKernelTests</c> proves each equals its row).
    /// g is the output's adjoint, v its value, c the op's constant.
    /// </summary>
    public void Sweep(int top)
    {
        var grads = Grad.AsSpan(0, top + 1);
        grads.Clear();
        grads[top] = 1.0;
        ref ScalarOp op = ref MemoryMarshal.GetArrayDataReference(Op);
        ref int ia = ref MemoryMarshal.GetArrayDataReference(A);
        ref int ib = ref MemoryMarshal.GetArrayDataReference(B);
        ref double val = ref MemoryMarshal.GetArrayDataReference(Value);
        ref double grad = ref MemoryMarshal.GetArrayDataReference(Grad);
        var consts = Consts;
        bool anomalies = Owner.DetectAnomalies;
        for (int i = top; i >= 0; i--)
        {
            double g = Unsafe.Add(ref grad, i);
            if (g == 0.0) continue;
            var kind = Unsafe.Add(ref op, i);
            if (kind <= ScalarOp.Leaf) continue; // constants and leaves have no inputs (their a is −1)
            int a = Unsafe.Add(ref ia, i), b = Unsafe.Add(ref ib, i);
            ref double ga = ref Unsafe.Add(ref grad, a);
            switch (kind)
            {
                case ScalarOp.Add: ga += g; Unsafe.Add(ref grad, b) += g; break;
                case ScalarOp.Sub: ga += g; Unsafe.Add(ref grad, b) -= g; break;
                case ScalarOp.Mul: ga += g * Unsafe.Add(ref val, b); Unsafe.Add(ref grad, b) += g * Unsafe.Add(ref val, a); break;
                case ScalarOp.Div:
                {
                    double y = Unsafe.Add(ref val, b);
                    ga += g / y;
                    Unsafe.Add(ref grad, b) -= g * Unsafe.Add(ref val, i) / y; // d(x/y)/dy = -v/y
                    break;
                }
                case ScalarOp.Neg: ga -= g; break;
                case ScalarOp.AddConst: ga += g; break;
                case ScalarOp.SubFromConst: ga -= g; break;
                case ScalarOp.MulConst: ga += g * consts[b]; break;
                case ScalarOp.DivConst: ga += g / consts[b]; break;
                case ScalarOp.DivIntoConst: ga -= g * Unsafe.Add(ref val, i) / Unsafe.Add(ref val, a); break; // d(c/x) = -v/x
                case ScalarOp.PowConst:
                {
                    double c = consts[b];
                    if (c != 0.0) ga += g * c * Math.Pow(Unsafe.Add(ref val, a), c - 1.0);
                    break;
                }
                case ScalarOp.Exp: ga += g * Unsafe.Add(ref val, i); break;
                case ScalarOp.Log: ga += g / Unsafe.Add(ref val, a); break;
                case ScalarOp.Sqrt: ga += g * 0.5 / Unsafe.Add(ref val, i); break;
                case ScalarOp.Abs: ga += g * Math.Sign(Unsafe.Add(ref val, a)); break;
                // Max/Min: ties go to the first argument, so max(x, x) passes the whole gradient once.
                case ScalarOp.Max:
                    if (Unsafe.Add(ref val, a) >= Unsafe.Add(ref val, b)) ga += g; else Unsafe.Add(ref grad, b) += g;
                    break;
                case ScalarOp.Min:
                    if (Unsafe.Add(ref val, a) <= Unsafe.Add(ref val, b)) ga += g; else Unsafe.Add(ref grad, b) += g;
                    break;
                case ScalarOp.Unary: ga += g * consts[b]; break;
                case ScalarOp.Function:
                    for (int k = b + 1, end = b + 1 + FnArgs[b]; k < end; k++) Unsafe.Add(ref grad, FnArgs[k]) += g * FnPartials[k];
                    break;
                case ScalarOp.Opaque: throw ScalarRules.FirstOrderOnly(this, i);
                default: throw new InvalidOperationException($"Scalar op {kind} has no backward rule.");
            }
            if (anomalies) Anomalies.CheckGradients(this, i);
        }
        sweptUpTo = top;
        sweptGeneration = Generation;
    }
}
