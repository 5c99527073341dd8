using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff;

/// <summary>The checks behind <see cref="Tape.DetectAnomalies"/> for tensors.</summary>
internal static class Anomalies
{
    public static void CheckValue<T>(TensorTape<T> t, int i) where T : IFloatingPointIeee754<T>
    {
        var v = t.ValueOf(i);
        int bad = FirstNonFinite(v);
        if (bad >= 0) Throw(t, i, $"value {v[bad]} at element {bad}");
    }

    public static void CheckGradients<T>(TensorTape<T> t, int i) where T : IFloatingPointIeee754<T>
    {
        ref var n = ref t.Nodes[i];
        foreach (int input in (ReadOnlySpan<int>)[n.A, n.B])
        {
            if (input < 0 || !t.RequiresGrad(input) || t.Nodes[input].GradStamp == 0) continue;
            var g = t.GradOf(input);
            int bad = FirstNonFinite(g);
            if (bad >= 0) Throw(t, i, $"gradient {g[bad]} at element {bad} of its input #{input}");
        }
    }

    private static int FirstNonFinite<T>(ReadOnlySpan<T> v) where T : IFloatingPointIeee754<T>
    {
        if (T.IsFinite(TensorPrimitives.Sum(v) * T.Zero)) return -1; // a fast pass: Σv·0 is 0 unless some v is NaN or ±∞
        for (int k = 0; k < v.Length; k++) if (!T.IsFinite(v[k])) return k;
        return -1;
    }

    private static void Throw<T>(TensorTape<T> t, int i, string what) where T : IFloatingPointIeee754<T>
    {
        ref var n = ref t.Nodes[i];
        string name = n.Op == TensorOp.Elementwise ? $"Elementwise({n.Function})" : n.Op.ToString();
        string inputs = string.Join(", ", new[] { n.A, n.B }.Where(k => k >= 0).Select(k => $"#{k} {t.ShapeOf(k)}"));
        throw new AnomalyException($"Tensor op {name} at tape position {i} (shape {n.Shape}, inputs {inputs}) produced a non-finite {what}.", name, i);
    }
}
