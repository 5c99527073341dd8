using System.Numerics;
using Microsoft.ML.OnnxRuntime;

namespace AutoDiff.Tests.Onnx;

/// <summary>Runs an exported model in the real ONNX Runtime (CPU) on one input, as a deployment would.</summary>
internal static class OnnxRuntimeRunner
{
    /// <summary>A session for the model at <paramref name="path"/>; the caller disposes it.</summary>
    public static InferenceSession Open(string path) => new(path, new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL });

    /// <summary>The output <c>output</c> for <c>input</c> = <paramref name="values"/> of dimensions <paramref name="dims"/>.</summary>
    public static (T[] Values, int[] Dims) Run<T>(InferenceSession session, T[] values, params int[] dims) where T : IFloatingPointIeee754<T>
    {
        long[] shape = dims.Select(d => (long)d).ToArray();
        using var input = typeof(T) == typeof(float) ? OrtValue.CreateTensorValueFromMemory((float[])(object)values, shape)
            : OrtValue.CreateTensorValueFromMemory((double[])(object)values, shape);
        using var run = new RunOptions();
        using var outputs = session.Run(run, ["input"], [input], ["output"]);
        var o = outputs[0];
        int[] outDims = o.GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray();
        T[] result = typeof(T) == typeof(float) ? (T[])(object)o.GetTensorDataAsSpan<float>().ToArray()
            : (T[])(object)o.GetTensorDataAsSpan<double>().ToArray();
        return (result, outDims);
    }

    /// <summary>Opens <paramref name="path"/>, runs it once and closes it.</summary>
    public static (T[] Values, int[] Dims) Run<T>(string path, T[] values, params int[] dims) where T : IFloatingPointIeee754<T>
    {
        using var session = Open(path);
        return Run(session, values, dims);
    }
}

/// <summary>
/// How close ONNX Runtime must come to AutoDiff: 1e-5 relative in float, 1e-12 in double. The error of
/// an element is <c>|onnx − autodiff| / max(|autodiff|, floor)</c>: floor 0 (purely relative) for
/// element-wise operations; for results that sum products (matrix products, reductions, whole networks),
/// whose summation order differs between GEMM libraries, the floor is the largest output magnitude
/// (a normwise relative error), and for a whole MLP the size of the terms it sums, carried through its
/// layers (see <see cref="Terms{T}"/>: the classical bound of a dot product's rounding; an output that
/// cancels to near 0 is only as exact as the terms it came from); for formulas that subtract quantities of size about 1 (Elu's eᶻ − 1,
/// log softmax's x − log Σ eˣ, which is exactly 0 for one class), whose rounding no implementation
/// avoids, the floor is 1.
/// </summary>
public static class Agreement
{
    public enum Floor { None, One, Norm, Terms }

    public static double Tolerance<T>() => typeof(T) == typeof(float) ? 1e-5 : 1e-12;

    /// <summary>
    /// The per-output size of the terms an MLP sums, carried through its layers (for <see cref="Floor.Terms"/>):
    /// <c>s₀ = 0</c>, <c>sₗ = (sₗ₋₁ + |hₗ₋₁|)·|Wₗ| + |bₗ|</c> with hₗ₋₁ the layer's input. Each layer's rounding
    /// is a few ε times its terms, and reaches the output through the later weights (the activations
    /// here change a difference by at most its size); an Elu layer's terms are at least 1 (see above).
    /// </summary>
    public static T[] Terms<T>(AutoDiff.Nn.Mlp<T> mlp, Tensor<T> x) where T : IFloatingPointIeee754<T>
    {
        var tape = new Tape();
        var abs = (Var<T> v) => Var.Max(v, -v);
        var h = tape.Constant(x);
        var s = tape.Constant(Tensor.Zeros<T>(x.Shape.Dims.ToArray()));
        foreach (var layer in mlp.Layers)
        {
            s = (s + abs(h)).MatMul(abs(tape.Constant(layer.Weight.Value))) + abs(tape.Constant(layer.Bias.Value));
            // Elu's α(eᶻ − 1) subtracts quantities of size α ≤ 1 (α = 1 and 0.5 here): its output is only as exact as 1.
            if (layer.Activation?.Name.StartsWith("Elu", StringComparison.Ordinal) == true) s = Var.Max(s, T.One);
            h = layer.Forward(h);
        }
        return s.Value.ToArray();
    }

    /// <summary>The worst element error and where it is; <paramref name="terms"/> is the per-element floor of <see cref="Floor.Terms"/>.</summary>
    public static (double Error, int At) Worst<T>(ReadOnlySpan<T> onnx, ReadOnlySpan<T> autodiff, Floor floor, ReadOnlySpan<T> terms = default) where T : IFloatingPointIeee754<T>
    {
        if (onnx.Length != autodiff.Length || (floor == Floor.Terms && terms.Length != autodiff.Length)) return (double.PositiveInfinity, -1);
        double norm = 0;
        foreach (T v in autodiff) norm = Math.Max(norm, Math.Abs(double.CreateTruncating(v)));
        double f = floor switch { Floor.Norm => norm, Floor.One => 1, _ => double.Epsilon };
        (double Error, int At) worst = (0, -1);
        for (int i = 0; i < onnx.Length; i++)
        {
            double o = double.CreateTruncating(onnx[i]), a = double.CreateTruncating(autodiff[i]);
            double fi = floor == Floor.Terms ? double.CreateTruncating(terms[i]) : f;
            double e = o == a || (double.IsNaN(o) && double.IsNaN(a)) ? 0 : Math.Abs(o - a) / Math.Max(Math.Abs(a), fi);
            if (double.IsNaN(e) || e > worst.Error) worst = (double.IsNaN(e) ? double.PositiveInfinity : e, i);
        }
        return worst;
    }

    /// <summary>True when every element agrees within <see cref="Tolerance{T}"/>; <paramref name="report"/> says where it does not.</summary>
    public static bool Agrees<T>(ReadOnlySpan<T> onnx, ReadOnlySpan<T> autodiff, Floor floor, out string report, ReadOnlySpan<T> terms = default) where T : IFloatingPointIeee754<T>
    {
        var (error, at) = Worst(onnx, autodiff, floor, terms);
        report = at < 0 && error > 0 ? $"lengths {onnx.Length} and {autodiff.Length} differ"
            : at < 0 ? "no elements" : $"worst error {error:E2} at {at}: onnx {onnx[at]}, autodiff {autodiff[at]}";
        return error <= Tolerance<T>();
    }
}
