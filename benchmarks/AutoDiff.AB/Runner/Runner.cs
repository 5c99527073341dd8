using AutoDiff;
using AutoDiff.Kernels;
using AutoDiff.Nn;

namespace AutoDiffAB;

/// <summary>
/// The workloads the A/B host times, compiled once per build of AutoDiff (ab.sh builds this project
/// against each commit's tree). Only public API that every compared commit has.
/// </summary>
public static class Runner
{
    private static readonly Tape ScalarTape = new();
    private static readonly Dictionary<(int, int), (Tape Tape, Mlp<float> Mlp, Sgd<float> Sgd, Tensor<float> X, int[] Labels)> Steps = [];
    private static Scalar[] vars = [];
    private static double[] point = [], grad = [];

    /// <summary>Runs <paramref name="workload"/> <paramref name="reps"/> times; returns a checksum (so nothing is optimised away).</summary>
    public static double Run(string workload, int size, int threads, int reps)
    {
        double sum = 0;
        switch (workload)
        {
            case "chain": for (int r = 0; r < reps; r++) sum += ChainRecordSweep(size); break;
            case "chain-record": for (int r = 0; r < reps; r++) sum += Chain(size).Value; break;
            case "rosenbrock": for (int r = 0; r < reps; r++) sum += Rosenbrock(size); break;
            case "step": for (int r = 0; r < reps; r++) sum += Step(size, threads); break;
            default: throw new ArgumentException($"unknown workload {workload}");
        }
        return sum;
    }

    // 10,000 operations ×, +, ×c, − repeating, as the profile's chain
    private static Scalar Chain(int ops)
    {
        var tape = ScalarTape;
        tape.Reset();
        var x = tape.Variable(1.0001);
        var y = tape.Variable(0.5);
        var acc = x;
        for (int i = 0; i < ops / 4; i++) acc = (acc * x + y) * 0.5 - x;
        return acc;
    }

    private static double ChainRecordSweep(int ops)
    {
        var top = Chain(ops);
        ScalarTape.Backward(top);
        return top.Value;
    }

    // f = Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², recorded, swept, and its n gradients read
    private static double Rosenbrock(int n)
    {
        if (point.Length != n)
        {
            point = Enumerable.Range(0, n).Select(i => 0.5 + 0.001 * i).ToArray();
            vars = new Scalar[n];
            grad = new double[n];
        }
        var tape = ScalarTape;
        tape.Reset();
        for (int i = 0; i < n; i++) vars[i] = tape.Variable(point[i]);
        var f = tape.Constant(0);
        for (int i = 0; i < n - 1; i++)
        {
            var xi = vars[i];
            var a = vars[i + 1] - xi * xi;
            var b = 1.0 - xi;
            f += 100.0 * (a * a) + b * b;
        }
        tape.Backward(f);
        for (int i = 0; i < n; i++) grad[i] = vars[i].Grad;
        return grad[n / 2];
    }

    // The MLP step of the side-by-side harness: 784→128→10, sigmoid, cross-entropy from logits, SGD, float32
    private static double Step(int batch, int threads)
    {
        Parallelism.MaxThreads = threads;
        if (!Steps.TryGetValue((batch, threads), out var s))
        {
            var rng = new Random(2);
            s = (new Tape(), new Mlp<float>([784, 128, 10], [Activations.SigmoidFunction<float>(), null], seed: 1), new Sgd<float>(0.001),
                new Tensor<float>(Enumerable.Range(0, batch * 784).Select(_ => (float)rng.NextDouble()).ToArray(), new Shape(batch, 784)),
                Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray());
            Steps[(batch, threads)] = s;
        }
        s.Tape.Reset();
        var loss = Losses.CrossEntropyFromLogits(s.Mlp.Forward(s.Tape.Constant(s.X)), s.Labels);
        s.Tape.Backward(loss);
        s.Sgd.Step(s.Mlp.Parameters);
        return loss.Item;
    }
}
