#!/usr/bin/env bash
# The main job on an embedded default: start the engine and the local registry, make the Debian base
# image from Debian packages and publish it as 127.0.0.1:5000/bookworm:latest, then build the example
# tree under examples/tree, publish it to the local registry and print the result.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
. "$here/lib.sh"
bash "$here/install.sh"
bash "$here/start.sh"
bash "$here/base-image.sh" imagetree-local/bookworm:latest
/usr/bin/docker tag imagetree-local/bookworm:latest "$IMAGETREE_REGISTRY_ADDR/bookworm:latest"
/usr/bin/docker push -q "$IMAGETREE_REGISTRY_ADDR/bookworm:latest" >/dev/null
cd "$repo/examples/tree"
"$repo/bin/imagetree" -c config.yaml build --jobs 2 images "$@"
echo
"$repo/bin/imagetree" -c config.yaml plan images
