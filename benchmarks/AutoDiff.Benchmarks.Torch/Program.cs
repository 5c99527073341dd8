using AutoDiff.Benchmarks.Torch;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args.Contains("--check"))
    return LossCheck.Run(Console.Out, 1, 32, 128) ? 0 : 1;

// In-process: BenchmarkDotNet's default toolchain builds a child project whose copy of
// libLibTorchSharp.so would miss the ELF patch of this project's build (see README.md).
// The job is the default one, so command-line options such as --job short apply on top of it.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(MlpStepBenchmarks).Assembly).Run(args, config);
return 0;
