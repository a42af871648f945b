#!/usr/bin/env bash
# Benchmark 1d (issue 24): the launcher's class caches compared, imagetree alone: the no-op build of the 125 production
# images against one HTTPS registry on loopback (as benchmark 1b), RUNS (8) rounds, each round one run of every
# variant in turn (the order rotates), after each variant was trained as in 1b (render, then build):
#   aot25  the newest Java (Temurin 25 here) with its AOT cache (the launcher's default there)
#   cds25  the same Java with the static class-data archive (IMAGETREE_CLASS_CACHE=cds)
#   cds17  Java 17 with the static archive (IMAGETREE_JAVA)
#   none25 the newest Java without any cache of ours (IMAGETREE_CLASS_CACHE=off; the JDK's own archive only)
# Prints every run (wall, CPU, load) and each variant's medians.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS="${RUNS:-8}"
TREE="$SHARED/conformance/production-images"
export REGISTRY_TLS=1
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-variants.XXXXXX")"
trap 'stop_registry; rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"
ensure_cli
start_registry "$work"
python3 "$BENCH_DIR/bench_config.py" "$TREE/config.yaml" "$REGISTRY_HOST" >"$work/bench.yaml"
echo "certs_dir: $work/certs.d" >>"$work/bench.yaml"
cd "$work"
"$IMAGETREE" -c bench.yaml render --format json "$TREE/images" >render.json 2>/dev/null
python3 "$BENCH_DIR/refs_to_push.py" "$REGISTRY_HOST" render.json bench.yaml >refs
PUSH_CA="$work/tls/cert.pem" python3 "$BENCH_DIR/push_tiny.py" "$REGISTRY_HOST" "$REGISTRY_ADDR" <refs >/dev/null
j17="$(ls -d /usr/lib/jvm/java-17-openjdk-*/bin/java 2>/dev/null | head -1 || true)"
variants=(aot25 cds25 none25); [ -n "$j17" ] && variants+=(cds17)
env_of() {  # the environment of a variant, as NAME=VALUE words
  case "$1" in
    aot25) echo "IMAGETREE_CLASS_CACHE=on" ;;
    cds25) echo "IMAGETREE_CLASS_CACHE=cds" ;;
    none25) echo "IMAGETREE_CLASS_CACHE=off" ;;
    cds17) echo "IMAGETREE_CLASS_CACHE=on IMAGETREE_JAVA=$j17" ;;
  esac
}
cmd=("$IMAGETREE" -c bench.yaml build "$TREE/images")
echo "== Benchmark 1d: the launcher's class caches, no-op build of the 125 production images, imagetree alone =="
machine
echo "command (in $work, XDG_CACHE_HOME=$XDG_CACHE_HOME): ENV ${cmd[*]}"
for v in "${variants[@]}"; do
  # shellcheck disable=SC2046
  env $(env_of "$v") "$IMAGETREE" -c bench.yaml render "$TREE/images" >/dev/null 2>&1
  env $(env_of "$v") "${cmd[@]}" >/dev/null 2>&1
  echo "  $v: $(env_of "$v"); $(env $(env_of "$v") "$IMAGETREE" --launcher-info | tr '\n' ';')"
  : >"$v.wall"; : >"$v.cpu"
done
n=${#variants[@]}
for r in $(seq 1 "$RUNS"); do
  for k in $(seq 0 $((n - 1))); do
    v="${variants[$(((k + r) % n))]}"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    env $(env_of "$v") /usr/bin/time -o "$v.time" -f "%e %U %S" "${cmd[@]}" >"$v.out" 2>&1 || { cat "$v.out" >&2; exit 1; }
    grep -q "Nothing to build." "$v.out" || { log "$v wanted to build something"; cat "$v.out" >&2; exit 1; }
    cut -d' ' -f1 "$v.time" >>"$v.wall"; awk '{print $2 + $3}' "$v.time" >>"$v.cpu"
    printf '  %-7s wall %5.2f s  cpu %5.2f s  load %s\n' "$v" "$(cut -d' ' -f1 "$v.time")" "$(awk '{print $2 + $3}' "$v.time")" "$load"
  done
done
for v in "${variants[@]}"; do echo "$v: median wall $(median "$v.wall") s, median CPU $(median "$v.cpu") s"; done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
