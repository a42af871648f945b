#!/usr/bin/env bash
# Installs, idempotently, what Image Tree needs on a Debian machine: Docker Engine (docker.io),
# the Distribution registry (docker-registry), debuerreotype/debootstrap for base images,
# a JDK (the build needs Java 21 or newer, see lib.sh; Maven itself comes with ./mvnw, which unzip unpacks), and apache2-utils (htpasswd -B: bcrypt
# htpasswd files for the Basic-auth test registries), python3, time and bc for the benchmarks (bench/), and gnupg
# (throwaway keys signing the loopback APT repositories of the Blubber apt-sources and security tests; dpkg-deb is in
# dpkg), and apt-utils (apt-ftparchive writes the security tests' Packages and Release files).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need=()
for pkg in docker.io docker-registry debuerreotype debootstrap debian-archive-keyring curl unzip ca-certificates openssl apache2-utils python3 time bc gnupg apt-utils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
updated=0
# A JDK of Java 21 or newer when none is found ($JAVA_HOME, /usr/lib/jvm): the newest the distribution offers
# (Debian 13 has openjdk-21 and openjdk-25; Debian 12 has only openjdk-17, which builds and runs the command line
# but not the test suite: scripts/test.sh then says so in one line).
if ! find_build_jdk >/dev/null; then
  $SUDO apt-get update -q; updated=1
  for jdk in openjdk-25-jdk-headless openjdk-21-jdk-headless openjdk-17-jdk-headless; do
    if apt-cache show "$jdk" >/dev/null 2>&1; then
      dpkg-query -W -f='${Status}' "$jdk" 2>/dev/null | grep -q 'install ok installed' || need+=("$jdk")
      break
    fi
  done
fi
if [ ${#need[@]} -eq 0 ]; then log "all packages present"; exit 0; fi
log "installing: ${need[*]}"
[ "$updated" = 1 ] || $SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
