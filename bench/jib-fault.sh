#!/usr/bin/env bash
# jib-core (0.28.1, from Maven Central) against Image Tree's push through issue 22's fault proxy (every 7th request
# answered 503, every 8th dropped), paired, on one local image; see bench/JibFaultEval.java. Needs the Docker Engine.
# Usage: bench/jib-fault.sh [TRIALS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
use_build_jdk
trials="${1:-10}"
./mvnw -B -q -ntp -pl core -am test-compile
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
./mvnw -B -q -ntp -pl core dependency:build-classpath -Dmdep.outputFile="$tmp/core.cp" -Dmdep.includeScope=test
./mvnw -B -q -ntp -f bench/jib-eval/pom.xml dependency:build-classpath -Dmdep.outputFile="$tmp/jib.cp"
cp_core="$(cat "$tmp/core.cp")"
cp_jib="$(cat "$tmp/jib.cp")"
# jib finds `docker` on PATH for DockerDaemonImage (docker save).
java -cp "core/target/classes:core/target/test-classes:$cp_core:$cp_jib" bench/JibFaultEval.java "$trials"
