#!/usr/bin/env bash
# Stops what start.sh started (and only that) and removes the registry's temporary storage.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
stop_pid() {
  local f="$IMAGETREE_STATE/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $1 ($pid)"; $SUDO kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && $SUDO kill -9 "$pid"
  fi
  rm -f "$f"
}
# Usage: stop.sh [registry] [dockerd]   (no argument: both)
wanted=" ${*:-registry dockerd} "
if [[ "$wanted" == *" registry "* ]]; then
  stop_pid registry
  if [ -f "$IMAGETREE_STATE/registry.storage" ]; then rm -rf "$(cat "$IMAGETREE_STATE/registry.storage")"; rm -f "$IMAGETREE_STATE/registry.storage"; fi
fi
[[ "$wanted" == *" dockerd "* ]] && stop_pid dockerd
exit 0
