#!/usr/bin/env bash
# The packaging check. Packs AutoDiffTape and AutoDiffTape.FsCheck (one fresh version) into a
# temporary folder feed and checks what a stranger gets: the generator under analyzers/, the build
# check, readme, licence, repository, XML docs, symbols and (from a clean tree) Source Link. Then a
# consumer project outside the repository restores both packages into an EMPTY package folder,
# defines its own Swish activation and whole-function objectives (calling their generated Gradient
# and Tangent) and runs its checks and a gradient property. Finally it checks that a consumer left
# without the generator fails with ADT0001, and that an unsupported body (a while loop) fails with a
# clear AD0014.
# Usage (from the repository root): tests/package-consumer/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="0.0.0-consumer.$(date +%s)"   # fresh version: never a stale copy from a NuGet cache
fail() { echo "package-consumer: $*" >&2; exit 1; }

# Pack from a clone of HEAD whose origin is the public repository URL, so that Source Link maps the
# sources as in a release build; with uncommitted changes, pack the working tree as it is instead.
repo_url="$(dotnet msbuild "$root/src/AutoDiff/AutoDiff.csproj" -getProperty:RepositoryUrl -nologo)"
src="$root"
if [ -z "$(git -C "$root" status --porcelain 2>/dev/null)" ] && git -C "$root" rev-parse HEAD > /dev/null 2>&1; then
  git clone -q "$root" "$work/repo"
  git -C "$work/repo" remote set-url origin "$repo_url.git"
  src="$work/repo"
else
  echo "package-consumer: uncommitted changes: packing the working tree; the Source Link check is skipped"
fi
pack=(-c Release -o "$work/feed" -p:Version="$version" -p:ContinuousIntegrationBuild=true --nologo -v:q)
dotnet pack "$src/src/AutoDiff" "${pack[@]}"
dotnet pack "$src/src/AutoDiff.FsCheck" "${pack[@]}"

main="$work/feed/AutoDiffTape.$version"
fscheck="$work/feed/AutoDiffTape.FsCheck.$version"
for f in "$main.nupkg" "$main.snupkg" "$fscheck.nupkg" "$fscheck.snupkg"; do [ -f "$f" ] || fail "missing $(basename "$f")"; done
listing="$(unzip -l "$main.nupkg")"
for entry in analyzers/dotnet/cs/AutoDiff.Generators.dll buildTransitive/AutoDiffTape.targets build/AutoDiffTape.targets \
             lib/net10.0/AutoDiff.dll lib/net10.0/AutoDiff.xml README.md; do
  grep -q " $entry\$" <<< "$listing" || fail "AutoDiffTape.nupkg has no $entry"
done
grep -q " lib/net10.0/AutoDiff.FsCheck.xml\$" <<< "$(unzip -l "$fscheck.nupkg")" || fail "AutoDiffTape.FsCheck.nupkg has no XML docs"
nuspec="$(unzip -p "$main.nupkg" AutoDiffTape.nuspec)"
for field in '<license type="expression">MIT</license>' '<readme>README.md</readme>' "<repository type=\"git\" url=\"$repo_url"; do
  grep -qF "$field" <<< "$nuspec" || fail "AutoDiffTape.nuspec lacks $field"
done
# (grep -q reads no further than its match: with pipefail, never pipe into it; read whole files first.)
grep -qE "<dependency id=\"AutoDiffTape\" version=\"$version\" (include=\"All\" )?/>" <<< "$(unzip -p "$fscheck.nupkg" AutoDiffTape.FsCheck.nuspec)" \
  || fail "AutoDiffTape.FsCheck does not depend on AutoDiffTape $version with its analyzers and build check"
grep -q " lib/net10.0/AutoDiff.pdb\$" <<< "$(unzip -l "$main.snupkg")" || fail "the symbols package has no AutoDiff.pdb"
if [ "$src" != "$root" ]; then
  commit="$(git -C "$src" rev-parse HEAD)"
  raw="${repo_url/https:\/\/github.com\//https://raw.githubusercontent.com/}/$commit/*"
  unzip -p "$main.snupkg" lib/net10.0/AutoDiff.pdb > "$work/AutoDiff.pdb"
  grep -aqF "$raw" "$work/AutoDiff.pdb" || fail "AutoDiff.pdb has no Source Link to $raw"
  echo "package-consumer: Source Link maps the sources to $raw"
fi

mkdir "$work/consumer"
cp "$here/Consumer.csproj" "$here"/*.cs "$work/consumer/"
cat > "$work/consumer/NuGet.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <!-- The local feed on top of the machine's usual sources (which supply the dependencies). -->
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
CONFIG

# An empty package folder: both packages (and their dependencies) restore from scratch.
props=(-p:AutoDiffVersion="$version" -p:RestorePackagesPath="$work/packages")
dotnet run --project "$work/consumer" -c Release "${props[@]}"
for id in autodifftape autodifftape.fscheck; do
  [ -d "$work/packages/$id/$version" ] || fail "$id $version was not restored into the empty package folder"
done

# A build left without the generator (here: one that drops it from its analyzers) fails with ADT0001,
# which says why and what to do, before the compiler reports missing generated names.
if dotnet build "$work/consumer" -c Release "${props[@]}" --no-restore -p:AutoDiffDropGenerator=true > "$work/nogen.log" 2>&1; then
  fail "a consumer without the generator compiled; expected ADT0001"
fi
grep -q "error ADT0001" "$work/nogen.log" || { cat "$work/nogen.log" >&2; fail "expected ADT0001 in the build output"; }
if grep -q "error CS" "$work/nogen.log"; then cat "$work/nogen.log" >&2; fail "the compiler ran before the ADT0001 check"; fi
grep -m1 -o "error ADT0001: [^[]*" "$work/nogen.log" | cut -c1-160

cp "$here/Unsupported.cs.txt" "$work/consumer/Unsupported.cs"
if dotnet build "$work/consumer" -c Release "${props[@]}" --no-restore > "$work/bad.log" 2>&1; then
  fail "a while loop in a [Differentiable] body compiled; expected AD0014"
fi
grep -q "error AD0014" "$work/bad.log" \
  || { cat "$work/bad.log" >&2; fail "expected AD0014 in the build output"; }
grep -m1 "error AD0014" "$work/bad.log"
echo "package-consumer: OK ($version)"
