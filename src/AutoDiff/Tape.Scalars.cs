using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoDiff;

// Scalar section of the tape: structure of arrays, 25 bytes per operation (op, two inputs,
// value, adjoint) plus 8 for the few ops that carry a constant (×c, /c, xᶜ, custom unary).
// An n-ary custom function (Scalar.Function) keeps its inputs and partials in side arrays.
public sealed partial class Tape
{
    /// <summary>Bytes of tape storage per scalar operation: op (1), two inputs (4 + 4), value (8), adjoint (8); ops with a constant add 8.</summary>
    public const int ScalarBytesPerOperation = sizeof(ScalarOp) + 2 * sizeof(int) + 2 * sizeof(double);

    private ScalarOp[] sOp = null!;
    private int[] sA = null!, sB = null!;
    private double[] sVal = null!, sGrad = null!, sConst = null!;
    private ElementwiseFunction<double>?[] sUnaryFns = null!; // Unary: the function object, beside its derivative in sConst
    // Function: at its b = start, sFnArgs[start] = n, then its n inputs and (in sFnPartials) their partials; its name at sFnNames[start]
    private int[] sFnArgs = null!;
    private double[] sFnPartials = null!;
    private string?[] sFnNames = null!;
    private int sFnCount;
    private System.Diagnostics.StackTrace?[]? sTraces; // recording sites, only in anomaly mode
    private int sCount, sConstCount, sweptUpTo = -1, sweptGeneration = -1;

    private void InitScalars()
    {
        const int n = 256;
        sOp = new ScalarOp[n]; sA = new int[n]; sB = new int[n];
        sVal = new double[n]; sGrad = new double[n]; sConst = new double[64]; sUnaryFns = new ElementwiseFunction<double>?[64];
        sFnArgs = new int[64]; sFnPartials = new double[64]; sFnNames = new string?[64];
    }

    /// <summary>A differentiable scalar leaf holding <paramref name="value"/>.</summary>
    public Scalar Variable(double value) => Record(IsRecording ? ScalarOp.Leaf : ScalarOp.Constant, value, -1, -1);

    /// <summary>A scalar constant: gradients do not flow into it.</summary>
    public Scalar Constant(double value) => Record(ScalarOp.Constant, value, -1, -1);

    /// <summary>Differentiable scalar leaves, one per value.</summary>
    public Scalar[] Variables(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var r = new Scalar[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Variable(values[i]);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Scalar Record(ScalarOp op, double value, int a, int b)
    {
        int i = sCount;
        if ((uint)i >= (uint)sVal.Length) GrowScalars();
        if (slowRecording) return RecordSlow(op, value, a, b);
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(sOp), i) = op;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(sA), i) = a;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(sB), i) = b;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(sVal), i) = value;
        sCount = i + 1;
        return new Scalar(this, i, Generation, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Scalar RecordWithConst(ScalarOp op, double value, int a, double c)
    {
        int k = sConstCount;
        if ((uint)k >= (uint)sConst.Length) GrowConsts();
        sConst[k] = c;
        sConstCount = k + 1;
        return Record(op, value, a, k);
    }

    /// <summary>A custom unary op: its derivative in the constants, its function object (or null) beside it.</summary>
    internal Scalar RecordUnary(double value, int a, double derivative, ElementwiseFunction<double>? function)
    {
        int k = sConstCount;
        if ((uint)k >= (uint)sConst.Length) GrowConsts();
        sConst[k] = derivative;
        sUnaryFns[k] = function;
        sConstCount = k + 1;
        return Record(ScalarOp.Unary, value, a, k);
    }

    private void GrowConsts()
    {
        Array.Resize(ref sConst, sConst.Length * 2);
        Array.Resize(ref sUnaryFns, sConst.Length);
    }

    /// <summary>An n-ary custom function: its inputs and partials go to the side arrays, its b is where they start.</summary>
    internal Scalar RecordFunction(ReadOnlySpan<Scalar> inputs, double value, ReadOnlySpan<double> partials, string? name)
    {
        int start = sFnCount, n = inputs.Length;
        if (start + n + 1 > sFnArgs.Length)
        {
            int size = Math.Max(start + n + 1, sFnArgs.Length * 2);
            Array.Resize(ref sFnArgs, size); Array.Resize(ref sFnPartials, size); Array.Resize(ref sFnNames, size);
        }
        sFnArgs[start] = n;
        sFnNames[start] = name;
        for (int k = 0; k < n; k++)
        {
            sFnArgs[start + 1 + k] = inputs[k].Index;
            sFnPartials[start + 1 + k] = partials[k];
        }
        sFnCount = start + n + 1;
        return Record(ScalarOp.Function, value, inputs[0].Index, start);
    }

    // Inside NoGrad (record a constant) or with anomaly detection on (check the value).
    private Scalar RecordSlow(ScalarOp op, double value, int a, int b)
    {
        int i = sCount;
        sOp[i] = noGradDepth != 0 ? ScalarOp.Constant : op;
        sA[i] = a;
        sB[i] = b;
        sVal[i] = value;
        sCount = i + 1;
        if (detectAnomalies) OnScalarRecorded(i, value);
        return new Scalar(this, i, Generation, value);
    }

    private void GrowScalars()
    {
        int n = sVal.Length * 2;
        Array.Resize(ref sOp, n); Array.Resize(ref sA, n); Array.Resize(ref sB, n);
        Array.Resize(ref sVal, n); Array.Resize(ref sGrad, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double ValueOf(int index) => sVal[index];

    internal double GradientAfterSweep(Scalar s)
    {
        Check(s);
        return sweptGeneration == Generation && s.Index <= sweptUpTo ? sGrad[s.Index] : 0.0;
    }

    internal void Check(Scalar s)
    {
        if (s.Tape is null) throw new InvalidOperationException("This Scalar is default-initialised: it belongs to no tape.");
        if (s.Tape != this) throw new InvalidOperationException("This Scalar was recorded on another tape.");
        if (s.Generation != Generation)
            throw new InvalidOperationException($"This Scalar was recorded before Reset() (generation {s.Generation}; the tape is at generation {Generation}).");
    }

    /// <summary>
    /// Reverse sweep from <paramref name="output"/>: afterwards <see cref="Scalar.Grad"/> of every
    /// scalar recorded before it holds ∂output/∂scalar.
    /// </summary>
    public void Backward(Scalar output)
    {
        Check(output);
        int top = output.Index;
        var grad = sGrad.AsSpan(0, top + 1);
        grad.Clear();
        grad[top] = 1.0;
        SweepScalars(top);
        sweptUpTo = top;
        sweptGeneration = Generation;
    }

    /// <summary>∂output/∂x for each x in <paramref name="wrt"/>.</summary>
    public double[] Gradient(Scalar output, params Scalar[] wrt)
    {
        ArgumentNullException.ThrowIfNull(wrt);
        foreach (var w in wrt) Check(w);
        Backward(output);
        var r = new double[wrt.Length];
        for (int i = 0; i < r.Length; i++) r[i] = sGrad[wrt[i].Index];
        return r;
    }

    // Every scalar backward rule, one line each: g is the output's adjoint, x and y the inputs'
    // values, v the output's value, c the op's constant.
    private void SweepScalars(int top)
    {
        ref ScalarOp op = ref MemoryMarshal.GetArrayDataReference(sOp);
        ref int ia = ref MemoryMarshal.GetArrayDataReference(sA);
        ref int ib = ref MemoryMarshal.GetArrayDataReference(sB);
        ref double val = ref MemoryMarshal.GetArrayDataReference(sVal);
        ref double grad = ref MemoryMarshal.GetArrayDataReference(sGrad);
        var consts = sConst;
        bool anomalies = detectAnomalies;
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
                case ScalarOp.Relu: if (Unsafe.Add(ref val, a) > 0.0) ga += g; break;
                case ScalarOp.Unary: ga += g * consts[b]; break;
                case ScalarOp.Function:
                    for (int k = b + 1, end = b + 1 + sFnArgs[b]; k < end; k++) Unsafe.Add(ref grad, sFnArgs[k]) += g * sFnPartials[k];
                    break;
                default: throw new InvalidOperationException($"Scalar op {kind} has no backward rule.");
            }
            if (anomalies) CheckScalarGradients(i, a, b);
        }
    }

    private void CheckScalarGradients(int i, int a, int b)
    {
        foreach (int k in ScalarInputs(i))
            if (!double.IsFinite(sGrad[k])) ThrowScalarAnomaly(i, $"gradient {sGrad[k]} for its input #{k}");
    }

    /// <summary>The input nodes of scalar op <paramref name="i"/> (none for constants and leaves).</summary>
    private int[] ScalarInputs(int i) => sOp[i] switch
    {
        ScalarOp.Constant or ScalarOp.Leaf => [],
        ScalarOp.Function => sFnArgs.AsSpan(sB[i] + 1, sFnArgs[sB[i]]).ToArray(),
        var op when HasTwoInputs(op) => [sA[i], sB[i]],
        _ => [sA[i]],
    };

    // Anomaly mode only: where op i was recorded, then the check of its value. Kept out of line so
    // that Record stays small and allocation-free when the mode is off.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnScalarRecorded(int i, double value)
    {
        Anomalies.Capture(ref sTraces, i, sVal.Length);
        if (!double.IsFinite(value)) ThrowScalarAnomaly(i, $"value {value}");
    }

    private void ThrowScalarAnomaly(int i, string what)
    {
        var trace = sTraces is not null && i < sTraces.Length ? sTraces[i] : null;
        string inputs = string.Join(", ", ScalarInputs(i).Select(k => $"#{k} = {sVal[k]}"));
        string name = sOp[i] == ScalarOp.Function ? $"Function({sFnNames[sB[i]] ?? DefaultFunctionName})" : sOp[i].ToString();
        throw new AnomalyException($"Scalar op {name} at tape position {i} (scalar inputs {(inputs.Length == 0 ? "none" : inputs)}) " +
            $"produced a non-finite {what}; {Anomalies.Site(trace)}.", name, i, trace);
    }

    internal const string DefaultFunctionName = "Scalar.Function";

    private static bool HasTwoInputs(ScalarOp op) => op is ScalarOp.Add or ScalarOp.Sub or ScalarOp.Mul or ScalarOp.Div or ScalarOp.Max or ScalarOp.Min;
}
