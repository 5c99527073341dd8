using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Kernels;

/// <summary>Tests that change <see cref="Parallelism.MaxThreads"/> run alone.</summary>
[CollectionDefinition(nameof(ParallelismCollection), DisableParallelization = true)]
public class ParallelismCollection;

[Collection(nameof(ParallelismCollection))]
public class GemmParallelTests
{
    [Theory]
    [InlineData(false, false, 300, 200, 600)]   // split by rows, several k slices
    [InlineData(true, false, 300, 200, 160)]   // splitting starts at 2 × 4·2²⁰ multiply-adds
    [InlineData(false, true, 64, 1100, 300)]    // split by columns, across an NC block edge
    [InlineData(true, true, 517, 129, 140)]
    public void Results_are_bit_identical_for_any_thread_count(bool transA, bool transB, int m, int n, int k)
    {
        var rng = new Random(7);
        var a = GemmReference.Random<float>(rng, m * k);
        var b = GemmReference.Random<float>(rng, k * n);
        var c0 = GemmReference.Random<float>(rng, m * n);
        var ad = Array.ConvertAll(a, x => (double)x);
        var bd = Array.ConvertAll(b, x => (double)x);
        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (bool accumulate in new[] { false, true })
            {
                float[]? single = null;
                double[]? singleD = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    Parallelism.MaxThreads = threads;
                    long before = WorkerPool.ParallelRuns;
                    var c = (float[])c0.Clone();
                    Gemm.Multiply<float>(transA, transB, m, n, k, a, b, c, accumulate);
                    var cd = Array.ConvertAll(c0, x => (double)x);
                    Gemm.Multiply<double>(transA, transB, m, n, k, ad, bd, cd, accumulate);
                    if (threads > 1) Assert.True(WorkerPool.ParallelRuns >= before + 2, "the work was not split");
                    single ??= c;
                    singleD ??= cd;
                    Assert.Equal(single, c);     // exact equality, element by element
                    Assert.Equal(singleD, cd);
                }
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }
}
