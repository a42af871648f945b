# Shared settings for the project's service scripts. Sourced, not run.
# Everything lives under one state directory so that stop.sh can clean up exactly what start.sh made.
IMAGETREE_STATE="${IMAGETREE_STATE:-/tmp/imagetree-services}"
IMAGETREE_REGISTRY_ADDR="${IMAGETREE_REGISTRY_ADDR:-127.0.0.1:5000}"
DOCKER_SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
log() { printf '[imagetree] %s\n' "$*" >&2; }
