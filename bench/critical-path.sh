#!/usr/bin/env bash
# Benchmark 3: builds at the critical path. A generated tree of LEVELS x WIDTH images (default 4 x 6 = 24),
# each image FROM one image of the level above and doing `RUN sleep STEP` (default 3 s), built for real by
# the Docker Engine with `--jobs 1` and with `--jobs WIDTH` (no cache, as by default; --no-publish, so the
# figure is the build schedule, not registry pushes). Prints wall times and the critical-path bound
# LEVELS x STEP. Needs the Docker Engine (scripts/start.sh) and makes the base image with scripts/base-image.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# BUILDER=buildkit builds through BuildKit (`build --buildkit`) instead of the classic builder.
# SKIP_SERIAL=1 skips the --jobs 1 phase (for iterating on the --jobs WIDTH figure). TIMELINE=DIR keeps each
# build's `--info` output in DIR, every line prefixed with seconds since the build command started.
# FLOOR_ROUNDS=N (default 2; 0 skips): then N rounds of `build --jobs WIDTH` and Docker's own floor (docker_floor.py:
# the same images as plain `docker build`s level by level, every image of a level at once), alternately, for each
# builder of FLOOR_BUILDERS (default BUILDER): medians and the ratio Image Tree / floor (issue 24: <= 1.05).
LEVELS="${LEVELS:-4}"; WIDTH="${WIDTH:-6}"; STEP="${STEP:-3}"; BUILDER="${BUILDER:-classic}"
FLOOR_ROUNDS="${FLOOR_ROUNDS:-2}"; read -r -a FLOOR_BUILDERS <<<"${FLOOR_BUILDERS:-$BUILDER}"
SKIP_SERIAL="${SKIP_SERIAL:-0}"; TIMELINE="${TIMELINE:-}"
info_flag=(); [ -n "$TIMELINE" ] && { info_flag=(--info); mkdir -p "$TIMELINE"; }
phases=(1 "$WIDTH"); [ "$SKIP_SERIAL" = 1 ] && phases=("$WIDTH")
builder_flag=(); [ "$BUILDER" = buildkit ] && builder_flag=(--buildkit)
DOCKER="${DOCKER:-/usr/bin/docker}"
n=$((LEVELS * WIDTH))
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-bench3.XXXXXX")"
cleanup() {
  # Remove only the images this run made (all under our registry host), then the registry.
  if [ -n "${REGISTRY_HOST:-}" ]; then
    "$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$REGISTRY_HOST/" | xargs -r "$DOCKER" rmi -f >/dev/null 2>&1 || true
  fi
  stop_registry; rm -rf "$work"
}
trap cleanup EXIT
ensure_cli
start_registry "$work"
bash "$REPO/scripts/base-image.sh" imagetree-local/bookworm:latest
"$DOCKER" tag imagetree-local/bookworm:latest "$REGISTRY_HOST/bookworm:latest"
"$DOCKER" push "$REGISTRY_HOST/bookworm:latest" >/dev/null
cat >"$work/bench.yaml" <<YML
registry: $REGISTRY_HOST
base_images:
  - $REGISTRY_HOST/bookworm:latest
known_uid_mappings:
  nobody: 65534
YML
# A warm-up build of one image (as on an agent that has built before): the launcher's class-data archive then holds
# what a build loads (executor, Engine client), not only what the render in ensure_cli loaded.
python3 "$BENCH_DIR/gen_tree.py" 1 "$work/warmup" --levels 1 --entries 3 --prefix cp-warmup \
  --base "$REGISTRY_HOST/bookworm:latest" --step "RUN true" >/dev/null
(cd "$work" && "$IMAGETREE" -c bench.yaml build "${builder_flag[@]}" --no-publish "$work/warmup") >"$work/warmup.out" 2>&1 \
  || { tail -40 "$work/warmup.out" >&2; exit 1; }
declare -A wall
for jobs in "${phases[@]}"; do
  tree="$work/tree-j$jobs"
  python3 "$BENCH_DIR/gen_tree.py" "$n" "$tree" --levels "$LEVELS" --entries 3 --prefix "cp-j$jobs" \
    --base "$REGISTRY_HOST/bookworm:latest" --step "RUN sleep $STEP" >/dev/null
  log "building $n images with --jobs $jobs"
  t0="$(now)"
  (cd "$work" && "$IMAGETREE" "${info_flag[@]}" -c bench.yaml build "${builder_flag[@]}" --jobs "$jobs" --no-publish "$tree") 2>&1 \
    | if [ -n "$TIMELINE" ]; then python3 -u -c '
import sys, time
t0 = float(sys.argv[1])
for line in sys.stdin: sys.stdout.write("%7.3f %s" % (time.time() - t0, line))' "$t0"; else cat; fi >"$work/build-j$jobs.out" \
    || { tail -40 "$work/build-j$jobs.out" >&2; exit 1; }
  t1="$(now)"
  [ -n "$TIMELINE" ] && cp "$work/build-j$jobs.out" "$TIMELINE/$BUILDER-j$jobs.log"
  wall[$jobs]="$(echo "$t1 - $t0" | bc -l | xargs printf '%.1f')"
  built="$(grep -cE '^([ 0-9.]+ )?cp-j[0-9]+-[0-9]+ .* built ' "$work/build-j$jobs.out" || true)"
  [ "$built" -eq "$n" ] || { log "only $built of $n images built"; tail -40 "$work/build-j$jobs.out" >&2; exit 1; }
done
bound=$((LEVELS * STEP))
echo "== Benchmark 3: $n images in $LEVELS levels of $WIDTH, RUN sleep $STEP each, real Docker builds ($BUILDER builder) =="
machine
echo "docker: $("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null)"
[ -z "${wall[1]:-}" ] || echo "--jobs 1:      ${wall[1]} s   (serial sum of steps: $((n * STEP)) s)"
echo "--jobs $WIDTH:      ${wall[$WIDTH]} s"
echo "critical-path bound (levels x step): $bound s; ratio at --jobs $WIDTH: $(echo "${wall[$WIDTH]} / $bound" | bc -l | xargs printf '%.2f') (target <= 1.20)"
if [ -n "${wall[1]:-}" ]; then
  echo "single-image overhead, from --jobs 1: $(echo "(${wall[1]} - $n * $STEP) / $n" | bc -l | xargs printf '%.2f') s per image beyond the sleep"
  # The same bound with the step as Docker takes it: one image's build time when built alone (--jobs 1 wall / images),
  # i.e. the sleep plus the builder's own fixed cost per image. Printed beside the strict figure, not instead of it.
  step_measured="$(echo "${wall[1]} / $n" | bc -l)"
  bound_measured="$(echo "$LEVELS * $step_measured" | bc -l)"
  echo "bound with the measured step (levels x $(printf '%.2f' "$step_measured") s): $(printf '%.1f' "$bound_measured") s; ratio at --jobs $WIDTH: $(echo "${wall[$WIDTH]} / $bound_measured" | bc -l | xargs printf '%.2f')"
fi

[ "$FLOOR_ROUNDS" -gt 0 ] || exit 0
echo "== Benchmark 3b: --jobs $WIDTH against Docker's floor (the same $n builds as plain docker builds, level by level), $FLOOR_ROUNDS rounds alternately =="
echo "commands (in $work): $IMAGETREE -c bench.yaml build [--buildkit] --jobs $WIDTH --no-publish TREE"
echo "                     python3 $BENCH_DIR/docker_floor.py RENDER_JSON DIR --docker $DOCKER --builder BUILDER"
for b in "${FLOOR_BUILDERS[@]}"; do
  flag=(); [ "$b" = buildkit ] && flag=(--buildkit)
  : >"$work/it-$b.wall"; : >"$work/floor-$b.wall"
  for r in $(seq 1 "$FLOOR_ROUNDS"); do
    it_tree="$work/fr$r-$b-it"; fl_tree="$work/fr$r-$b-fl"
    python3 "$BENCH_DIR/gen_tree.py" "$n" "$it_tree" --levels "$LEVELS" --entries 3 --prefix "cp-r$r$b-it" \
      --base "$REGISTRY_HOST/bookworm:latest" --step "RUN sleep $STEP" >/dev/null
    python3 "$BENCH_DIR/gen_tree.py" "$n" "$fl_tree" --levels "$LEVELS" --entries 3 --prefix "cp-r$r$b-fl" \
      --base "$REGISTRY_HOST/bookworm:latest" --step "RUN sleep $STEP" >/dev/null
    (cd "$work" && "$IMAGETREE" -c bench.yaml render --format json "$fl_tree") >"$work/fr$r-$b.json"
    run_it() {
      local load t0 t1; load="$(cut -d' ' -f1 /proc/loadavg)"; t0="$(now)"
      (cd "$work" && "$IMAGETREE" -c bench.yaml build "${flag[@]}" --jobs "$WIDTH" --no-publish "$it_tree") >"$work/fr$r-$b-it.out" 2>&1 \
        || { tail -40 "$work/fr$r-$b-it.out" >&2; exit 1; }
      t1="$(now)"; echo "$t1 - $t0" | bc -l | xargs printf '%.2f\n' | tee -a "$work/it-$b.wall" | xargs printf "  round $r $b imagetree --jobs $WIDTH: %s s  load $load\n"
    }
    run_floor() {
      local load; load="$(cut -d' ' -f1 /proc/loadavg)"
      python3 "$BENCH_DIR/docker_floor.py" "$work/fr$r-$b.json" "$work/fr$r-$b-ctx" --docker "$DOCKER" --builder "$b" >"$work/fr$r-$b-fl.out" \
        || { cat "$work/fr$r-$b-fl.out" >&2; exit 1; }
      sed -n 's/^floor //p' "$work/fr$r-$b-fl.out" | tee -a "$work/floor-$b.wall" | xargs printf "  round $r $b docker floor:         %s s  load $load\n"
    }
    if [ $((r % 2)) = 1 ]; then run_it; run_floor; else run_floor; run_it; fi
  done
  mi="$(median "$work/it-$b.wall")"; mf="$(median "$work/floor-$b.wall")"
  echo "$b: median imagetree --jobs $WIDTH $mi s, docker floor $mf s, ratio $(echo "$mi / $mf" | bc -l | xargs printf '%.3f') (target <= 1.05); floor / bound $(echo "$mf / $bound" | bc -l | xargs printf '%.2f')"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
