using System.Globalization;
using AutoDiff.Demo;
using AutoDiff.Nn;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.Reliability;

/// <summary>Tests that read process-wide memory figures run alone.</summary>
[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public class MemoryCollection;

/// <summary>Training for a long time keeps memory flat: the tape and every buffer are reused.</summary>
[Collection(nameof(MemoryCollection))]
public class LongRunTests(ITestOutputHelper output)
{
    [Fact]
    public void The_managed_heap_does_not_grow_over_2000_training_steps_after_warm_up()
    {
        var rng = new Random(3);
        var x = Tensor.Uniform<float>(rng, 0, 1, 512, 64);
        var labels = Enumerable.Range(0, 512).Select(i => i % 10).ToArray();
        var mlp = new Mlp<float>([64, 32, 10], [AutoDiff.Activations.TanhFunction<float>(), null], seed: 1);
        var adam = new Adam<float>(1e-3);
        var average = new ParameterAverage<float>(mlp.Parameters, 0.99);
        var tape = new Tape();
        var shape = new Shape(32, 64); // made once: new Shape(…) allocates its dimension array
        int step = 0;
        void Steps(int count)
        {
            for (int s = 0; s < count; s++, step++)
            {
                int start = step % 16 * 32; // 16 batches of 32 rows
                tape.Reset();
                var batch = tape.Constant<float>(x.Span.Slice(start * 64, 32 * 64), shape);
                var loss = Losses.CrossEntropyFromLogits(mlp.Forward(batch), labels.AsSpan(start, 32));
                tape.Backward(loss);
                adam.Step(mlp.Parameters);
                average.Update();
            }
        }
        Steps(200); // warm-up: every buffer reaches its size, the JIT settles
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Steps(2000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"2000 steps after warm-up: {allocated} bytes allocated; heap {heapBefore} → {heapAfter} bytes");
        Assert.Equal(0, allocated); // nothing allocated on the training thread, so nothing it could retain
        // The heap is process-wide (other threads, e.g. unloading the fuzz tests' assemblies, allocate
        // too): allow 1 MiB, under 512 bytes a step.
        Assert.True(heapAfter - heapBefore < 1 << 20, $"the heap grew by {heapAfter - heapBefore} bytes");
    }

    /// <summary>
    /// The demo's multiclass training (784 → 128 → 10, Adam, batch 64, augmentation, evaluation after
    /// each epoch) for AUTODIFF_LONG_RUN epochs of 125 steps, sampling memory after each epoch; the
    /// table goes to AUTODIFF_LONG_RUN_OUT (or the test output). Does nothing unless asked.
    /// </summary>
    [Fact]
    public void Memory_over_a_long_run_of_the_demo_training()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("AUTODIFF_LONG_RUN"), out int epochs)) return;
        var (train, test, _) = DigitData.Load(null, seed: 1);
        var trainer = new DigitsTrainer(new DemoOptions { Model = "mlp", Task = "multiclass", Epochs = epochs }, train, test, binary: false);
        var rows = new List<string>
        {
            "| epoch | steps | working set (MiB) | GC heap (MiB) | live after a full GC (MiB) | gen0/1/2 collections | allocated in total (MiB) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        };
        string Row(int epoch)
        {
            var info = GC.GetGCMemoryInfo();
            string collections = $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}"; // before the sample's own GC
            long live = GC.GetTotalMemory(forceFullCollection: true);
            return string.Create(CultureInfo.InvariantCulture,
                $"| {epoch} | {epoch * 125} | {Environment.WorkingSet / 1048576.0:F1} | {info.HeapSizeBytes / 1048576.0:F1} | {live / 1048576.0:F2} | " +
                $"{collections} | {GC.GetTotalAllocatedBytes() / 1048576.0:F0} |");
        }
        trainer.Run(e => { if (e.Epoch <= 3 || e.Epoch % 10 == 0 || e.Epoch == epochs) rows.Add(Row(e.Epoch)); });
        rows.Add(string.Create(CultureInfo.InvariantCulture, $"\nfinal test accuracy {trainer.History[^1].TestAccuracy:P2}, {trainer.History[^1].Seconds:F0} s"));
        string table = string.Join("\n", rows);
        output.WriteLine(table);
        if (Environment.GetEnvironmentVariable("AUTODIFF_LONG_RUN_OUT") is { Length: > 0 } path) File.WriteAllText(path, table + "\n");
    }
}
