#!/usr/bin/env bash
# Installs, idempotently, what Image Tree needs on a Debian machine: Docker Engine (docker.io),
# the Distribution registry (docker-registry), debuerreotype/debootstrap for base images,
# the JDK/Maven toolchain used to build the project, and apache2-utils (htpasswd -B: bcrypt
# htpasswd files for the Basic-auth test registries), python3, time and bc for the benchmarks (bench/), and gnupg
# (throwaway keys signing the loopback APT repositories of the Blubber apt-sources and security tests; dpkg-deb is in
# dpkg), and apt-utils (apt-ftparchive writes the security tests' Packages and Release files).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need=()
for pkg in docker.io docker-registry debuerreotype debootstrap debian-archive-keyring openjdk-17-jdk-headless maven curl ca-certificates openssl apache2-utils python3 time bc gnupg apt-utils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then log "all packages present"; exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
log "installing: ${need[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
