using AutoDiff.Nn;
using BenchmarkDotNet.Attributes;
using static TorchSharp.torch;

namespace AutoDiff.Benchmarks.Torch;

using TorchTensor = TorchSharp.torch.Tensor;

/// <summary>
/// Hessian-vector products side by side, one gradient for scale, 1 thread: TorchSharp's double backward
/// (<c>g = autograd.grad(L, θ, retain_graph: true, create_graph: true)</c>, then <c>autograd.grad(g, θ, grad_outputs: v)</c>,
/// reverse over reverse; the baseline) against AutoDiff's <see cref="Derivatives.Hvp{T}(Func{Tape, Var{T}[], Var{T}}, Tensor{T}[], Tensor{T}[])"/>
/// (forward over reverse). Two functions: the 784→128→10 MLP's loss (sigmoid hidden layer, log-softmax +
/// NLL, batch 32, float32, the weights and batch of <see cref="MlpBenchData"/>) in its four parameter
/// tensors, and Rosenbrock <c>Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²</c> on 100,000 doubles. Targets: AutoDiff's
/// Hvp ≤ 5× its gradient, and ≤ 1.0× TorchSharp's Hvp.
/// </summary>
[MedianColumn, MemoryDiagnoser]
public class HvpBenchmarks
{
    [Params("mlp", "rosenbrock")]
    public string Function { get; set; } = "mlp";

    private const int RosenbrockN = 100_000, Batch = 32;
    private MlpBenchData data = null!;
    private TorchTensor[] torchParameters = null!, torchDirections = null!;
    private TorchTensor torchX = null!, torchY = null!;
    private Tensor<float>[] parameters = null!, directions = null!;
    private Tensor<double> rosenbrockX = null!, rosenbrockV = null!;
    private TorchTensor torchRosenbrockX = null!, torchRosenbrockV = null!;

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(1);
        global::AutoDiff.Kernels.Parallelism.MaxThreads = 1;
        data = new MlpBenchData(Batch);
        var rng = new Random(7);
        int[][] shapes = [[MlpBenchData.Inputs, MlpBenchData.Hidden], [MlpBenchData.Hidden], [MlpBenchData.Hidden, MlpBenchData.Classes], [MlpBenchData.Classes]];
        float[][] values = [data.W1, data.B1, data.W2, data.B2];
        parameters = values.Select((p, k) => new Tensor<float>(p, new Shape(shapes[k]))).ToArray();
        directions = shapes.Select(s => Tensor.Uniform<float>(rng, -1, 1, s)).ToArray();
        torchParameters = values.Select((p, k) => tensor(p, shapes[k].Select(d => (long)d).ToArray(), requires_grad: true)).ToArray();
        torchDirections = directions.Select(d => tensor(d.Data, d.Shape.Dims.ToArray().Select(x => (long)x).ToArray())).ToArray();
        torchX = tensor(data.X, [Batch, MlpBenchData.Inputs]);
        torchY = tensor(Array.ConvertAll(data.Labels, l => (long)l), [Batch]);

        rosenbrockX = Tensor.From(Enumerable.Range(0, RosenbrockN).Select(i => 0.5 + 1e-6 * i).ToArray());
        rosenbrockV = Tensor.From(Enumerable.Range(0, RosenbrockN).Select(i => Math.Sin(i)).ToArray());
        torchRosenbrockX = tensor(rosenbrockX.Data, [RosenbrockN], requires_grad: true);
        torchRosenbrockV = tensor(rosenbrockV.Data, [RosenbrockN]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in torchParameters.Concat(torchDirections)) t.Dispose();
        torchX.Dispose(); torchY.Dispose(); torchRosenbrockX.Dispose(); torchRosenbrockV.Dispose();
    }

    // ---- TorchSharp

    private TorchTensor TorchMlpLoss()
    {
        var (w1, b1, w2, b2) = (torchParameters[0], torchParameters[1], torchParameters[2], torchParameters[3]);
        var hidden = sigmoid(addmm(b1, torchX, w1, beta: 1, alpha: 1));
        return nn.functional.nll_loss(nn.functional.log_softmax(addmm(b2, hidden, w2, beta: 1, alpha: 1), dim: 1), torchY);
    }

    private static TorchTensor TorchRosenbrock(TorchTensor x)
    {
        var head = x[..^1];
        var tail = x[1..];
        var a = tail - head * head;
        var b = 1.0 - head;
        return (a * a * 100.0 + b * b).sum();
    }

    [Benchmark]
    public float TorchSharpGradient()
    {
        using var scope = NewDisposeScope();
        if (Function == "mlp") return autograd.grad([TorchMlpLoss()], torchParameters)[0][0, 0].item<float>();
        return (float)autograd.grad([TorchRosenbrock(torchRosenbrockX)], [torchRosenbrockX])[0][0].item<double>();
    }

    [Benchmark(Baseline = true)]
    public float TorchSharpHvp()
    {
        using var scope = NewDisposeScope();
        if (Function == "mlp")
        {
            var g = autograd.grad([TorchMlpLoss()], torchParameters, retain_graph: true, create_graph: true);
            return autograd.grad(g, torchParameters, grad_outputs: torchDirections)[0][0, 0].item<float>();
        }
        var gx = autograd.grad([TorchRosenbrock(torchRosenbrockX)], [torchRosenbrockX], retain_graph: true, create_graph: true);
        return (float)autograd.grad(gx, [torchRosenbrockX], grad_outputs: [torchRosenbrockV])[0][0].item<double>();
    }

    /// <summary>Both Hessian-vector products as flat float64 arrays (for <see cref="HvpCheck"/>).</summary>
    public (double[] Torch, double[] AutoDiff) BothHvps()
    {
        using var scope = NewDisposeScope();
        if (Function == "mlp")
        {
            var g = autograd.grad([TorchMlpLoss()], torchParameters, retain_graph: true, create_graph: true);
            var hv = autograd.grad(g, torchParameters, grad_outputs: torchDirections);
            return (hv.SelectMany(t => t.data<float>().ToArray()).Select(v => (double)v).ToArray(),
                Derivatives.Hvp<float>(MlpLoss, parameters, directions).SelectMany(t => t.Data).Select(v => (double)v).ToArray());
        }
        var gx = autograd.grad([TorchRosenbrock(torchRosenbrockX)], [torchRosenbrockX], retain_graph: true, create_graph: true);
        return (autograd.grad(gx, [torchRosenbrockX], grad_outputs: [torchRosenbrockV])[0].data<double>().ToArray(),
            Derivatives.Hvp(Rosenbrock, rosenbrockX, rosenbrockV).Data);
    }

    // ---- AutoDiff

    private Var<float> MlpLoss(Tape t, Var<float>[] p)
    {
        var h = (t.Constant<float>(data.X, Batch, MlpBenchData.Inputs).MatMul(p[0]) + p[1]).Apply(Activations.SigmoidFunction<float>());
        return Losses.CrossEntropyFromLogits(h.MatMul(p[2]) + p[3], data.Labels);
    }

    private static Var<double> Rosenbrock(Tape t, Var<double> x)
    {
        int n = x.Shape[0];
        var head = x.Slice(0, 0, n - 1);
        var tail = x.Slice(0, 1, n - 1);
        var a = tail - head * head;
        var b = 1.0 - head;
        return (a * a * 100.0 + b * b).Sum();
    }

    [Benchmark]
    public float AutoDiffGradient() => Function == "mlp"
        ? Derivatives.Gradient<float>(MlpLoss, parameters)[0].Data[0]
        : (float)Derivatives.Gradient(Rosenbrock, rosenbrockX).Data[0];

    [Benchmark]
    public float AutoDiffHvp() => Function == "mlp"
        ? Derivatives.Hvp<float>(MlpLoss, parameters, directions)[0].Data[0]
        : (float)Derivatives.Hvp(Rosenbrock, rosenbrockX, rosenbrockV).Data[0];
}

/// <summary>
/// <c>--check-hvp</c>: the two sides of <see cref="HvpBenchmarks"/> compute the same Hessian-vector
/// products (relative difference of the whole vector ≤ 1e-4 in float32 for the MLP, 1e-10 in float64
/// for Rosenbrock), so the benchmark compares equal work.
/// </summary>
public static class HvpCheck
{
    public static bool Run(TextWriter output)
    {
        bool ok = true;
        foreach (var (function, tolerance) in new[] { ("mlp", 1e-4), ("rosenbrock", 1e-10) })
        {
            var b = new HvpBenchmarks { Function = function };
            b.Setup();
            var (torch, ours) = b.BothHvps();
            double diff = 0, norm = 0;
            for (int i = 0; i < torch.Length; i++) { diff += (torch[i] - ours[i]) * (torch[i] - ours[i]); norm += torch[i] * torch[i]; }
            double relative = Math.Sqrt(diff / norm);
            output.WriteLine($"{function}: ‖Hv(TorchSharp) − Hv(AutoDiff)‖ / ‖Hv(TorchSharp)‖ = {relative:E2} over {torch.Length} elements (tolerance {tolerance:E0})");
            ok &= relative <= tolerance;
            b.Cleanup();
        }
        return ok;
    }
}
