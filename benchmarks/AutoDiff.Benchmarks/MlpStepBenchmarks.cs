using AutoDiff;
using AutoDiff.Kernels;
using AutoDiff.Nn;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks;

/// <summary>
/// One training step of a 784→128→10 MLP (sigmoid hidden layer, log-softmax + NLL, plain SGD, float32):
/// record the forward pass, one reverse sweep, the update, Reset. The TorchSharp side of this
/// comparison lives in AutoDiff.Benchmarks.Torch (it needs native libtorch).
/// </summary>
[MemoryDiagnoser]
public class AutoDiffMlpStepBenchmarks
{
    private readonly Tape tape = new();
    private Mlp<float> mlp = null!;
    private Sgd<float> sgd = null!;
    private Tensor<float> x = null!;
    private int[] labels = null!;

    [Params(1, 32, 128, 1024)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        mlp = new Mlp<float>([784, 128, 10], [Activations.SigmoidFunction<float>(), null], seed: 1);
        sgd = new Sgd<float>(0.01);
        var rng = new Random(2);
        x = new Tensor<float>(Enumerable.Range(0, Batch * 784).Select(_ => (float)rng.NextDouble()).ToArray(), new Shape(Batch, 784));
        labels = Enumerable.Range(0, Batch).Select(_ => rng.Next(10)).ToArray();
    }

    [Benchmark]
    public float TrainingStep()
    {
        tape.Reset();
        var logits = mlp.Forward(tape.Constant(x)); // the batch shared, not copied, as in the TorchSharp comparison
        var loss = Losses.CrossEntropyFromLogits(logits, labels);
        tape.Backward(loss);
        sgd.Step(mlp.Parameters);
        return loss.Item;
    }
}
