using AutoDiff.Kernels;
using AutoDiff.Nn;
using AutoDiff.Onnx;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace AutoDiff.Benchmarks;

/// <summary>
/// Inference of the demo's digits model (784 → 128 ReLU → 10, float32) exported to ONNX and run in
/// ONNX Runtime (CPU, all graph optimisations, input and output bound once), next to
/// <see cref="Mlp{T}.Predict"/> on the same weights, on the same number of threads. Weights are the
/// seeded initial ones: the time does not depend on their values.
/// </summary>
[MemoryDiagnoser]
public class OnnxInferenceBenchmarks
{
    private Mlp<float> mlp = null!;
    private InferenceSession session = null!;
    private RunOptions run = null!;
    private OrtValue input = null!, output = null!;
    private OrtValue[] inputs = null!, outputs = null!;
    private readonly string[] inputNames = ["input"], outputNames = ["output"];
    private float[] x = null!, y = null!, ortY = null!;
    private string path = null!;

    [Params(1, 1000)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        mlp = new Mlp<float>([784, 128, 10], [AutoDiff.Activations.ReluFunction<float>(), null], seed: 1);
        path = Path.Combine(Path.GetTempPath(), $"autodiff-bench-{Guid.NewGuid():N}.onnx");
        OnnxModel.Export(mlp, path);
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
        };
        session = new InferenceSession(path, options);
        run = new RunOptions();
        var rng = new Random(2);
        x = Enumerable.Range(0, Batch * 784).Select(_ => (float)rng.NextDouble()).ToArray();
        y = new float[Batch * 10];
        ortY = new float[Batch * 10];
        input = OrtValue.CreateTensorValueFromMemory(x, [Batch, 784]);
        output = OrtValue.CreateTensorValueFromMemory(ortY, [Batch, 10]);
        (inputs, outputs) = ([input], [output]);
        Predict();
        OnnxRuntime();
        for (int i = 0; i < y.Length; i++)
            if (Math.Abs(y[i] - ortY[i]) > 1e-4f * Math.Max(1, Math.Abs(y[i])))
                throw new InvalidOperationException($"ONNX Runtime and Mlp.Predict disagree at {i}: {ortY[i]} vs {y[i]}.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        input.Dispose();
        output.Dispose();
        run.Dispose();
        session.Dispose();
        File.Delete(path);
    }

    [Benchmark(Baseline = true)]
    public float Predict()
    {
        mlp.Predict(x, Batch, y);
        return y[0];
    }

    [Benchmark]
    public float OnnxRuntime()
    {
        session.Run(run, inputNames, inputs, outputNames, outputs);
        return ortY[0];
    }
}
