#!/usr/bin/env bash
# Same-process A/B of the MLP training step between two commits (default: main and the current HEAD):
# each commit's tree is exported with git archive, the StepRunner built against it, and both runs loaded
# side by side by StepAB (see Program.cs). Usage: benchmarks/StepAB/ab.sh [A=main] [B=HEAD] [rounds=30] [--backward]
# (--backward: a second table timing Tape.Backward alone, in the same process after the whole-step table)
set -euo pipefail
cd "$(dirname "$0")/../.."
a="${1:-main}" b="${2:-HEAD}" rounds="${3:-30}" backward="${4:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in A B; do
  ref=$a; [ $side = B ] && ref=$b
  mkdir -p "$work/src-$side"
  git archive "$ref" | tar -x -C "$work/src-$side"
  dotnet build benchmarks/StepAB/StepRunner -c Release --nologo -v:q -p:AutoDiffDir="$work/src-$side" \
    -o "$work/$side-$(git rev-parse --short "$ref")"
done
dotnet build benchmarks/StepAB -c Release --nologo -v:q -o "$work/host"
uptime
dotnet "$work/host/StepAB.dll" "$work"/A-* "$work"/B-* "$rounds"
uptime
if [ "$backward" = --backward ]; then
  dotnet "$work/host/StepAB.dll" "$work"/A-* "$work"/B-* "$rounds" --backward
  uptime
fi
