#!/usr/bin/env bash
# Benchmark 1b: the no-op `build` of the 125 production images, imagetree and docker-pkg side by side.
# One HTTPS registry on loopback (self-signed certificate, HTTP/2 by ALPN) holds every label, base image and
# in-registry FROM; then the two commands run alternately, RUNS (5) times each after a warm-up of each, on the
# same tree and registry, so both see the same machine load. Prints each run (wall, CPU user+sys, load), both
# medians, the ratio imagetree / docker-pkg and the CPU seconds.
# docker-pkg 4.0.4 runs unmodified through ../shared/peers/docker-pkg.sh, as an installed docker-pkg runs: its
# Debian python3 packages from their packaged bytecode, its own modules compiled once. Nothing here may change the
# peer's environment: PYTHONPYCACHEPREFIX (set here until issue 24) made Python ignore every packaged .pyc and, with
# PYTHONDONTWRITEBYTECODE=1 as on these machines, recompile requests, docker, jinja2 and the standard library on
# every run, which doubled docker-pkg's time; every figure measured that way is void (bench/RESULTS.md). Its no-op build asks the registry about every image (one GET each, one after another) and
# pulls the base images through the Docker Engine (T219398), so the pulled base images are removed at the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS="${RUNS:-5}"
TREE="$SHARED/conformance/production-images"
DOCKER_PKG="${DOCKER_PKG:-$SHARED/peers/docker-pkg.sh}"
export REGISTRY_TLS=1
# RTT_MS=N: every exchange with the registry costs N ms more (latency_proxy.py on loopback, in front of the registry
# for both tools: imagetree's checks, docker-pkg's GETs and the Docker Engine's pulls for docker-pkg), as when the
# registry is a network away.
RTT_MS="${RTT_MS:-0}"; export RTT_MS
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-paired.XXXXXX")"
cleanup() {
  [ -s "$work/dpkg-bases" ] && xargs -r docker rmi -f <"$work/dpkg-bases" >/dev/null 2>&1 || true
  stop_registry; rm -rf "$work"
}
[ -n "${KEEP:-}" ] && trap - EXIT || trap cleanup EXIT
# docker-pkg's dependencies (Debian packages; the script installs the missing ones, as root).
"$DOCKER_PKG" --help >/dev/null
# A cache directory of its own: the launcher's class-data archive is made from this run's actions (render, build).
export XDG_CACHE_HOME="$work/cache"
ensure_cli
start_registry "$work"
python3 "$BENCH_DIR/bench_config.py" "$TREE/config.yaml" "$REGISTRY_HOST" >"$work/bench.yaml"
echo "certs_dir: $work/certs.d" >>"$work/bench.yaml"
# docker-pkg's config: the production config moved to our registry, trusting its certificate (ca_bundle). Its
# base images are only the moved ones (it pulls each on every build; production's are unreachable from here).
sed "s#docker-registry.wikimedia.org#$REGISTRY_HOST#g" "$TREE/config.yaml" >"$work/dpkg.yaml"
echo "ca_bundle: $work/tls/cert.pem" >>"$work/dpkg.yaml"
grep -oE "^\s*-\s*$REGISTRY_HOST/\S+" "$work/dpkg.yaml" | sed 's/^[ -]*//' >"$work/dpkg-bases"
cd "$work"
"$IMAGETREE" -c bench.yaml render --format json "$TREE/images" >render.json
python3 "$BENCH_DIR/refs_to_push.py" "$REGISTRY_HOST" render.json bench.yaml >refs
images="$(python3 -c 'import json,sys; print(len(json.load(open("render.json"))))')"
log "$images images, $(wc -l <refs) references to push to $REGISTRY_HOST"
PUSH_CA="$work/tls/cert.pem" python3 "$BENCH_DIR/push_tiny.py" "$REGISTRY_HOST" "$REGISTRY_ADDR" <refs
export XDG_CONFIG_HOME="$work/xdg-config"  # docker-pkg also reads ~/.config/docker-pkg.yaml; not here

imagetree_cmd=("$IMAGETREE" -c bench.yaml build "$TREE/images")
docker_pkg_cmd=("$DOCKER_PKG" -c dpkg.yaml build "$TREE/images")
# Warm-ups: the launcher's caches are made (or checked) and docker-pkg's bytecode is compiled; both must find
# nothing to build.
"${imagetree_cmd[@]}" >warm-imagetree.out 2>&1 || { cat warm-imagetree.out >&2; exit 1; }
grep -q "Nothing to build." warm-imagetree.out || { log "imagetree wanted to build something:"; cat warm-imagetree.out >&2; exit 1; }
"${docker_pkg_cmd[@]}" >warm-docker-pkg.out 2>&1 || { cat warm-docker-pkg.out docker-pkg-build.log >&2; exit 1; }
if sed -n '/^Will build the following images:/,/^== Step 1/p' warm-docker-pkg.out | grep -q '^\* '; then
  log "docker-pkg wanted to build something:"; cat warm-docker-pkg.out >&2; exit 1
fi
grep -q "ERROR" warm-docker-pkg.out && { log "docker-pkg reported an error:"; cat warm-docker-pkg.out >&2; exit 1; }

: >imagetree.wall; : >imagetree.cpu; : >docker-pkg.wall; : >docker-pkg.cpu
registry_cpu() { awk '{printf "%.2f\n", ($14 + $15) / 100}' "/proc/$REGISTRY_PID/stat"; }  # its user+sys seconds so far
timed() {  # timed NAME COMMAND...: one run, appends its wall and CPU seconds, prints one line
  local name="$1" load r0 r1; shift
  load="$(cut -d' ' -f1 /proc/loadavg)"
  r0="$(registry_cpu)"
  /usr/bin/time -o "$name.time" -f "%e %U %S" "$@" >"$name.out" 2>&1 || { cat "$name.out" >&2; exit 1; }
  r1="$(registry_cpu)"
  cut -d' ' -f1 "$name.time" >>"$name.wall"
  awk '{print $2 + $3}' "$name.time" >>"$name.cpu"
  printf '  %-10s wall %5.2f s  cpu %5.2f s  registry cpu %4.2f s  load %s\n' "$name" "$(cut -d' ' -f1 "$name.time")" \
    "$(awk '{print $2 + $3}' "$name.time")" "$(echo "$r1 - $r0" | bc -l)" "$load"
}
echo "== Benchmark 1b: no-op build of $images production images, imagetree and docker-pkg alternately (HTTPS registry on loopback, HTTP/2 offered, RTT_MS=$RTT_MS) =="
machine
echo "docker-pkg: $DOCKER_PKG, $(/usr/bin/python3 --version 2>&1), environment as this shell's (PYTHONDONTWRITEBYTECODE=${PYTHONDONTWRITEBYTECODE:-unset}, PYTHONPYCACHEPREFIX=${PYTHONPYCACHEPREFIX:-unset})"
echo "launcher: $IMAGETREE"; "$IMAGETREE" --launcher-info | sed 's/^/  /'
echo "commands (in $work, XDG_CACHE_HOME=$XDG_CACHE_HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME):"
echo "  imagetree:  ${imagetree_cmd[*]}"
echo "  docker-pkg: ${docker_pkg_cmd[*]}"
[ "$RTT_MS" = 0 ] || echo "registry: $REGISTRY_ADDR behind latency_proxy.py at $REGISTRY_HOST (+$RTT_MS ms per round trip)"
for i in $(seq 1 "$RUNS"); do
  # Alternate which one goes first, so neither always follows the other's page-cache and CPU frequency state.
  if [ $((i % 2)) = 1 ]; then
    timed imagetree "${imagetree_cmd[@]}"; timed docker-pkg "${docker_pkg_cmd[@]}"
  else
    timed docker-pkg "${docker_pkg_cmd[@]}"; timed imagetree "${imagetree_cmd[@]}"
  fi
done
mi="$(median imagetree.wall)"; md="$(median docker-pkg.wall)"
echo "median wall: imagetree $mi s, docker-pkg $md s, ratio $(echo "$mi / $md" | bc -l | xargs printf '%.2f') (target <= 0.50)"
echo "median CPU (user+sys): imagetree $(median imagetree.cpu) s, docker-pkg $(median docker-pkg.cpu) s"
if [ "$RTT_MS" != 0 ] && [ -s "$work/proxy.connections" ]; then
  echo "connections through the proxy (all runs and warm-ups): $(wc -l <"$work/proxy.connections")"
fi
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
# Benchmark 1c: the same no-op through the engine as the Jenkins step calls it, in one warm JVM (an agent's), against
# the same registry: CALLS (20) calls; the first pays the JVM's warm-up, the later ones are what a busy agent sees.
if [ "${INPROCESS:-1}" = 1 ]; then
  echo "== Benchmark 1c: the same no-op in one JVM, called as the Jenkins step buildImageTree calls the engine =="
  launcher_java="$("$IMAGETREE" --launcher-info | sed -n 's/^java: \(\S*\) .*/\1/p')"
  echo "java: $launcher_java -XX:+UseSerialGC (as an agent's JVM: both compilers); command (in $work):"
  echo "  $launcher_java -XX:+UseSerialGC -cp ${IMAGETREE_JAR:-$REPO/cli/target/imagetree-cli-all.jar} $BENCH_DIR/InProcessNoop.java bench.yaml $TREE/images ${CALLS:-20} step"
  for mode in step build; do
    case "$mode" in
      step) echo "-- planned as the step plans (load + plan: every template rendered)" ;;
      build) echo "-- planned as the command line's build plans (loadAndPlanBuild: published images not rendered)" ;;
    esac
    # The Java the launcher runs (the newest found: what an agent of Jenkins 2.555 runs, 21 or 25).
    "$launcher_java" -XX:+UseSerialGC -cp "${IMAGETREE_JAR:-$REPO/cli/target/imagetree-cli-all.jar}" \
      "$BENCH_DIR/InProcessNoop.java" bench.yaml "$TREE/images" "${CALLS:-20}" "$mode" 2>&1 | grep -v '^SLF4J' | grep -v '^call ' \
      | tee "inprocess-$mode.out"
    later="$(sed -n 's/^calls 2-[0-9]*: median wall \([0-9.]*\) s.*/\1/p' "inprocess-$mode.out")"
    [ -n "$later" ] && echo "warm call against docker-pkg's cold process (median $md s): ratio $(echo "$later / $md" | bc -l | xargs printf '%.2f')"
  done
fi
