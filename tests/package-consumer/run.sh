#!/usr/bin/env bash
# Packs AutoDiff into a temporary folder feed, builds and runs a consumer project that defines its
# own Swish and whole-function objectives against that package (calling their generated Gradient and
# Tangent), then checks that an unsupported body (a while loop) fails with a clear AD0014.
# Usage (from the repository root): tests/package-consumer/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="0.0.0-consumer.$(date +%s)"   # fresh version: never a stale copy from a NuGet cache

dotnet pack "$root/src/AutoDiff" -c Release -o "$work/feed" -p:Version="$version" --nologo -v:q
unzip -l "$work/feed/AutoDiff.$version.nupkg" | grep -q "analyzers/dotnet/cs/AutoDiff.Generators.dll" \
  || { echo "package-consumer: the generator is not under analyzers/dotnet/cs" >&2; exit 1; }

mkdir "$work/consumer"
cp "$here/Consumer.csproj" "$here/MyActivations.cs" "$here/Program.cs" "$work/consumer/"
cat > "$work/consumer/NuGet.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <!-- The local feed on top of the machine's usual sources (which supply the dependencies). -->
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
CONFIG

props=(-p:AutoDiffVersion="$version" -p:RestorePackagesPath="$work/packages")
dotnet run --project "$work/consumer" -c Release "${props[@]}"

cp "$here/Unsupported.cs.txt" "$work/consumer/Unsupported.cs"
if dotnet build "$work/consumer" -c Release "${props[@]}" --no-restore > "$work/bad.log" 2>&1; then
  echo "package-consumer: a while loop in a [Differentiable] body compiled; expected AD0014" >&2; exit 1
fi
grep -q "error AD0014" "$work/bad.log" \
  || { cat "$work/bad.log" >&2; echo "package-consumer: expected AD0014 in the build output" >&2; exit 1; }
grep -m1 "error AD0014" "$work/bad.log"
echo "package-consumer: OK ($version)"
