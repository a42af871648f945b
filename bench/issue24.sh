#!/usr/bin/env bash
# Issue 24 in one sitting: every figure bench/RESULTS.md section 0 needs, each printed with the machine's load and the
# command that reproduces it. Run it on a quiet machine (nothing else building or testing): ~10-13 minutes there (13 min at load 10).
#   1. paired no-op build of the 125 production images, imagetree and docker-pkg (as installed) alternately, and the
#      warm-JVM figure of the buildImageTree step's engine call (bench/paired-noop.sh, RUNS each)
#   2. the same paired no-op with RTT_MS (2) ms of round trip in front of the registry for both tools
#   3. the plan of a generated 10,000-image tree (bench/scale.sh 10000: < 10 s, < 1 GiB)
#   4. builds at the critical path: 24 images, 4 levels of 6, RUN sleep 3, --jobs 6, BuildKit and the classic builder,
#      each against the same docker builds level by level (bench/critical-path.sh; <= 1.05 x that floor)
#   1d. the launcher's class caches compared (bench/launcher-variants.sh): which one bin/imagetree should keep
#   JAVA17=1 adds 1 again with the launcher on Java 17 (static CDS archive) instead of the newest Java (AOT cache).
# Everything goes to standard output and to LOG (default bench-issue24-<time>.log in the current directory).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
RUNS="${RUNS:-7}"; RTT="${RTT_MS:-2}"; ROUNDS="${FLOOR_ROUNDS:-3}"
LOG="${LOG:-$PWD/bench-issue24-$(date -u +%Y%m%dT%H%M%SZ).log}"
exec > >(tee "$LOG") 2>&1
step() {  # step TITLE ENV... -- COMMAND...: prints the title, the load and the command, runs it, prints its time
  local title="$1"; shift
  local envs=(); while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  echo
  echo "######## $title"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%T) UTC"
  echo "# command: (cd $REPO && $(printf '%q ' "${envs[@]}" "$@"))"
  local t0; t0="$(now)"
  (cd "$REPO" && env "${envs[@]}" "$@") || echo "# FAILED: exit $?"
  echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg); took $(echo "$(now) - $t0" | bc -l | xargs printf '%.0f') s"
}
echo "== Issue 24, all figures in one sitting =="
machine
echo "launcher:"; "$IMAGETREE" --launcher-info | sed 's/^/  /'
echo "other processes using CPU now (top 5):"; ps -eo pcpu,comm --sort=-pcpu | sed -n '2,6p' | sed 's/^/  /'
step "1. paired no-op, no added latency; 1c: warm-JVM step" RUNS="$RUNS" RTT_MS=0 INPROCESS=1 CALLS=20 -- bash bench/paired-noop.sh
step "2. paired no-op, RTT_MS=$RTT" RUNS="$RUNS" RTT_MS="$RTT" INPROCESS=0 -- bash bench/paired-noop.sh
if [ "${JAVA17:-0}" = 1 ]; then
  j17="$(ls -d /usr/lib/jvm/java-17-openjdk-*/bin/java 2>/dev/null | head -1)"
  step "1 on Java 17 (static CDS archive)" IMAGETREE_JAVA="$j17" RUNS="$RUNS" RTT_MS=0 INPROCESS=0 -- bash bench/paired-noop.sh
fi
step "1d. the launcher's class caches (AOT cache, static archive, none; Java 25 and 17), imagetree alone" RUNS=8 -- \
  bash bench/launcher-variants.sh
step "3. plan of 10,000 generated images" MODES="--no-pull pull" -- bash bench/scale.sh 10000
step "4. critical path against Docker's floor (BuildKit and classic)" SKIP_SERIAL=1 BUILDER=buildkit \
  FLOOR_ROUNDS="$ROUNDS" FLOOR_BUILDERS="buildkit classic" -- bash bench/critical-path.sh
echo
echo "== done; log: $LOG; load $(cut -d' ' -f1-3 /proc/loadavg) =="
