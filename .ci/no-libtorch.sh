#!/usr/bin/env bash
# The default build restores no native library it does not run: `dotnet build AutoDiff.sln` must not
# restore TorchSharp or libtorch (≈ 600 MB; only benchmarks/AutoDiff.Benchmarks.Torch uses them, and
# it builds only when asked by its path; see benchmarks/README.md). Checks every NuGet assets file the
# build wrote or kept, and that the Torch project was neither restored nor built.
set -euo pipefail
cd "$(dirname "$0")/.."
marker="$(mktemp)"
trap 'rm -f "$marker"' EXIT
sleep 1   # file times have a resolution of a second on some file systems
dotnet build AutoDiff.sln -c Release --nologo -v:q
torch=benchmarks/AutoDiff.Benchmarks.Torch
status=0
while IFS= read -r assets; do
  case "$assets" in "./$torch/"*) continue ;; esac
  if grep -qiE '"(libtorch[^"/]*|TorchSharp)/' "$assets"; then echo "no-libtorch: $assets restores TorchSharp or libtorch" >&2; status=1; fi
done < <(find . -path ./.git -prune -o -name project.assets.json -print)
touched="$(find "$torch" -newer "$marker" \( -name project.assets.json -o -name '*.dll' \) -print 2>/dev/null | head -3)"
if [ -n "$touched" ]; then echo "no-libtorch: dotnet build AutoDiff.sln restored or built $torch: $touched" >&2; status=1; fi
large="$(find . -path ./.git -prune -o -newer "$marker" -name 'libtorch*.so*' -print | head -3)"
if [ -n "$large" ]; then echo "no-libtorch: the build copied $large" >&2; status=1; fi
[ "$status" -eq 0 ] && echo "no-libtorch: dotnet build AutoDiff.sln restored no TorchSharp and no libtorch"
exit "$status"
