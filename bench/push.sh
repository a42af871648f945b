#!/usr/bin/env bash
# Benchmark 7 (issue 22): publishing local images with Image Tree's push (engine export, request-by-request uploads,
# mounts) against the Docker Engine's push, paired in one run (bench/PushBench.java): the 125 production images as
# tiny images (their name:version from the conformance tree's changelogs), and a generated tree whose images share
# layers. Requests and request-body bytes are counted by a proxy in front of each tool's own empty registry.
# Env: RUNS (3), JOBS (4), BASE_MB (20), MIDS (4), LEAVES (4), TREES (tiny,shared), VERBOSE. Needs the Docker Engine.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-bench7.XXXXXX")"
trap 'rm -rf "$work"' EXIT
TREE="$SHARED/conformance/production-images/images"
# name:version of every image: the first line of each changelog, as docker-pkg reads it.
find "$TREE" -name changelog | sort | while read -r c; do
  head -1 "$c" | sed -E 's/^([^ ]+) \(([^)]+)\).*/\1:\2/' | tr '~+' '--'
done >"$work/names"
log "$(wc -l <"$work/names") images"
cd "$REPO"
. "$REPO/scripts/lib.sh"
use_build_jdk
./mvnw -B -q -ntp -pl core -am test-compile
./mvnw -B -q -ntp -pl core dependency:build-classpath -Dmdep.outputFile="$work/core.cp" -Dmdep.includeScope=test
echo "== Benchmark 7: publishing, Image Tree's push against the Docker Engine's (paired) =="
machine
java -cp "core/target/classes:core/target/test-classes:$(cat "$work/core.cp")" bench/PushBench.java "$work/names"
