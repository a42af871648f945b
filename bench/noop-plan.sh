#!/usr/bin/env bash
# Benchmark 1: no-op `build` of the 125 production images, every name:tag already in the registry.
# Starts its own registry on a free loopback port, pushes a tiny image under every label, base image
# and in-registry FROM reference, then times `imagetree -c bench.yaml build images` as a whole
# process (median of RUNS, after a warm-up that also makes the CDS archive) and counts the registry
# requests of each run from the registry's access log.
# REGISTRY_TLS=1: the registry serves HTTPS (as docker-pkg's 1.4 s figure was measured), with HTTP/2 unless
# REGISTRY_H2=0. RTT_MS=N: a proxy adds N ms per exchange, as a registry across a network; the run then also
# prints the TCP connections opened and the latency rounds the wall time holds (see bench/README.md).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS="${RUNS:-5}"
TREE="$SHARED/conformance/production-images"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-bench1.XXXXXX")"
trap 'stop_registry; rm -rf "$work"' EXIT
# A cache directory of its own: the launcher's class-data archive is made from this run's actions (render, build).
export XDG_CACHE_HOME="$work/cache"
ensure_cli
start_registry "$work"
python3 "$BENCH_DIR/bench_config.py" "$TREE/config.yaml" "$REGISTRY_HOST" >"$work/bench.yaml"
[ "$REGISTRY_SCHEME" = https ] && echo "certs_dir: $work/certs.d" >>"$work/bench.yaml"
cd "$work"
# Every label, every base image and every FROM of the renderings that names our registry.
"$IMAGETREE" -c bench.yaml render --format json "$TREE/images" >render.json
python3 "$BENCH_DIR/refs_to_push.py" "$REGISTRY_HOST" render.json bench.yaml >refs
images="$(python3 -c 'import json,sys; print(len(json.load(open("render.json"))))')"
log "$images images, $(wc -l <refs) references to push to $REGISTRY_HOST"
push_ca=""; [ "$REGISTRY_SCHEME" = https ] && push_ca="$work/tls/cert.pem"
PUSH_CA="$push_ca" python3 "$BENCH_DIR/push_tiny.py" "$REGISTRY_HOST" "$REGISTRY_ADDR" <refs
: >times
# The launcher adds each action's classes to its class-data-sharing archive the first time it runs: this warm-up
# adds the build's (planner, HTTP client) to the render's.
"$IMAGETREE" -c bench.yaml build "$TREE/images" >warmup.out 2>&1 || { cat warmup.out >&2; exit 1; }
grep -q "Nothing to build." warmup.out || { log "the warm-up run wanted to build something:"; cat warmup.out >&2; exit 1; }
: >requests; : >cpu; : >connections
touch "$work/proxy.connections"
for i in $(seq 1 "$RUNS"); do
  before="$(registry_requests "$work")"
  conns_before="$(wc -l <"$work/proxy.connections")"
  /usr/bin/time -o time.out -f "%e %U %S" "$IMAGETREE" -c bench.yaml build "$TREE/images" >run.out 2>&1 || { cat run.out >&2; exit 1; }
  cut -d' ' -f1 time.out >>times
  awk '{print $2 + $3}' time.out >>cpu
  after="$(registry_requests "$work")"
  echo $((after - before)) >>requests
  echo $(($(wc -l <"$work/proxy.connections") - conns_before)) >>connections
done
protocol="plain HTTP/1.1"
[ "$REGISTRY_SCHEME" = https ] && protocol="HTTPS ($([ "${REGISTRY_H2:-1}" = 0 ] && echo "HTTP/1.1 only" || echo "HTTP/2 offered"))"
echo "== Benchmark 1: no-op build of $images production images (registry over $protocol on loopback${RTT_MS:+, +${RTT_MS} ms per round trip}) =="
machine
echo "wall seconds per run: $(tr '\n' ' ' <times)"
echo "median wall: $(median times) s   (imagetree alone; bench/paired-noop.sh compares with docker-pkg)"
echo "median CPU (user+sys): $(median cpu) s"
echo "registry requests per run: $(tr '\n' ' ' <requests) (images: $images)"
if [ "${RTT_MS:-0}" != 0 ]; then
  echo "TCP connections per run: $(tr '\n' ' ' <connections)"
  # BASE_WALL: the median wall of the same configuration without RTT_MS; what the latency adds, divided by one
  # round trip, is the number of sequential round trips on the run's critical path.
  [ -n "${BASE_WALL:-}" ] && echo "latency rounds per run (median wall - BASE_WALL $BASE_WALL s) / $RTT_MS ms: $(echo "($(median times) - $BASE_WALL) * 1000 / $RTT_MS" | bc -l | xargs printf '%.1f')"
fi
