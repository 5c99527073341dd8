#!/usr/bin/env bash
# Reproduces every number in benchmarks/RESULTS.md: the AutoDiff suites (GEMM, activations and
# derivatives, scalar tape, Rosenbrock, MLP step), then the side-by-side comparisons with TorchSharp:
# the interleaved harness (steady state, cold start, GEMM), then the BenchmarkDotNet MLP suite.
# Roughly 30-45 minutes (estimated from its parts), most of it the BenchmarkDotNet suites (ShortRun);
# SIDE_BY_SIDE_ONLY=1 (the interleaved harness alone) takes about 5 minutes.
# Pass a filter to run a subset of the BenchmarkDotNet suites, e.g. benchmarks/run.sh '*Rosenbrock*';
# set SIDE_BY_SIDE_ONLY=1 to run only the interleaved harness.
# Check `uptime` first: on a shared 2-core machine, quote medians and same-run ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-*}"
uptime
if [ -z "${SIDE_BY_SIDE_ONLY:-}" ]; then
  dotnet build benchmarks/AutoDiff.Benchmarks -c Release --nologo -v:q
  bench=benchmarks/AutoDiff.Benchmarks/bin/Release/net10.0/AutoDiff.Benchmarks.dll
  dotnet "$bench" --peak                              # the FMA peak that GFLOP/s percentages refer to
  dotnet "$bench" --profile-step 1,32,128,1024 1      # where a training step goes (thread CPU time)
  dotnet "$bench" --profile-update 32,128,1024 2      # 2 threads: the update split as the products, or on the caller
  dotnet "$bench" --profile-tape                      # the scalar tape, against a minimal tape
  dotnet "$bench" --profile-higher                    # Hvp/Gradient and Jvp/Forward, interleaved (thread CPU time)
  # the scalar tape before the higher-order merge (e401ee6), after it (1b67e66) and now, in one process
  benchmarks/AutoDiff.AB/ab.sh chain:10000,rosenbrock:1000 10 e401ee6 1b67e66 HEAD
  # the MLP step (AutoDiff alone) before issue 12's phase 2 (1b67e66) and now, 1 and 2 threads
  benchmarks/AutoDiff.AB/ab.sh step:1:1,step:32:1,step:128:1,step:1024:1,step:1:2,step:32:2,step:128:2,step:1024:2 5 1b67e66 HEAD
  dotnet "$bench" --filter "$filter" --job short
fi

# The TorchSharp projects are not part of AutoDiff.sln (libtorch is ~600 MB): build them here.
dotnet build benchmarks/AutoDiff.SideBySide -c Release --nologo -v:q
side=benchmarks/AutoDiff.SideBySide/bin/Release/net10.0/AutoDiff.SideBySide.dll
dotnet "$side" --mode steady --threads 1   # one process, interleaved rounds, 1 thread
dotnet "$side" --mode alone --threads 2 --repeats 9   # 2 threads: each library alone in its own process
dotnet "$side" --mode cold         # fresh processes, steps 1..N from launch
OMP_WAIT_POLICY=PASSIVE dotnet "$side" --mode gemm   # GEMM against libtorch, 1 and 2 threads (OpenMP workers passive, so they do not spin on the core AutoDiff's worker needs)

if [ -z "${SIDE_BY_SIDE_ONLY:-}" ]; then
  dotnet build benchmarks/AutoDiff.Benchmarks.Torch -c Release --nologo -v:q
  torch=benchmarks/AutoDiff.Benchmarks.Torch/bin/Release/net10.0/AutoDiff.Benchmarks.Torch.dll
  dotnet "$torch" --check
  dotnet "$torch" --check-hvp       # both libraries' Hessian-vector products agree before they are timed
  dotnet "$torch" --interleaved-hvp 30   # Hvp side by side in interleaved rounds
  dotnet "$torch" --filter "$filter" --job short
fi
uptime
