#!/bin/bash
# Verification run by the engine after the build: the image must hold the web root and the motd
# reached through a symlink, and .dockerignore must have kept secrets and scratch files out.
set -euo pipefail
image="$1"
docker run --rm --network host --entrypoint /bin/sh "$image" -c '
  test -f /srv/web/index.html &&
  test -f /srv/web/keep.tmp &&
  test ! -e /srv/web/secrets &&
  test ! -e /srv/web/draft.tmp &&
  grep -q "shared file" /etc/motd &&
  test "$(id -u)" = 65533'
