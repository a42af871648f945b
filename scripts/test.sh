#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: install what is needed, start the Docker Engine and
# the local registry, make the test base image once, then mvn verify. Services are stopped afterwards
# unless KEEP_SERVICES=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
. "$here/lib.sh"
bash "$here/install.sh"
bash "$here/start.sh"
[ "${KEEP_SERVICES:-0}" = 1 ] || trap 'bash "$here/stop.sh"' EXIT
bash "$here/base-image.sh" imagetree-local/bookworm:latest
cd "$repo"
mvn -B -ntp verify "$@"
