using System.Runtime.InteropServices;

namespace AutoDiff.SideBySide;

/// <summary>The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>; NaN elsewhere).</summary>
public static class ThreadCpu
{
    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        clock_gettime(3, out var ts);
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int clock_gettime(int clock, out TimeSpec time);
}
