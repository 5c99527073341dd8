#!/usr/bin/env bash
# Reproduces every number in benchmarks/RESULTS.md: the AutoDiff suites (GEMM, activations and
# derivatives, scalar tape, Rosenbrock, MLP step), then the side-by-side MLP step with TorchSharp
# (after its loss check). Pass a filter to run a subset, e.g. benchmarks/run.sh '*Rosenbrock*'.
# Check `uptime` first: on a shared 2-core machine, quote medians and same-run ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-*}"
uptime
dotnet run -c Release --project benchmarks/AutoDiff.Benchmarks -- --filter "$filter" --job short
dotnet build benchmarks/AutoDiff.Benchmarks.Torch -c Release --nologo -v:q
torch=benchmarks/AutoDiff.Benchmarks.Torch/bin/Release/net10.0/AutoDiff.Benchmarks.Torch.dll
dotnet "$torch" --check
dotnet "$torch" --filter "$filter" --job short
uptime
