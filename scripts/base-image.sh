#!/usr/bin/env bash
# Makes a minimal Debian base image from Debian packages (debootstrap --variant=minbase) and loads
# it into the local engine as $1 (default imagetree-local/bookworm:latest). Idempotent: an image
# already present is kept. Used by the test suite and the example job, which need a base image
# without reaching any registry but ours.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ref="${1:-imagetree-local/bookworm:latest}"
suite="${SUITE:-bookworm}"
mirror="${MIRROR:-http://deb.debian.org/debian}"
DOCKER="${DOCKER:-/usr/bin/docker}"
if "$DOCKER" image inspect "$ref" >/dev/null 2>&1; then log "base image $ref present"; exit 0; fi
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log "debootstrap --variant=minbase $suite from $mirror (about a minute)"
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
  "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
chroot "$work/rootfs" apt-get clean
rm -rf "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" --numeric-owner -c . | "$DOCKER" import -c 'ENV LC_ALL=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$ref" >/dev/null
log "loaded $ref"
