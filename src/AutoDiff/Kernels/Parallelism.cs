namespace AutoDiff.Kernels;

/// <summary>
/// How many threads the kernels (<see cref="Gemm"/>) may use at once. Results do not depend on
/// this setting: every kernel fixes its reduction order independently of the thread count.
/// </summary>
public static class Parallelism
{
    private static int maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// The largest number of threads one kernel call may use, the calling thread included.
    /// Defaults to <see cref="Environment.ProcessorCount"/>; 1 runs everything on the caller.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref maxThreads, value);
        }
    }
}
