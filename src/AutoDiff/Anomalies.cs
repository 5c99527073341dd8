using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// The checks behind <see cref="Tape.DetectAnomalies"/>: the recording site of each operation (a
/// stack trace, captured only in that mode) and the search for NaN and ±∞ in values and gradients.
/// </summary>
internal static class Anomalies
{
    /// <summary>Anomaly mode, after a tensor op is recorded: keeps where it was recorded, then checks its value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OnRecorded<T>(TensorTape<T> t, int i) where T : IFloatingPointIeee754<T>
    {
        Capture(ref t.Traces, i, t.Nodes.Length);
        CheckValue(t, i);
    }

    /// <summary>Stores the caller's stack (with file and line where symbols allow) in slot <paramref name="i"/>.</summary>
    public static void Capture(ref StackTrace?[]? traces, int i, int capacity)
    {
        if (traces is null || traces.Length <= i) Array.Resize(ref traces, Math.Max(capacity, i + 1));
        traces[i] = new StackTrace(2, fNeedFileInfo: true);
    }

    /// <summary>
    /// "recorded at M in file:line": the first frame outside this library (the user's code that
    /// called into it), or a note that the op was recorded while the mode was off.
    /// </summary>
    public static string Site(StackTrace? trace)
    {
        if (trace is null) return "no recording site (the op was recorded while anomaly mode was off)";
        var library = typeof(Anomalies).Assembly;
        foreach (var frame in trace.GetFrames())
        {
            var method = frame.GetMethod();
            if (method is null || method.DeclaringType?.Assembly == library) continue;
            string where = $"{method.DeclaringType?.FullName}.{method.Name}";
            string? file = frame.GetFileName();
            return file is null ? $"recorded at {where}" : $"recorded at {where} in {file}:line {frame.GetFileLineNumber()}";
        }
        return "recorded inside AutoDiff (no caller frame)";
    }

    public static void CheckValue<T>(TensorTape<T> t, int i) where T : IFloatingPointIeee754<T>
    {
        var v = t.ValueOf(i);
        int bad = SpanMath.IndexOfNonFinite(v);
        if (bad >= 0) Throw(t, i, $"value {v[bad]} at element {bad}");
    }

    public static void CheckGradients<T>(TensorTape<T> t, int i) where T : IFloatingPointIeee754<T>
    {
        foreach (int input in t.InputList(i))
        {
            if (input < 0 || !t.RequiresGrad(input) || t.Nodes[input].GradStamp == 0) continue;
            var g = t.AdjointToAdd(input);
            int bad = SpanMath.IndexOfNonFinite(g);
            if (bad >= 0) Throw(t, i, $"gradient {g[bad]} at element {bad} of its input #{input}");
        }
    }

    private static void Throw<T>(TensorTape<T> t, int i, string what) where T : IFloatingPointIeee754<T>
    {
        ref var n = ref t.Nodes[i];
        string name = n.Op is TensorOp.Elementwise or TensorOp.Function ? $"{n.Op}({n.Function})" : n.Op.ToString();
        string inputs = string.Join(", ", t.InputList(i).Select(k => $"#{k} {t.ShapeOf(k)}"));
        var trace = t.Traces is not null && i < t.Traces.Length ? t.Traces[i] : null;
        throw new AnomalyException(
            $"Tensor op {name} at tape position {i} (shape {n.Shape}, inputs {(inputs.Length == 0 ? "none" : inputs)}) produced a non-finite {what}; {Site(trace)}.",
            name, i, trace);
    }

    /// <summary>Anomaly mode, after scalar op <paramref name="i"/> is recorded: keeps where, then checks its value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OnRecorded(ScalarTape t, int i, double value)
    {
        Capture(ref t.Traces, i, t.Nodes.Length);
        if (!double.IsFinite(value)) Throw(t, i, $"value {value}");
    }

    public static void CheckGradients(ScalarTape t, int i)
    {
        Span<int> pair = stackalloc int[2];
        foreach (int k in t.InputsOf(i, pair))
            if (!double.IsFinite(t.Grad[k])) Throw(t, i, $"gradient {t.Grad[k]} for its input #{k}");
    }

    private static void Throw(ScalarTape t, int i, string what)
    {
        var trace = t.Traces is not null && i < t.Traces.Length ? t.Traces[i] : null;
        Span<int> pair = stackalloc int[2];
        string inputs = string.Join(", ", t.InputsOf(i, pair).ToArray().Select(k => $"#{k} = {t.Nodes[k].Value}"));
        string name = ScalarRules.Name(t, i);
        throw new AnomalyException($"Scalar op {name} at tape position {i} (scalar inputs {(inputs.Length == 0 ? "none" : inputs)}) " +
            $"produced a non-finite {what}; {Site(trace)}.", name, i, trace);
    }
}
