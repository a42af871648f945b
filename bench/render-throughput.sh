#!/usr/bin/env bash
# Benchmark 4: render throughput of the 125 production templates: in one warm JVM (RenderThroughput.java,
# renders per second on one thread and on all cores) and as the whole `imagetree render` process (median of 5).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}"
TREE="$SHARED/conformance/production-images"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-bench4.XXXXXX")"
trap 'rm -rf "$work"' EXIT
ensure_cli
echo "== Benchmark 4: render throughput, $TREE/images =="
machine
java -cp "${IMAGETREE_JAR:-$REPO/cli/target/imagetree-cli-all.jar}" "$BENCH_DIR/RenderThroughput.java" "$TREE/config.yaml" "$TREE/images" "$SECONDS_PER_RUN" 2>&1 | grep -v '^SLF4J'
"$IMAGETREE" -c "$TREE/config.yaml" render "$TREE/images" >/dev/null 2>&1
: >"$work/times"
for _ in 1 2 3 4 5; do
  /usr/bin/time -o "$work/t" -f "%e" "$IMAGETREE" -c "$TREE/config.yaml" render "$TREE/images" >/dev/null 2>&1
  cat "$work/t" >>"$work/times"
done
m="$(median "$work/times")"
echo "whole process (imagetree render, JVM start included): median $m s = $(echo "125 / $m" | bc -l | xargs printf '%.0f') templates/s"
