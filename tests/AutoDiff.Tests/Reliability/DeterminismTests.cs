using AutoDiff.Kernels;
using AutoDiff.Nn;
using AutoDiff.Tests.Kernels;
using Xunit;

namespace AutoDiff.Tests.Reliability;

/// <summary>Same seed, same weights to the bit, on one thread or two (with GEMM really split).</summary>
[Collection(nameof(ParallelismCollection))]
public class DeterminismTests
{
    /// <summary>784 → 128 (relu) → 10, Adam, 3 epochs of 512 samples in batches of 256: 6 steps whose first GEMM has 25.7M multiply-adds.</summary>
    private static float[][] Train(int threads, int seed)
    {
        int saved = Parallelism.MaxThreads;
        Parallelism.MaxThreads = threads;
        try
        {
            var data = new Random(seed);
            var x = Tensor.Uniform<float>(data, 0, 1, 512, 784);
            var labels = Enumerable.Range(0, 512).Select(i => (i * 7 + i / 3) % 10).ToArray();
            var mlp = new Mlp<float>([784, 128, 10], [AutoDiff.Activations.ReluFunction<float>(), null], seed);
            var adam = new Adam<float>(1e-3);
            var batches = new MiniBatches(512, 256, seed);
            var tape = new Tape();
            var batch = new float[256 * 784];
            var batchLabels = new int[256];
            for (int epoch = 0; epoch < 3; epoch++)
            {
                batches.Shuffle();
                for (int b = 0; b < batches.Count; b++)
                {
                    var rows = batches[b];
                    for (int r = 0; r < rows.Length; r++)
                    {
                        x.Span.Slice(rows[r] * 784, 784).CopyTo(batch.AsSpan(r * 784));
                        batchLabels[r] = labels[rows[r]];
                    }
                    tape.Reset();
                    var loss = Losses.CrossEntropyFromLogits(mlp.Forward(tape.Constant<float>(batch, new Shape(256, 784))), batchLabels);
                    tape.Backward(loss);
                    adam.Step(mlp.Parameters);
                }
            }
            return mlp.Parameters.Select(p => p.Value.Data.ToArray()).ToArray();
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    private static int[] Bits(float[][] weights) => weights.SelectMany(w => w).Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void Same_seed_gives_bit_identical_weights_on_one_and_two_threads()
    {
        var one = Bits(Train(threads: 1, seed: 11));
        long before = WorkerPool.ParallelRuns;
        var two = Bits(Train(threads: 2, seed: 11));
        Assert.True(WorkerPool.ParallelRuns >= before + 6, $"GEMM did not split over two threads ({WorkerPool.ParallelRuns - before} parallel runs)");
        var again = Bits(Train(threads: 2, seed: 11));
        Assert.Equal(one, two);
        Assert.Equal(two, again);
        Assert.NotEqual(one, Bits(Train(threads: 1, seed: 12))); // the seed does matter
    }
}
