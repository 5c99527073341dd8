using AutoDiff.Benchmarks;
using BenchmarkDotNet.Running;

// --profile-step 1,32,128,1024 [threads]: a Stopwatch breakdown of one MLP training step (StepProfile.cs).
if (args.Length > 1 && args[0] == "--profile-step")
{
    StepProfile.Run(args[1].Split(',').Select(int.Parse).ToArray(), args.Length > 2 ? int.Parse(args[2]) : 1, Console.Out);
    return;
}
// --profile-update 128,1024 [threads=2]: the step with its update split as the products, or on the caller (StepProfile.cs).
if (args.Length > 1 && args[0] == "--profile-update")
{
    StepProfile.RunUpdateLocality(args[1].Split(',').Select(int.Parse).ToArray(), args.Length > 2 ? int.Parse(args[2]) : 2, Console.Out);
    return;
}
// --peak: one core's float32 FMA peak (FmaPeak.cs), the reference for GFLOP/s percentages.
if (args.Length > 0 && args[0] == "--peak")
{
    FmaPeak.Run(Console.Out);
    return;
}
// --profile-tape: where the scalar tape's time goes (TapeProfile.cs).
if (args.Length > 0 && args[0] == "--profile-tape")
{
    TapeProfile.Run(Console.Out);
    return;
}
// --profile-higher: Hvp/Gradient and Jvp/Forward as same-run ratios, interleaved (HigherOrderProfile.cs).
if (args.Length > 0 && args[0] == "--profile-higher")
{
    HigherOrderProfile.Run(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
