#!/usr/bin/env bash
# 6. Service pipelines (issue 21): Image Tree's `pipeline plan` and `pipeline run` against PipelineLib's way of doing
# the same work, one process per step (a `blubber` to compile each variant, a `docker` for each build, run, tag,
# push and removal), paired, alternately, RUNS (5) each after a warm-up of each.
#
#   A. the plan of a 20-stage config (4 independent arcs of 5 stages: builds, runs, exports, a list comprehension):
#      `imagetree pipeline plan --format json` (read, the whole schema, graph, every expression, every step
#      evaluated) against what PipelineLib's way pays just to learn what its 20 build steps build: 20 `blubber`
#      processes. PipelineLib also validates the file with ajv in a container first; no ajv image can be had here,
#      so that is left out, in PipelineLib's favour.
#   B. a service1-shaped run (PipelineLib's systemtests/repo1, re-expressed in core/src/test/resources: `unit` and
#      `lint` built and run in parallel, then `candidate` built and published), against a registry of its own holding
#      the base image: `imagetree pipeline run --pipeline service1 --jobs 2` against a shell script doing what
#      PipelineRunner does for the same stages (DOCKER_BUILDKIT=1 docker build --pull --iidfile, docker run --name,
#      docker tag, docker push, then docker rm -f and docker rmi), the same stages in parallel the same way;
#      and the same script with the Dockerfiles compiled before the clock starts ("docker only"), the lower bound of
#      PipelineLib's way whatever its blubber costs.
#
# These machines have no bridge network: builds and runs of both sides use host networking (--network host).
# No `blubber` binary can be installed here: `imagetree blubber compile` (the same CLI, its class-data cache warm)
# stands in for it, which is slower than Blubber's Go binary: read the "docker only" column for a fair figure.
# The machine is shared: load averages are printed; CPU seconds (user + sys of every process) are steadier.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS="${RUNS:-5}"
DOCKER="${DOCKER:-/usr/bin/docker}"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-bench-pipeline.XXXXXX")"
cleanup() { [ -n "${REGISTRY_PID:-}" ] && stop_registry; rm -rf "$work"; }
trap cleanup EXIT
machine
"$IMAGETREE" --version >/dev/null

# --- A. the 20-stage plan ------------------------------------------------------------------------------------------
plan="$work/plan"; mkdir -p "$plan/.pipeline"
python3 - "$plan" <<'PY'
import sys
d = sys.argv[1]
stages, arcs, variants = [], [], []
for a in range(4):
    arc = []
    for s in range(5):
        n = f"s{a}{s}"
        arc.append(n)
        variants.append(f"  {n}:\n    entrypoint: [echo, {n}]\n")
        st = f"      - name: {n}\n        build: {n}\n        run:\n          arguments: ['--{n}']\n          tail: 2\n"
        if s > 0:
            p = f"s{a}{s-1}"
            st += f"        exports:\n          chain: '${{{p}.imageID}}-${{.imageID}}'\n"
        if s == 4:
            st += f"        copy:\n          $each: f\n          $in: '${{.output}}'\n          $yield: {{source: '/srv/${{.f}}', destination: 'out/{n}/${{.f}}'}}\n"
        stages.append(st)
    arcs.append(arc)
open(f"{d}/.pipeline/config.yaml", "w").write("pipelines:\n  twenty:\n    stages:\n" + "".join(stages)
    + "    execution:\n" + "".join(f"      - [{', '.join(a)}]\n" for a in arcs))
import os
os.makedirs(f"{d}/.pipeline/twenty", exist_ok=True)
open(f"{d}/.pipeline/twenty/blubber.yaml", "w").write("version: v4\nbase: registry.example/bookworm:20240303\nvariants:\n" + "".join(variants))
PY
git -C "$plan" init -q; git -C "$plan" remote add origin https://gerrit.example.org/r/bench
"$IMAGETREE" pipeline plan --format json "$plan" >/dev/null
"$IMAGETREE" blubber compile "$plan/.pipeline/twenty/blubber.yaml" s00 >/dev/null
: >"$work/a-it.wall"; : >"$work/a-it.cpu"; : >"$work/a-pl.wall"; : >"$work/a-pl.cpu"
timed() { # timed WALLFILE CPUFILE CMD...: wall and user+sys CPU of CMD and its children
  local s e wall="$1" cpu="$2"; shift 2; s="$(now)"
  /usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; return 1; }
  e="$(now)"
  echo "$e - $s" | bc -l >>"$wall"; awk '{print $1 + $2}' "$work/time" >>"$cpu"
}
twenty_blubbers() { for a in 0 1 2 3; do for s in 0 1 2 3 4; do "$IMAGETREE" blubber compile "$1" "s$a$s" >/dev/null; done; done; }
export -f twenty_blubbers; export IMAGETREE
log "A: plan of a 20-stage config, $RUNS runs each, alternately (load $(cut -d' ' -f1 /proc/loadavg))"
for _ in $(seq 1 "$RUNS"); do
  timed "$work/a-it.wall" "$work/a-it.cpu" "$IMAGETREE" pipeline plan --format json "$plan"
  timed "$work/a-pl.wall" "$work/a-pl.cpu" bash -c 'twenty_blubbers "$0"' "$plan/.pipeline/twenty/blubber.yaml"
done
printf 'A. plan, 20 stages: imagetree pipeline plan %.3f s (CPU %.2f s); 20 blubber processes %.3f s (CPU %.2f s); ratio %.2f\n' \
  "$(median "$work/a-it.wall")" "$(median "$work/a-it.cpu")" "$(median "$work/a-pl.wall")" "$(median "$work/a-pl.cpu")" \
  "$(echo "$(median "$work/a-it.wall") / $(median "$work/a-pl.wall")" | bc -l)"

# --- B. a service1-shaped run --------------------------------------------------------------------------------------
start_registry "$work"
base="$REGISTRY_HOST/bookworm:20240303"
"$DOCKER" image inspect imagetree-local/bookworm:latest >/dev/null 2>&1 || bash "$REPO/scripts/base-image.sh" >&2
"$DOCKER" tag imagetree-local/bookworm:latest "$base"
"$DOCKER" push "$base" >/dev/null
repo="$work/repo1"
cp -r "$REPO/core/src/test/resources/org/imagetree/pipeline/repo1" "$repo"
find "$repo" -name blubber.yaml -exec sed -i "s|@BASE@|$base|" {} +
find "$repo" -name '*.sh' -exec chmod +x {} +
git -C "$repo" init -q; git -C "$repo" remote add origin https://gerrit.example.org/r/repo1
git -C "$repo" add -A; git -C "$repo" -c user.name=bench -c user.email=bench@example.org commit -q -m repo1
printf 'registry: %s\nnamespace: bench-it\n' "$REGISTRY_HOST" >"$work/config.yaml"
blubber="$repo/.pipeline/service1/blubber.yaml"
for v in test lint production; do "$IMAGETREE" blubber compile "$blubber" "$v" >"$work/Dockerfile.$v"; done

# PipelineRunner's steps for service1, one process each. $1: "blubber" to compile each variant in the run, else use
# the Dockerfiles compiled before.
cat >"$work/plib-way.sh" <<'SH'
#!/usr/bin/env bash
set -euo pipefail
mode="$1" work="$2" repo="$3" blubber="$4" registry="$5"
ts="$(date -u +%Y-%m-%d-%H%M%S)"
rnd() { tr -dc a-z0-9 </dev/urandom | head -c 8 || true; }
dockerfile() { if [ "$mode" = blubber ]; then "$IMAGETREE" blubber compile "$blubber" "$1" >"$2"; else cp "$work/Dockerfile.$1" "$2"; fi; }
build() { # build VARIANT -> image id (PipelineRunner.build: DOCKER_BUILDKIT=1 docker build --pull --iidfile --target)
  local df; df="$(mktemp "$work/df.XXXXXX")"; dockerfile "$1" "$df"
  DOCKER_BUILDKIT=1 "$DOCKER" build --network host --pull --force-rm=true --label ci.project=repo1 --label ci.pipeline=service1 \
    --iidfile "$df.iid" --file "$df" --target "$1" "$repo/src/service1" >/dev/null 2>&1
  cat "$df.iid"; rm -f "$df" "$df.iid"
}
stage() { # stage VARIANT: build, assign a local name, run (PipelineStage.build + run)
  local id name c; id="$(build "$1")"; name="localhost/plib-image-$(rnd)"; "$DOCKER" tag "$id" "$name"
  c="plib-run-$(rnd)"; "$DOCKER" run --network host --name "$c" --rm=false "$id" >/dev/null
  echo "$c $name" >>"$work/made"
}
: >"$work/made"
stage test & p1=$!; stage lint & p2=$!; wait $p1; wait $p2
id="$(build production)"; name="localhost/plib-image-$(rnd)"; "$DOCKER" tag "$id" "$name"; echo "- $name" >>"$work/made"
ref="$registry/bench-pl/repo1:$ts-candidate"; "$DOCKER" tag "$id" "$ref"; "$DOCKER" push "$ref" >/dev/null
while read -r c n; do [ "$c" != - ] && "$DOCKER" rm -f "$c" >/dev/null; "$DOCKER" rmi "$n" >/dev/null; done <"$work/made"
"$DOCKER" rmi "$ref" >/dev/null
SH
chmod +x "$work/plib-way.sh"; export DOCKER
it_run() { "$IMAGETREE" -c "$work/config.yaml" pipeline run --pipeline service1 --jobs 2 "$repo"; }
export -f it_run; export work repo
log "B: warm-up of each"
bash -c it_run >/dev/null
"$work/plib-way.sh" blubber "$work" "$repo" "$blubber" "$REGISTRY_HOST"
"$work/plib-way.sh" docker "$work" "$repo" "$blubber" "$REGISTRY_HOST"
for f in b-it b-pl b-dk; do : >"$work/$f.wall"; : >"$work/$f.cpu"; done
loads=""
for i in $(seq 1 "$RUNS"); do
  loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
  sleep 1  # one-second timestamps: PipelineLib's way must not publish the same tag twice in a second
  timed "$work/b-it.wall" "$work/b-it.cpu" bash -c it_run
  timed "$work/b-pl.wall" "$work/b-pl.cpu" "$work/plib-way.sh" blubber "$work" "$repo" "$blubber" "$REGISTRY_HOST"
  timed "$work/b-dk.wall" "$work/b-dk.cpu" "$work/plib-way.sh" docker "$work" "$repo" "$blubber" "$REGISTRY_HOST"
done
report_b() { # report_b TITLE PREFIX
  echo "$1"
  printf '   imagetree pipeline run      %.2f s (CPU %.2f s)\n' "$(median "$work/$2-it.wall")" "$(median "$work/$2-it.cpu")"
  printf '   PipelineLib way, blubber    %.2f s (CPU %.2f s)  ratio %.2f\n' "$(median "$work/$2-pl.wall")" "$(median "$work/$2-pl.cpu")" \
    "$(echo "$(median "$work/$2-it.wall") / $(median "$work/$2-pl.wall")" | bc -l)"
  printf '   PipelineLib way, docker only %.2f s (CPU %.2f s)  ratio %.2f\n' "$(median "$work/$2-dk.wall")" "$(median "$work/$2-dk.cpu")" \
    "$(echo "$(median "$work/$2-it.wall") / $(median "$work/$2-dk.wall")" | bc -l)"
}
report_b "B. service1-shaped run, the same commit again (every image cached), $RUNS runs each, loads:$loads" b

# B2. The same, each run of each side on a new commit (a file of src/service1 changed and committed first), as a
# post-merge job meets it: every variant's source layer is new, so every image is built and the candidate's layers
# are new to the registry (its base's are not).
for f in n-it n-pl n-dk; do : >"$work/$f.wall"; : >"$work/$f.cpu"; done
loads=""
commit_n=0
new_commit() { commit_n=$((commit_n + 1)); echo "$commit_n $(date +%s%N)" >"$repo/src/service1/COMMIT"
  git -C "$repo" add -A; git -C "$repo" -c user.name=bench -c user.email=bench@example.org commit -q -m "commit $commit_n"; }
for i in $(seq 1 "$RUNS"); do
  loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
  sleep 1
  new_commit; timed "$work/n-it.wall" "$work/n-it.cpu" bash -c it_run
  new_commit; timed "$work/n-pl.wall" "$work/n-pl.cpu" "$work/plib-way.sh" blubber "$work" "$repo" "$blubber" "$REGISTRY_HOST"
  new_commit; timed "$work/n-dk.wall" "$work/n-dk.cpu" "$work/plib-way.sh" docker "$work" "$repo" "$blubber" "$REGISTRY_HOST"
done
report_b "B2. service1-shaped run, a new commit each run (every image built), $RUNS runs each, loads:$loads" n

# --- C. what one run of each side asks, outside the timing -----------------------------------------------------------
# One more run of each side: the registry requests it made (the registry's access log) and, when strace is installed,
# the processes it started (the whole tree: the launcher's own, java, git, docker; `blubber compile` is a java).
count_run() { # count_run LABEL CMD...: prints LABEL, registry requests, processes
  local label="$1" before after procs="(no strace)"; shift
  before="$(registry_requests "$work")"
  sleep 1  # a new one-second timestamp for PipelineLib's way's tag
  if command -v strace >/dev/null; then
    # Successful calls only; the JVM starts a child through jspawnhelper, which then executes the child: one process.
    strace -f -qq -e trace=execve -e status=successful -e signal=none -o "$work/strace" "$@" >/dev/null 2>&1
    grep -v '/jspawnhelper"' "$work/strace" | grep -oE 'execve\("[^"]*"' | sed -E 's|.*/||; s|"||' >"$work/execs"
    procs="$(wc -l <"$work/execs" | tr -d ' ') ($(grep -xE 'docker|git|java' "$work/execs" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}'))"
  else
    "$@" >/dev/null 2>&1
  fi
  after="$(registry_requests "$work")"
  printf '   %-28s registry requests %3d, processes %s\n' "$label" "$((after - before))" "$procs"
}
echo "C. one service1-shaped run of each side: what it asks"
count_run "imagetree pipeline run" bash -c it_run
count_run "PipelineLib way, blubber" "$work/plib-way.sh" blubber "$work" "$repo" "$blubber" "$REGISTRY_HOST"
count_run "PipelineLib way, docker only" "$work/plib-way.sh" docker "$work" "$repo" "$blubber" "$REGISTRY_HOST"
"$DOCKER" rmi "$base" >/dev/null 2>&1 || true
