using AutoDiff.Benchmarks.Torch;
using BenchmarkDotNet.Running;

if (args.Contains("--check"))
    return LossCheck.Run(Console.Out, 1, 32, 128) & ConvCheck.Run(Console.Out) ? 0 : 1;
if (args.Contains("--side-by-side"))
{
    int at = Array.IndexOf(args, "--side-by-side");
    ConvSideBySide.Run(Console.Out, at + 1 < args.Length && int.TryParse(args[at + 1], out int rounds) ? rounds : 100);
    return 0;
}
if (args.Contains("--check-hvp"))
    return HvpCheck.Run(Console.Out) ? 0 : 1;
if (args.Length > 0 && args[0] == "--interleaved-hvp")
{
    HvpInterleaved.Run(Console.Out, args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return 0;
}

// Always in-process (InProcessEmitToolchain): BenchmarkDotNet's default toolchain builds a child
// project whose own copy of libLibTorchSharp.so misses this project's ELF patch (README.md).
// Passed as the --inProcess flag rather than as a job in a config: a config's job would silently
// replace the command line's --job choice.
if (!args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) && !args.Contains("-i"))
    args = [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(MlpStepBenchmarks).Assembly).Run(args);
return 0;
