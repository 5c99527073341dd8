using System.Runtime.ExceptionServices;

namespace AutoDiff.Kernels;

/// <summary>One piece of work split into <c>parts</c> independent parts.</summary>
internal abstract class PartitionedWork
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    public abstract void Run(int part, int parts);
}

/// <summary>
/// A small pool of long-lived background threads that run the parts of one
/// <see cref="PartitionedWork"/> at a time, the caller running part 0. No allocation per call
/// after the threads exist. A caller that finds the pool busy (another thread is using it)
/// runs all parts itself, so concurrent callers never wait on each other.
/// </summary>
internal static class WorkerPool
{
    private static readonly Lock Gate = new();
    private static Worker[] workers = [];
    private static long parallelRuns;

    /// <summary>How many calls have run on more than one thread (lets tests check a split really happened).</summary>
    internal static long ParallelRuns => Interlocked.Read(ref parallelRuns);

    /// <summary>Runs parts 0..<paramref name="parts"/>-1 of <paramref name="work"/>, in parallel when the pool is free.</summary>
    public static void Run(PartitionedWork work, int parts)
    {
        if (parts <= 1 || !Gate.TryEnter())
        {
            for (int p = 0; p < parts; p++) work.Run(p, parts);
            return;
        }
        try
        {
            if (workers.Length < parts - 1) Grow(parts - 1);
            Interlocked.Increment(ref parallelRuns);
            for (int w = 0; w < parts - 1; w++) workers[w].Start(work, w + 1, parts);
            Exception? first = null;
            try { work.Run(0, parts); }
            catch (Exception e) { first = e; }
            for (int w = 0; w < parts - 1; w++)
            {
                var e = workers[w].Wait();
                first ??= e;
            }
            if (first is not null) ExceptionDispatchInfo.Throw(first);
        }
        finally
        {
            Gate.Exit();
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
        private readonly ManualResetEventSlim start = new(false, 2000);
        private readonly ManualResetEventSlim done = new(false, 2000);
        private PartitionedWork? work;
        private int part, parts;
        private Exception? error;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"AutoDiff kernel worker {index}" };
            thread.Start();
            // Trap: ManualResetEventSlim allocates its lock object (24 B) the first time a Wait
            // really blocks, which could be any later call; a short timed wait that blocks does it now.
            done.Wait(1);
        }

        public void Start(PartitionedWork w, int p, int n)
        {
            (work, part, parts, error) = (w, p, n, null);
            done.Reset();
            start.Set();
        }

        public Exception? Wait()
        {
            done.Wait();
            work = null;
            return error;
        }

        private void Loop()
        {
            while (true)
            {
                start.Wait();
                start.Reset();
                try { work!.Run(part, parts); }
                catch (Exception e) { error = e; }
                done.Set();
            }
        }
    }
}
