#!/usr/bin/env bash
# Starts the Docker Engine (host networking only: no bridge, no iptables) and a local registry
# on 127.0.0.1:5000 with storage in a temporary directory. Idempotent: running services are reused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$IMAGETREE_STATE"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

if /usr/bin/docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1; then
  log "docker engine already running"
else
  log "starting dockerd (--bridge=none --iptables=false --ip-masq=false)"
  $SUDO sh -c "nohup dockerd --bridge=none --iptables=false --ip-masq=false --host unix://$DOCKER_SOCK \
      >'$IMAGETREE_STATE/dockerd.log' 2>&1 & echo \$! >'$IMAGETREE_STATE/dockerd.pid'"
  for _ in $(seq 1 60); do
    /usr/bin/docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1 && break
    sleep 0.5
  done
  /usr/bin/docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1 || { log "dockerd did not come up"; tail -20 "$IMAGETREE_STATE/dockerd.log" >&2; exit 1; }
fi

if curl -fsS "http://$IMAGETREE_REGISTRY_ADDR/v2/" >/dev/null 2>&1; then
  log "registry already answering on $IMAGETREE_REGISTRY_ADDR"
else
  storage="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-registry.XXXXXX")"
  echo "$storage" >"$IMAGETREE_STATE/registry.storage"
  cat >"$IMAGETREE_STATE/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $storage
  delete:
    enabled: true
http:
  addr: $IMAGETREE_REGISTRY_ADDR
YML
  log "starting registry on $IMAGETREE_REGISTRY_ADDR (storage $storage)"
  nohup docker-registry serve "$IMAGETREE_STATE/registry.yml" >"$IMAGETREE_STATE/registry.log" 2>&1 &
  echo $! >"$IMAGETREE_STATE/registry.pid"
  for _ in $(seq 1 40); do
    curl -fsS "http://$IMAGETREE_REGISTRY_ADDR/v2/" >/dev/null 2>&1 && break
    sleep 0.25
  done
  curl -fsS "http://$IMAGETREE_REGISTRY_ADDR/v2/" >/dev/null || { log "registry did not come up"; cat "$IMAGETREE_STATE/registry.log" >&2; exit 1; }
fi
log "services ready: docker at unix://$DOCKER_SOCK, registry at http://$IMAGETREE_REGISTRY_ADDR"
