using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Kernels;

/// <summary>
/// The kernel worker pool: every part of every run runs exactly once, whichever threads claim them
/// (also when workers wake up late, after their run has ended); a failing part's exception reaches
/// the caller and the pool stays usable; a part that calls the pool again runs its work inline.
/// </summary>
public class WorkerPoolTests
{
    private sealed class Counting(int parts) : PartitionedWork
    {
        public readonly int[] Hits = new int[parts];
        public int ThrowAt = -1;

        public override void Run(int part, int parts)
        {
            Interlocked.Increment(ref Hits[part]);
            if (part == ThrowAt) throw new InvalidOperationException($"part {part} failed");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(33)]
    public void Every_part_runs_exactly_once_in_every_run(int parts)
    {
        // The same work object again and again: a worker that wakes late must not claim a part of the next run.
        var work = new Counting(parts);
        for (int run = 1; run <= 2000; run++)
        {
            WorkerPool.Run(work, parts);
            for (int p = 0; p < parts; p++)
                Assert.True(work.Hits[p] == run, $"run {run}: part {p} ran {work.Hits[p]} times");
        }
    }

    [Fact]
    public void A_failing_part_throws_to_the_caller_after_the_other_parts_ran()
    {
        var work = new Counting(4) { ThrowAt = 2 };
        var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(work, 4));
        Assert.Equal("part 2 failed", e.Message);
        Assert.Equal([1, 1, 1, 1], work.Hits);

        work.ThrowAt = -1;
        WorkerPool.Run(work, 4);
        Assert.Equal([2, 2, 2, 2], work.Hits);
    }

    private sealed class Nested : PartitionedWork
    {
        public readonly Counting Inner = new(3);

        public override void Run(int part, int parts) => WorkerPool.Run(Inner, 3);
    }

    [Fact]
    public void A_part_that_uses_the_pool_again_runs_the_inner_work_inline()
    {
        var work = new Nested();
        WorkerPool.Run(work, 2);
        Assert.Equal([2, 2, 2], work.Inner.Hits);
    }
}
