#!/usr/bin/env bash
# Benchmark: `imagetree security scan` of a 125-image tree read from a registry: wall time, bytes read per image,
# layer reads (one per distinct layer digest), APT index bytes. The images (push_dpkg.py) share one Debian-like base
# layer (BASE_MB incompressible MB before var/lib/dpkg/status, OTHER_MB after it) and add one layer each, every 3rd
# image "installing" a package; a signed APT repository on loopback (apt-ftparchive, gpg) has a newer version of
# some of them. Options (environment): N=125 LEVELS=4 BASE_MB=25 OTHER_MB=5 RUNS=3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N="${N:-125}"; LEVELS="${LEVELS:-4}"; BASE_MB="${BASE_MB:-25}"; OTHER_MB="${OTHER_MB:-5}"; RUNS="${RUNS:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-bench-sec.XXXXXX")"
gnupg="$(mktemp -d /tmp/itbgpg.XXXXXX)"
cleanup() {
  [ -n "${HTTP_PID:-}" ] && kill "$HTTP_PID" 2>/dev/null
  gpgconf --homedir "$gnupg" --kill gpg-agent 2>/dev/null || true
  stop_registry
  rm -rf "$work" "$gnupg"
}
trap cleanup EXIT
ensure_cli
echo "== Benchmark: security scan of $N images ($LEVELS levels), base layer ${BASE_MB}+${OTHER_MB} MB =="
machine
start_registry "$work"
python3 "$BENCH_DIR/gen_tree.py" "$N" "$work/images" --levels "$LEVELS" --entries 2 --prefix sec >/dev/null
python3 "$BENCH_DIR/push_dpkg.py" "$REGISTRY_HOST" "$work/images" --base-mb "$BASE_MB" --other-mb "$OTHER_MB"

# The APT repository: a Packages index with a newer version of every 10th base package and of the first own ones.
arch="$(dpkg --print-architecture)"
dist="$work/apt/dists/bookworm-bench"
mkdir -p "$dist/main/binary-$arch"
{
  for i in $(seq 0 10 119); do printf 'Package: deb-pkg-%03d\nVersion: 1.%d-2\nArchitecture: %s\n\n' "$i" "$i" "$arch"; done
  for name in $(ls "$work/images" | head -20); do printf 'Package: pkg-%s\nVersion: 1.0-2\nArchitecture: all\n\n' "$name"; done
} >"$dist/main/binary-$arch/Packages"
gzip -9kn "$dist/main/binary-$arch/Packages"
(cd "$dist" && apt-ftparchive -o APT::FTPArchive::Release::Suite=bookworm-bench release . >Release)
chmod 700 "$gnupg"
gpg --batch --quiet --homedir "$gnupg" --pinentry-mode loopback --passphrase '' --quick-gen-key 'bench <bench@imagetree.invalid>' ed25519 sign 1d
gpg --batch --quiet --homedir "$gnupg" --armor --export >"$work/bench.asc"
gpg --batch --quiet --homedir "$gnupg" --pinentry-mode loopback --passphrase '' --digest-algo SHA256 --clearsign -o "$dist/InRelease" "$dist/Release"
port="$(free_port)"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/apt" >/dev/null 2>&1 &
HTTP_PID=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/dists/bookworm-bench/InRelease" >/dev/null 2>&1 && break; sleep 0.1; done
cat >"$work/config.yaml" <<YML
registry: $REGISTRY_HOST
security_sources:
  - deb [signed-by=$work/bench.asc] http://127.0.0.1:$port bookworm-bench main
YML

: >"$work/times"
for run in $(seq 1 "$RUNS"); do
  before="$(registry_requests "$work")"
  start="$(now)"
  "$IMAGETREE" -c "$work/config.yaml" security scan --stats "$work/images" >"$work/out" 2>"$work/stats"
  end="$(now)"
  t="$(echo "$end - $start" | bc -l)"
  echo "$t" >>"$work/times"
  reqs=$(( $(registry_requests "$work") - before ))
  printf 'run %d: %.2f s wall (JVM start included), %d registry requests; %s\n' "$run" "$t" "$reqs" "$(head -1 "$work/stats")"
done
echo "median wall: $(median "$work/times") s"
echo "per image (bytes read by this image's scan; shared layers count for the first image that needed them):"
tail -n +2 "$work/stats" | sort -k2 -n -r | awk '{print "  " $0}' | head -5
echo "  ..."
tail -n +2 "$work/stats" | awk '{s+=$2; n++; if ($2 < 10000) small++} END {printf "  %d images, %d of them read < 10 kB, mean %.0f bytes\n", n, small, s/n}'
tail -1 "$work/out"
