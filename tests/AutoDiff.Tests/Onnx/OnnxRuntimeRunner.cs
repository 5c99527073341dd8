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
/// (a normwise relative error); for formulas that subtract quantities of size about 1 (Elu's eᶻ − 1,
/// log softmax's x − log Σ eˣ, which is exactly 0 for one class), whose rounding no implementation
/// avoids, the floor is 1.
/// </summary>
public static class Agreement
{
    public enum Floor { None, One, Norm }

    public static double Tolerance<T>() => typeof(T) == typeof(float) ? 1e-5 : 1e-12;

    /// <summary>The worst element error and where it is.</summary>
    public static (double Error, int At) Worst<T>(ReadOnlySpan<T> onnx, ReadOnlySpan<T> autodiff, Floor floor) where T : IFloatingPointIeee754<T>
    {
        if (onnx.Length != autodiff.Length) return (double.PositiveInfinity, -1);
        double norm = 0;
        foreach (T v in autodiff) norm = Math.Max(norm, Math.Abs(double.CreateTruncating(v)));
        double f = floor switch { Floor.Norm => norm, Floor.One => 1, _ => double.Epsilon };
        (double Error, int At) worst = (0, -1);
        for (int i = 0; i < onnx.Length; i++)
        {
            double o = double.CreateTruncating(onnx[i]), a = double.CreateTruncating(autodiff[i]);
            double e = o == a || (double.IsNaN(o) && double.IsNaN(a)) ? 0 : Math.Abs(o - a) / Math.Max(Math.Abs(a), f);
            if (double.IsNaN(e) || e > worst.Error) worst = (double.IsNaN(e) ? double.PositiveInfinity : e, i);
        }
        return worst;
    }

    /// <summary>True when every element agrees within <see cref="Tolerance{T}"/>; <paramref name="report"/> says where it does not.</summary>
    public static bool Agrees<T>(ReadOnlySpan<T> onnx, ReadOnlySpan<T> autodiff, Floor floor, out string report) where T : IFloatingPointIeee754<T>
    {
        var (error, at) = Worst(onnx, autodiff, floor);
        report = at < 0 && error > 0 ? $"lengths {onnx.Length} and {autodiff.Length} differ"
            : at < 0 ? "no elements" : $"worst error {error:E2} at {at}: onnx {onnx[at]}, autodiff {autodiff[at]}";
        return error <= Tolerance<T>();
    }
}
