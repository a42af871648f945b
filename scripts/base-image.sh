#!/usr/bin/env bash
# Makes a minimal Debian base image from Debian packages (debootstrap --variant=minbase) and loads
# it into the local engine as $1 (default imagetree-local/bookworm:latest). Idempotent: an image
# already present is kept. Used by the test suite and the example job, which need a base image
# without reaching any registry but ours.
# Its sources.list has the suite, -updates and -security (as `imagetree base build` writes in mirror
# mode), and it is dist-upgraded from them: images built on it install current packages, so a
# `security scan` of them, then `security update` and a rebuild, comes out clean (with only the suite,
# every rebuild installed the same outdated versions again). SECURITY_MIRROR overrides the security
# archive (default: the mirror's debian-security next to its debian).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ref="${1:-imagetree-local/bookworm:latest}"
suite="${SUITE:-bookworm}"
mirror="${MIRROR:-http://deb.debian.org/debian}"
security="${SECURITY_MIRROR:-${mirror%/debian}/debian-security}"
DOCKER="${DOCKER:-/usr/bin/docker}"
if "$DOCKER" image inspect "$ref" >/dev/null 2>&1; then
  log "base image $ref present"
  # One made before the image had -updates and -security is kept (other runs may be using it), but said: images built
  # on it install outdated packages again, so security update and a rebuild cannot come out clean.
  if ! "$DOCKER" run --rm --network host --entrypoint cat "$ref" /etc/apt/sources.list 2>/dev/null | grep -q -- '-security '; then
    log "warning: $ref has no $suite-security in its sources.list (made by an older base-image.sh): a security scan of images built on it never comes out clean; remove it (docker rmi $ref) to have it made anew"
  fi
  exit 0
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/imagetree-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log "debootstrap --variant=minbase $suite from $mirror (about a minute)"
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
  "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
  "$mirror" "$suite" "$mirror" "$suite" "$security" "$suite" >"$work/rootfs/etc/apt/sources.list"
log "apt-get dist-upgrade from $suite, $suite-updates and $suite-security"
{ chroot "$work/rootfs" apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive chroot "$work/rootfs" apt-get dist-upgrade -yqq; } >"$work/upgrade.log" 2>&1 \
  || { tail -30 "$work/upgrade.log" >&2; exit 1; }
chroot "$work/rootfs" apt-get clean
rm -rf "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" --numeric-owner -c . | "$DOCKER" import -c 'ENV LC_ALL=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$ref" >/dev/null
log "loaded $ref"
