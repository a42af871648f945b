#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: install what is needed, start the Docker Engine and
# the local registry, make the test base image once, then ./mvnw verify (the Maven Wrapper's Maven, on Java 21 or
# newer: $JAVA_HOME or the newest JDK under /usr/lib/jvm, see lib.sh), with the hpi module where the Jenkins
# repository is reachable (hpi_maven_args in lib.sh). The services this run started are
# stopped afterwards unless KEEP_SERVICES=1 (services that were already running are left running).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
. "$here/lib.sh"
bash "$here/install.sh"
use_build_jdk
# Stop afterwards only what this run starts: services a developer already runs (scripts/start.sh) stay up.
started=()
/usr/bin/docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1 || started+=(dockerd)
curl -fsS "http://$IMAGETREE_REGISTRY_ADDR/v2/" >/dev/null 2>&1 || started+=(registry)
bash "$here/start.sh"
if [ "${KEEP_SERVICES:-0}" != 1 ] && [ ${#started[@]} -gt 0 ]; then trap 'bash "$here/stop.sh" "${started[@]}"' EXIT; fi
bash "$here/base-image.sh" imagetree-local/bookworm:latest
cd "$repo"
log "building and testing on $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) with $(./mvnw -B -v 2>/dev/null | head -1)"
mapfile -t hpi < <(hpi_maven_args)
# The tests read ../shared: beside this clone, else $IMAGETREE_SHARED, else beside the repository this clone was made
# from when that is a directory on this machine (a clone made elsewhere for a clean run: git clone . /tmp/x).
shared="$repo/../shared"
if [ ! -d "$shared" ]; then
  origin="$(git -C "$repo" remote get-url origin 2>/dev/null || true)"
  if [ -n "${IMAGETREE_SHARED:-}" ]; then shared="$IMAGETREE_SHARED"
  elif [ -n "$origin" ] && [ -d "$origin/../shared" ]; then shared="$origin/../shared"
  else log "cannot find shared/ beside $repo or the repository it was cloned from (set IMAGETREE_SHARED)"; exit 2
  fi
fi
shared="$(cd "$shared" && pwd)"
log "shared inputs: $shared"
./mvnw -B -ntp "${hpi[@]}" -Dimagetree.shared.dir="$shared" verify "$@"
