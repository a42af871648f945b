#!/usr/bin/env bash
# Benchmark 2: `plan` of generated trees (default 1,000, 10,000 and 50,000 images; 20-entry changelogs,
# image_tag parents, 8 levels) against an empty registry of our own: wall time and peak RSS of the whole
# process (/usr/bin/time -v), for `plan --no-pull` and for `plan` (which asks the registry about every image).
# Usage: bench/scale.sh [SIZES...]   (MODES="--no-pull pull" by default)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
read -r -a modes <<<"${MODES:---no-pull pull}"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-bench2.XXXXXX")"
trap 'stop_registry; rm -rf "$work"' EXIT
ensure_cli
start_registry "$work"
cat >"$work/bench.yaml" <<YML
registry: $REGISTRY_HOST
base_images:
  - $REGISTRY_HOST/bookworm:latest
known_uid_mappings:
  nobody: 65534
YML
echo "== Benchmark 2: plan of generated trees, empty registry =="
machine
printf '%-8s %-10s %10s %10s %12s %10s\n' images mode wall_s cpu_s peak_rss_MiB requests
for n in "${sizes[@]}"; do
  rm -rf "$work/tree"
  python3 "$BENCH_DIR/gen_tree.py" "$n" "$work/tree/images" >/dev/null
  for mode in "${modes[@]}"; do
    arg=(); [ "$mode" = "--no-pull" ] && arg=(--no-pull)
    before="$(registry_requests "$work")"
    /usr/bin/time -v -o "$work/time.txt" "$IMAGETREE" -c "$work/bench.yaml" plan "${arg[@]}" "$work/tree/images" >"$work/plan.out" 2>"$work/plan.err" \
      || { tail -20 "$work/plan.err" >&2; exit 1; }
    after="$(registry_requests "$work")"
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/time.txt")"
    cpu="$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$work/time.txt")"
    rss="$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$work/time.txt")"
    planned="$(grep -c ' build ' "$work/plan.out" || true)"
    printf '%-8s %-10s %10s %10s %12s %10s\n' "$n" "${mode#--}" "$wall" "$cpu" "$rss" "$((after - before))"
    [ "$planned" -ge "$n" ] || { log "expected $n images to build, plan says $planned"; head -5 "$work/plan.out" >&2; }
  done
done
