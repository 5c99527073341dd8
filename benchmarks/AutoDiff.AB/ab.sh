#!/usr/bin/env bash
# Same-process A/B of AutoDiff builds: each commit's tree is exported with git archive (or the working
# tree used for "."), the Runner built against it, and all loaded side by side by the host (Program.cs),
# which times them in interleaved rounds on the calling thread's CPU time.
# Usage: benchmarks/AutoDiff.AB/ab.sh <workloads> <seconds per workload> <commit> <commit> [...]
#   e.g. benchmarks/AutoDiff.AB/ab.sh chain:10000,rosenbrock:1000 10 e401ee6 .
# Builds go to artifacts/ab/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../.."
workloads="$1" seconds="$2"; shift 2
work=artifacts/ab
mkdir -p "$work"
dirs=()
for ref in "$@"; do
  if [ "$ref" = . ]; then src=$PWD; name=worktree
  else name=$(git rev-parse --short "$ref"); src=$PWD/$work/src-$name; rm -rf "$src"; mkdir -p "$src"; git archive "$ref" | tar -x -C "$src"
  fi
  dotnet build benchmarks/AutoDiff.AB/Runner -c Release --nologo -v:q -p:AutoDiffDir="$src" -o "$work/$name" >/dev/null
  dirs+=("$work/$name")
done
dotnet build benchmarks/AutoDiff.AB -c Release --nologo -v:q -o "$work/host" >/dev/null
uptime
dotnet "$work/host/AutoDiffAB.dll" "$workloads" "$seconds" "${dirs[@]}"
