namespace AutoDiff.Benchmarks;

/// <summary>
/// The higher-order goals as same-run ratios on a loaded machine: the four methods of each
/// <c>Hvp*Benchmarks</c> class (forward, gradient, Hvp, Jvp; 1 thread) timed in interleaved rounds
/// (<see cref="StepProfile.TimeInterleaved"/>), wall and thread CPU time, and the ratios Hvp/Gradient
/// (goal ≤ 5) and Jvp/Forward (goal ≤ 3). The BenchmarkDotNet classes time each method in its own
/// stretch of the run, so a load that changes between them moves their ratios; here it weighs on all alike.
/// Run: <c>dotnet run -c Release --project benchmarks/AutoDiff.Benchmarks -- --profile-higher</c>.
/// </summary>
public static class HigherOrderProfile
{
    public static void Run(TextWriter output)
    {
        output.WriteLine($"higher-order profile, 1 thread; load {File.ReadAllText("/proc/loadavg").Trim()}");
        output.WriteLine($"{"function",-22} {"forward",9} {"gradient",9} {"Hvp",9} {"Jvp",9}   Hvp/grad  Jvp/fwd   (µs per call, median)");
        var mlp = new HvpMlpBenchmarks();
        mlp.Setup();
        Row(output, "MLP 784-128-10 f32", [() => mlp.Forward(), () => mlp.Gradient(), () => mlp.Hvp(), () => mlp.Jvp()]);
        var r32 = new HvpRosenbrockBenchmarks<float>();
        r32.Setup();
        Row(output, "Rosenbrock 1e5 f32", [() => r32.Forward(), () => r32.Gradient(), () => r32.Hvp(), () => r32.Jvp()]);
        var r64 = new HvpRosenbrockBenchmarks<double>();
        r64.Setup();
        Row(output, "Rosenbrock 1e5 f64", [() => r64.Forward(), () => r64.Gradient(), () => r64.Hvp(), () => r64.Jvp()]);
        output.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static void Row(TextWriter output, string name, Action[] methods)
    {
        foreach (var m in methods) for (int i = 0; i < 5; i++) m(); // past tiered compilation
        var t = StepProfile.TimeInterleaved(methods, seconds: 6);
        output.WriteLine($"{name + " (wall)",-22} {t[0].Wall,9:0} {t[1].Wall,9:0} {t[2].Wall,9:0} {t[3].Wall,9:0}   {t[2].Wall / t[1].Wall,8:0.00} {t[3].Wall / t[0].Wall,8:0.00}");
        output.WriteLine($"{name + " (CPU)",-22} {t[0].Cpu,9:0} {t[1].Cpu,9:0} {t[2].Cpu,9:0} {t[3].Cpu,9:0}   {t[2].Cpu / t[1].Cpu,8:0.00} {t[3].Cpu / t[0].Cpu,8:0.00}");
    }
}
