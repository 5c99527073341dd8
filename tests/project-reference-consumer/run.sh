#!/usr/bin/env bash
# The second consumer: a project outside the repository that references src/AutoDiff and
# src/AutoDiff.FsCheck by ProjectReference (plus the one Import line the README gives), compiles the
# package consumer's code (its own [Differentiable] Swish, derivative and tape checks, a gradient
# property) and runs it: the generator reached it through the ProjectReference.
# Usage (from the repository root): tests/project-reference-consumer/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir "$work/consumer"
cp "$here/ProjectReferenceConsumer.csproj" "$work/consumer/"
# Built Release like the rest; its own obj/bin stay in the temporary folder.
dotnet run --project "$work/consumer" -c Release -p:AutoDiffRoot="$root/"
echo "project-reference-consumer: OK"
