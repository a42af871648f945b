#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: install what is needed, start the Docker Engine and
# the local registry, make the test base image once, then mvn verify. The services this run started are
# stopped afterwards unless KEEP_SERVICES=1 (services that were already running are left running).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
. "$here/lib.sh"
bash "$here/install.sh"
# Stop afterwards only what this run starts: services a developer already runs (scripts/start.sh) stay up.
started=()
/usr/bin/docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1 || started+=(dockerd)
curl -fsS "http://$IMAGETREE_REGISTRY_ADDR/v2/" >/dev/null 2>&1 || started+=(registry)
bash "$here/start.sh"
if [ "${KEEP_SERVICES:-0}" != 1 ] && [ ${#started[@]} -gt 0 ]; then trap 'bash "$here/stop.sh" "${started[@]}"' EXIT; fi
bash "$here/base-image.sh" imagetree-local/bookworm:latest
cd "$repo"
mvn -B -ntp verify "$@"
