using System.Diagnostics;
using AutoDiff;
using AutoDiff.Kernels;
using AutoDiff.Nn;

namespace StepRunner;

/// <summary>The training step of <c>AutoDiffMlpStepBenchmarks</c> (784→128→10, sigmoid, cross-entropy from logits, SGD, float32), timed.</summary>
public static class Runner
{
    private static readonly Dictionary<(int, int), (Tape Tape, Mlp<float> Mlp, Sgd<float> Sgd, float[] X, int[] Labels)> States = [];

    /// <summary>Seconds per step, over <paramref name="steps"/> steps at batch <paramref name="batch"/> on <paramref name="threads"/> threads.</summary>
    public static double Run(int batch, int threads, int steps)
    {
        Parallelism.MaxThreads = threads;
        if (!States.TryGetValue((batch, threads), out var s))
        {
            var rng = new Random(2);
            s = (new Tape(), new Mlp<float>([784, 128, 10], [Activations.SigmoidFunction<float>(), null], seed: 1), new Sgd<float>(0.01),
                Enumerable.Range(0, batch * 784).Select(_ => (float)rng.NextDouble()).ToArray(), Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray());
            States[(batch, threads)] = s;
        }
        var shape = new Shape(batch, 784);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            s.Tape.Reset();
            var loss = Losses.CrossEntropyFromLogits(s.Mlp.Forward(s.Tape.Constant<float>(s.X, shape)), s.Labels);
            s.Tape.Backward(loss);
            s.Sgd.Step(s.Mlp.Parameters);
        }
        return clock.Elapsed.TotalSeconds / steps;
    }
}
