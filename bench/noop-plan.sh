#!/usr/bin/env bash
# Benchmark 1: no-op `build` of the 125 production images, every name:tag already in the registry.
# Starts its own registry on a free loopback port, pushes a tiny image under every label, base image
# and in-registry FROM reference, then times `imagetree -c bench.yaml build images` as a whole
# process (median of RUNS, after a warm-up that also makes the CDS archive) and counts the registry
# round trips of each run from the registry's access log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS="${RUNS:-5}"
TREE="$SHARED/conformance/production-images"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-bench1.XXXXXX")"
trap 'stop_registry; rm -rf "$work"' EXIT
ensure_cli
start_registry "$work"
python3 "$BENCH_DIR/bench_config.py" "$TREE/config.yaml" "$REGISTRY_HOST" >"$work/bench.yaml"
cd "$work"
# Every label, every base image and every FROM of the renderings that names our registry.
"$IMAGETREE" -c bench.yaml render --format json "$TREE/images" >render.json
python3 "$BENCH_DIR/refs_to_push.py" "$REGISTRY_HOST" render.json bench.yaml >refs
images="$(python3 -c 'import json,sys; print(len(json.load(open("render.json"))))')"
log "$images images, $(wc -l <refs) references to push to $REGISTRY_HOST"
python3 "$BENCH_DIR/push_tiny.py" "$REGISTRY_HOST" <refs
: >times
# The launcher dumps its class-data-sharing archive at the end of the first real action; let that be a build
# (as on a build agent) rather than the render above, so the archive holds the planner's and HTTP client's classes.
[ "$IMAGETREE" = "$REPO/bin/imagetree" ] && rm -f "$REPO/cli/target/imagetree.jsa"
"$IMAGETREE" -c bench.yaml build "$TREE/images" >warmup.out 2>&1 || { cat warmup.out >&2; exit 1; }
grep -q "Nothing to build." warmup.out || { log "the warm-up run wanted to build something:"; cat warmup.out >&2; exit 1; }
: >requests; : >cpu
for i in $(seq 1 "$RUNS"); do
  before="$(registry_requests "$work")"
  /usr/bin/time -o time.out -f "%e %U %S" "$IMAGETREE" -c bench.yaml build "$TREE/images" >run.out 2>&1 || { cat run.out >&2; exit 1; }
  cut -d' ' -f1 time.out >>times
  awk '{print $2 + $3}' time.out >>cpu
  after="$(registry_requests "$work")"
  echo $((after - before)) >>requests
done
echo "== Benchmark 1: no-op build of $images production images (registry over plain HTTP on loopback) =="
machine
echo "wall seconds per run: $(tr '\n' ' ' <times)"
echo "median wall: $(median times) s   (target <= 0.70 s; docker-pkg ~1.4 s)"
echo "median CPU (user+sys): $(median cpu) s"
echo "registry requests per run: $(tr '\n' ' ' <requests) (images: $images)"
