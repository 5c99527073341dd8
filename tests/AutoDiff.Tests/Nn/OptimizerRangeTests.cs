using AutoDiff.Kernels;
using AutoDiff.Nn;
using AutoDiff.Tests.Kernels;
using Xunit;

namespace AutoDiff.Tests.Nn;

/// <summary>
/// Optimiser steps split over two threads (after a step whose products ran on two threads) against the
/// same steps on one: the same weights to the bit, and a bad gradient in the worker's range still refused
/// with nothing changed.
/// </summary>
[Collection(nameof(ParallelismCollection))]
public class OptimizerRangeTests
{
    public static TheoryData<string, double> Optimizers => new()
    {
        { "sgd", 0 }, { "sgd", 0.01 }, { "momentum", 0 }, { "momentum", 0.01 }, { "adam", 0 }, { "adam", 0.01 },
    };

    private static Optimizer<float> Make(string name, double decay)
    {
        Optimizer<float> o = name switch
        {
            "sgd" => new Sgd<float>(0.1),
            "momentum" => new Momentum<float>(0.1, 0.9),
            _ => new Adam<float>(0.01),
        };
        o.WeightDecay = decay;
        return o;
    }

    /// <summary>A 400×200 weight (80,000 elements ≥ 2 × 2¹⁵: split in two) and a 200-element bias (not split).</summary>
    private static Parameter<float>[] Parameters() =>
    [
        new("w", Tensor.Uniform<float>(new Random(3), -1, 1, 400, 200)),
        new("b", Tensor.Uniform<float>(new Random(4), -1, 1, 200)),
    ];

    /// <summary>A product big enough to be split over two threads (256³ multiply-adds ≥ 2 × 4·2²⁰), as a training step's are.</summary>
    private static void SplitProduct()
    {
        var a = new float[256 * 256];
        Gemm.Multiply<float>(false, false, 256, 256, 256, a, a, new float[256 * 256], false);
    }

    /// <summary>Records L = Σ c⊙w + ½‖w‖² over every parameter, so ∂L/∂w = c + w, and sweeps it.</summary>
    private static void Gradients(Tape tape, Parameter<float>[] ps, float[][] c)
    {
        tape.Reset();
        Var<float>? loss = null;
        for (int i = 0; i < ps.Length; i++)
        {
            var w = ps[i].On(tape);
            var term = (w * tape.Constant(Tensor.From<float>(c[i], ps[i].Value.Shape.Dims.ToArray()))).Sum() + (w * w).Sum() * 0.5f;
            loss = loss is null ? term : loss.Value + term;
        }
        tape.Backward(loss!.Value);
    }

    /// <summary>Runs <paramref name="body"/> with <see cref="Parallelism.MaxThreads"/> set to <paramref name="threads"/>.</summary>
    private static void OnThreads(int threads, Action body)
    {
        int saved = Parallelism.MaxThreads;
        Parallelism.MaxThreads = threads;
        try { body(); }
        finally { Parallelism.MaxThreads = saved; }
    }

    private static float[][] Train(int threads, string name, double decay)
    {
        var ps = Parameters();
        OnThreads(threads, () =>
        {
            var c = ps.Select((p, i) => Tensor.Uniform<float>(new Random(10 + i), -2, 2, p.Value.Length).Data.ToArray()).ToArray();
            var opt = Make(name, decay);
            var tape = new Tape();
            for (int step = 0; step < 3; step++)
            {
                SplitProduct();
                Gradients(tape, ps, c);
                long before = WorkerPool.ParallelRuns;
                opt.Step(ps);
                if (threads > 1) Assert.True(WorkerPool.ParallelRuns >= before + 2, "the check and the update were not split");
            }
        });
        return ps.Select(p => p.Value.Data.ToArray()).ToArray();
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_split_step_gives_the_weights_of_a_single_threaded_one_to_the_bit(string optimizer, double decay)
    {
        var one = Train(1, optimizer, decay);
        var two = Train(2, optimizer, decay);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
        // and the steps did move the weights
        Assert.NotEqual(Parameters()[0].Value.Data.ToArray(), one[0]);
    }

    [Fact]
    public void A_split_step_refuses_a_NaN_in_the_second_range_and_changes_nothing() => OnThreads(2, () =>
    {
        var ps = Parameters();
        var before = ps.Select(p => p.Value.Data.ToArray()).ToArray();
        var c = ps.Select(p => new float[p.Value.Length]).ToArray();
        c[0][79_000] = float.NaN; // in the second half of the 80,000-element weight
        var tape = new Tape();
        SplitProduct();
        Gradients(tape, ps, c);
        long runs = WorkerPool.ParallelRuns;
        var e = Assert.Throws<InvalidOperationException>(() => new Sgd<float>(0.1).Step(ps));
        Assert.Equal(runs + 1, WorkerPool.ParallelRuns); // the split check ran; no update did
        Assert.Contains("Parameter w", e.Message);
        Assert.Contains("element 79000", e.Message);
        for (int i = 0; i < ps.Length; i++) Assert.Equal(before[i], ps[i].Value.Data.ToArray());
    });

    [Fact]
    public void A_split_step_allocates_nothing_after_the_first() => OnThreads(2, () =>
    {
        var ps = Parameters();
        var c = ps.Select(p => new float[p.Value.Length]).ToArray();
        var opt = new Adam<float>(0.01);
        var tape = new Tape();
        long bytes = 0;
        for (int step = 0; step < 3; step++)
        {
            SplitProduct();
            Gradients(tape, ps, c);
            long runs = WorkerPool.ParallelRuns, before = GC.GetAllocatedBytesForCurrentThread();
            opt.Step(ps);
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(WorkerPool.ParallelRuns >= runs + 2, "the step was not split");
        }
        Assert.Equal(0, bytes);
    });

    [Fact]
    public void After_single_threaded_products_the_step_runs_on_the_caller() => OnThreads(2, () =>
    {
        var ps = Parameters();
        var c = ps.Select(p => new float[p.Value.Length]).ToArray();
        var opt = new Sgd<float>(0.1);
        var tape = new Tape();
        Gradients(tape, ps, c);
        opt.Step(ps); // the first step may split (the pool ran in other tests)
        Gradients(tape, ps, c); // no product split since
        long before = WorkerPool.ParallelRuns;
        opt.Step(ps);
        Assert.Equal(before, WorkerPool.ParallelRuns);
    });
}
