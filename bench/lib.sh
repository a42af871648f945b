# Shared helpers for the benchmarks. Sourced, not run.
# Needs: the README's set-up (scripts/install.sh: JDK, Maven, docker-registry, curl), python3.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
IMAGETREE="${IMAGETREE:-$REPO/bin/imagetree}"  # another launcher to compare builds
SHARED="${IMAGETREE_SHARED:-$(cd "$REPO/.." && pwd)/shared}"
[ -d "$SHARED/conformance" ] || SHARED=/work/shared
log() { printf '[bench] %s\n' "$*" >&2; }

machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "kernel: $(uname -sr); date: $(date -u +%FT%TZ); commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry WORKDIR: an empty docker-registry on a free loopback port with its access log in
# WORKDIR/registry.log; sets REGISTRY_HOST (what image references name), REGISTRY_ADDR (where it listens),
# REGISTRY_SCHEME and REGISTRY_PID. Stop it with stop_registry.
# REGISTRY_TLS=1 serves HTTPS with a self-signed certificate for 127.0.0.1 (WORKDIR/tls/cert.pem; Distribution then
# offers HTTP/2 by ALPN, REGISTRY_H2=0 turns that off) and writes Docker's certs.d layout under WORKDIR/certs.d for
# the client (config key certs_dir). RTT_MS=N puts latency_proxy.py in front: every exchange then costs N ms, as
# over a network; REGISTRY_HOST is then the proxy, and WORKDIR/proxy.connections its accepted connections.
start_registry() {
  local work="$1" port tls=""
  port="$(free_port)"
  mkdir -p "$work/registry-data"
  REGISTRY_SCHEME=http
  if [ "${REGISTRY_TLS:-0}" = 1 ]; then
    mkdir -p "$work/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" -days 2 \
      -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
    tls="  tls:
    certificate: $work/tls/cert.pem
    key: $work/tls/key.pem
  http2:
    disabled: $([ "${REGISTRY_H2:-1}" = 0 ] && echo true || echo false)"
    REGISTRY_SCHEME=https
  fi
  cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry-data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$tls
YML
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  REGISTRY_PID=$!
  REGISTRY_ADDR="127.0.0.1:$port"
  REGISTRY_HOST="$REGISTRY_ADDR"
  local curl_tls=(); [ "$REGISTRY_SCHEME" = https ] && curl_tls=(--cacert "$work/tls/cert.pem")
  local up=0
  for _ in $(seq 1 80); do curl -fsS "${curl_tls[@]}" "$REGISTRY_SCHEME://$REGISTRY_ADDR/v2/" >/dev/null 2>&1 && { up=1; break; }; sleep 0.1; done
  [ "$up" = 1 ] || { log "registry did not come up"; cat "$work/registry.log" >&2; return 1; }
  if [ "${RTT_MS:-0}" != 0 ]; then
    python3 "$BENCH_DIR/latency_proxy.py" "$port" "$RTT_MS" "$work/proxy.connections" >"$work/proxy.port" &
    PROXY_PID=$!
    for _ in $(seq 1 50); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
    REGISTRY_HOST="127.0.0.1:$(cat "$work/proxy.port")"
  fi
  if [ "$REGISTRY_SCHEME" = https ]; then
    mkdir -p "$work/certs.d/$REGISTRY_HOST"
    cp "$work/tls/cert.pem" "$work/certs.d/$REGISTRY_HOST/ca.crt"
  fi
}
stop_registry() {
  [ -n "${PROXY_PID:-}" ] && { kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null || true; }
  [ -n "${REGISTRY_PID:-}" ] && kill "$REGISTRY_PID" 2>/dev/null; wait "$REGISTRY_PID" 2>/dev/null || true
}
# Requests the registry has answered so far (its access log has one line per request).
registry_requests() { grep -cE '"(GET|HEAD|PUT|POST|PATCH|DELETE) /v2/' "$1/registry.log" || true; }

# The CLI jar and its class data sharing archive, before any timing: the launcher adds an action's classes the first
# time that action runs (and dumps the archive then), so render and plan are run once here; build is trained by
# each benchmark's warm-up.
ensure_cli() {
  "$IMAGETREE" --version >/dev/null
  "$IMAGETREE" -c "$SHARED/conformance/production-images/config.yaml" render "$SHARED/conformance/production-images/images" >/dev/null 2>&1
  "$IMAGETREE" -c "$SHARED/conformance/production-images/config.yaml" plan --no-pull "$SHARED/conformance/production-images/images" >/dev/null 2>&1 || true
}

# median FILE: median of the numbers in FILE, one per line.
median() { sort -g "$1" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# now: seconds since the epoch with nanoseconds.
now() { date +%s.%N; }
