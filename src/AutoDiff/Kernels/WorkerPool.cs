using System.Runtime.ExceptionServices;

namespace AutoDiff.Kernels;

/// <summary>
/// One piece of work split into independent parts. Which thread runs a part is decided at run time,
/// so a part must compute the same thing whichever thread runs it.
/// </summary>
internal abstract class PartitionedWork
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    public abstract void Run(int part, int parts);

    // One run's claim state: run number (bits 24..62), parts (bits 12..23), next unclaimed part
    // (bits 0..11). A part is claimed by a compare-and-swap on the whole word, so a worker that wakes
    // up after its run has ended (the word then holds a newer run number) claims nothing.
    internal long Claims;
    internal int Unfinished;
    internal Exception? Error;

    internal const int PartBits = 12;
    internal const long PartMask = (1L << PartBits) - 1;
}

/// <summary>
/// A small pool of long-lived background threads that help run the parts of one
/// <see cref="PartitionedWork"/> at a time. The caller claims and runs parts too, and every thread
/// takes the next unclaimed part until none is left, so a worker that is slow to wake (a busy machine
/// may not schedule it for milliseconds) delays nothing: the caller runs its parts instead and waits
/// only for parts already started. No allocation per call after the threads exist. A caller that
/// finds the pool busy (another thread is using it) runs all parts itself.
/// </summary>
internal static class WorkerPool
{
    private static readonly Lock Gate = new();
    private static Worker[] workers = [];
    private static PartitionedWork? current;
    private static long runs, parallelRuns, workerParts;
    private static readonly ManualResetEventSlim Finished = new(false, 1000);

    // The lock-object trap of Worker's constructor, for the caller's wait.
    static WorkerPool() => Finished.Wait(1);

    /// <summary>How many calls were offered to the worker threads (lets tests check a split really happened).</summary>
    internal static long ParallelRuns => Interlocked.Read(ref parallelRuns);

    /// <summary>How many parts the worker threads (not the callers) have run.</summary>
    internal static long WorkerParts => Interlocked.Read(ref workerParts);

    /// <summary>Runs parts 0..<paramref name="parts"/>-1 of <paramref name="work"/>, in parallel when the pool is free.</summary>
    public static void Run(PartitionedWork work, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, (int)PartitionedWork.PartMask);
        // A part that itself calls Run (the lock is re-entrant) runs the inner work inline.
        if (parts <= 1 || Gate.IsHeldByCurrentThread || !Gate.TryEnter())
        {
            // Inline (nested, or the pool busy with another caller): as in the pool, every part runs and
            // the first failure is thrown afterwards.
            Exception? failure = null;
            for (int p = 0; p < parts; p++)
            {
                try { work.Run(p, parts); }
                catch (Exception e) { failure ??= e; }
            }
            if (failure is not null) ExceptionDispatchInfo.Throw(failure);
            return;
        }
        try
        {
            if (workers.Length < parts - 1) Grow(parts - 1);
            Interlocked.Increment(ref parallelRuns);
            long run = ++runs & ((1L << (64 - 2 * PartitionedWork.PartBits - 1)) - 1);
            work.Error = null;
            work.Unfinished = parts;
            Finished.Reset();
            Volatile.Write(ref work.Claims, run << (2 * PartitionedWork.PartBits) | (long)parts << PartitionedWork.PartBits);
            Volatile.Write(ref current, work);
            for (int w = 0; w < parts - 1; w++) workers[w].Wake();
            Help(work, run, byWorker: false);
            if (Volatile.Read(ref work.Unfinished) > 0) Finished.Wait();
            Volatile.Write(ref current, null);
            if (work.Error is { } error) ExceptionDispatchInfo.Throw(error);
        }
        finally
        {
            Gate.Exit();
        }
    }

    /// <summary>Claims and runs parts of <paramref name="work"/>'s run <paramref name="run"/> until none is left.</summary>
    private static void Help(PartitionedWork work, long run, bool byWorker)
    {
        while (true)
        {
            long claims = Volatile.Read(ref work.Claims);
            if (claims >> (2 * PartitionedWork.PartBits) != run) return;
            int parts = (int)(claims >> PartitionedWork.PartBits & PartitionedWork.PartMask);
            int part = (int)(claims & PartitionedWork.PartMask);
            if (part >= parts) return;
            if (Interlocked.CompareExchange(ref work.Claims, claims + 1, claims) != claims) continue;
            try { work.Run(part, parts); }
            catch (Exception e) { Interlocked.CompareExchange(ref work.Error, e, null); }
            if (byWorker) Interlocked.Increment(ref workerParts);
            if (Interlocked.Decrement(ref work.Unfinished) == 0) Finished.Set();
        }
    }

    private static void Grow(int count)
    {
        var grown = new Worker[count];
        Array.Copy(workers, grown, workers.Length);
        for (int w = workers.Length; w < count; w++) grown[w] = new Worker(w + 1);
        workers = grown;
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim wake = new(false, 2000);

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"AutoDiff kernel worker {index}" };
            thread.Start();
            // Trap: ManualResetEventSlim allocates its lock object (24 B) the first time a Wait
            // really blocks, which could be any later call; a short timed wait that blocks does it now.
            wake.Wait(1);
        }

        public void Wake() => wake.Set();

        private void Loop()
        {
            while (true)
            {
                wake.Wait();
                wake.Reset();
                var work = Volatile.Read(ref current);
                if (work is null) continue;
                long claims = Volatile.Read(ref work.Claims);
                Help(work, claims >> (2 * PartitionedWork.PartBits), byWorker: true);
            }
        }
    }
}
