#!/usr/bin/env bash
# The default build restores no native library it does not run: `dotnet build AutoDiff.sln` must not
# restore TorchSharp or libtorch (≈ 600 MB; only benchmarks/AutoDiff.Benchmarks.Torch uses them, and it
# builds only when asked by its path; see benchmarks/README.md).
# 1. NuGet's restore graph of the solution (exactly what its restore would fetch) holds neither the
#    Torch project nor any TorchSharp/libtorch dependency. (On the solution as it was before the Torch
#    project was switched off, this finds the project 4 times and the two packages twice.)
# 2. The build itself copies no libtorch or TorchSharp file anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0

dotnet msbuild AutoDiff.sln -t:GenerateRestoreGraphFile -p:RestoreGraphOutputPath="$work/graph.json" -nologo -v:q
[ -s "$work/graph.json" ] || { echo "no-libtorch: no restore graph was written" >&2; exit 1; }
if grep -q "AutoDiff.Benchmarks.Torch.csproj" "$work/graph.json"; then
  echo "no-libtorch: restoring AutoDiff.sln restores benchmarks/AutoDiff.Benchmarks.Torch" >&2; status=1
fi
if grep -qE '"(TorchSharp|libtorch[^"]*)": *\{' "$work/graph.json"; then
  echo "no-libtorch: a project restored by AutoDiff.sln depends on TorchSharp or libtorch" >&2; status=1
fi

touch "$work/marker"
sleep 1   # file times have a resolution of a second on some file systems
dotnet build AutoDiff.sln -c Release --nologo -v:q
copied="$(find . -path ./.git -prune -o -newer "$work/marker" \( -name 'libtorch*' -o -name 'TorchSharp.dll' -o -name 'libLibTorchSharp*' \) -print | head -3)"
if [ -n "$copied" ]; then echo "no-libtorch: dotnet build AutoDiff.sln copied $copied" >&2; status=1; fi

[ "$status" -eq 0 ] && echo "no-libtorch: dotnet build AutoDiff.sln restored and copied no TorchSharp and no libtorch"
exit "$status"
