using System.Numerics;
using AutoDiff;
using AutoDiff.Kernels;
using AutoDiff.Nn;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks;

/// <summary>
/// Higher-order derivatives against first order on the same function, same harness (<see cref="Derivatives"/>):
/// Hvp (forward-over-reverse) against one gradient, Jvp (forward mode) against recording the forward
/// pass. Targets: Hvp ≤ 5× Gradient, Jvp ≤ 3× Forward. The side-by-side comparison with TorchSharp's
/// double backward is in AutoDiff.Benchmarks.Torch (HvpBenchmarks). Rosenbrock in float32 and float64, 1 thread.
/// </summary>
[MedianColumn, MemoryDiagnoser]
[GenericTypeArguments(typeof(float)), GenericTypeArguments(typeof(double))]
public class HvpRosenbrockBenchmarks<T> where T : IFloatingPointIeee754<T>
{
    private const int N = 100_000;
    private readonly Tape tape = new();
    private readonly Tensor<T> x = Tensor.From(Enumerable.Range(0, N).Select(i => T.CreateChecked(0.5 + 1e-6 * i)).ToArray());
    private readonly Tensor<T> v = Tensor.From(Enumerable.Range(0, N).Select(i => T.CreateChecked(Math.Sin(i))).ToArray());

    [GlobalSetup]
    public void Setup() => Parallelism.MaxThreads = 1;

    /// <summary>Rosenbrock <c>Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²</c> in tensor operations.</summary>
    public static Var<T> Rosenbrock(Tape t, Var<T> x)
    {
        int n = x.Shape[0];
        var head = x.Slice(0, 0, n - 1);
        var tail = x.Slice(0, 1, n - 1);
        var a = tail - head * head;
        var b = T.One - head;
        return (a * a * T.CreateChecked(100) + b * b).Sum();
    }

    [Benchmark]
    public T Forward()
    {
        tape.Reset();
        return Rosenbrock(tape, tape.Track(x)).Item;
    }

    [Benchmark]
    public T Gradient() => Derivatives.Gradient(Rosenbrock, x).Data[0];

    [Benchmark]
    public T Hvp() => Derivatives.Hvp(Rosenbrock, x, v).Data[0];

    [Benchmark]
    public T Jvp() => Derivatives.Jvp(Rosenbrock, x, v).Tangent.Item;
}

/// <summary>
/// The 784→128→10 MLP (sigmoid hidden layer, cross-entropy on logits, batch 32, float32, 1 thread) as a
/// function of its four parameter tensors: forward, gradient, Hvp and Jvp.
/// </summary>
[MedianColumn, MemoryDiagnoser]
public class HvpMlpBenchmarks
{
    private const int In = 784, Hidden = 128, Out = 10, Batch = 32;
    private readonly Tape tape = new();
    private Tensor<float>[] parameters = null!, directions = null!;
    private Tensor<float> data = null!;
    private int[] labels = null!;

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = 1;
        var rng = new Random(1);
        int[][] shapes = [[In, Hidden], [Hidden], [Hidden, Out], [Out]];
        parameters = shapes.Select(s => Tensor.Uniform<float>(rng, -0.08, 0.08, s)).ToArray();
        directions = shapes.Select(s => Tensor.Uniform<float>(rng, -1, 1, s)).ToArray();
        data = Tensor.Uniform<float>(rng, 0, 1, Batch, In);
        labels = Enumerable.Range(0, Batch).Select(_ => rng.Next(Out)).ToArray();
    }

    /// <summary>The loss as a function of [W1, b1, W2, b2].</summary>
    private Var<float> Loss(Tape t, Var<float>[] p)
    {
        var h = (t.Constant(data).MatMul(p[0]) + p[1]).Apply(Activations.SigmoidFunction<float>());
        return Losses.CrossEntropyFromLogits(h.MatMul(p[2]) + p[3], labels);
    }

    [Benchmark]
    public float Forward()
    {
        tape.Reset();
        return Loss(tape, parameters.Select(tape.Track).ToArray()).Item;
    }

    [Benchmark]
    public float Gradient() => Derivatives.Gradient<float>(Loss, parameters)[0].Data[0];

    [Benchmark]
    public float Hvp() => Derivatives.Hvp<float>(Loss, parameters, directions)[0].Data[0];

    [Benchmark]
    public float Jvp() => Derivatives.Jvp<float>(Loss, parameters, directions).Tangent.Item;
}
