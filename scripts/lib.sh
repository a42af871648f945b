# Shared settings for the project's service scripts. Sourced, not run.
# Everything lives under one state directory so that stop.sh can clean up exactly what start.sh made.
IMAGETREE_STATE="${IMAGETREE_STATE:-/tmp/imagetree-services}"
IMAGETREE_REGISTRY_ADDR="${IMAGETREE_REGISTRY_ADDR:-127.0.0.1:5000}"
DOCKER_SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
log() { printf '[imagetree] %s\n' "$*" >&2; }

# --- Java and Maven -------------------------------------------------------------------------------------------
# The build runs on Java 21 or newer (Jenkins 2.555, which the plugin modules are compiled for, runs only on Java 21
# and 25); the engine and the command line are compiled for Java 17 and run on any Java from 17 up. Maven is the one
# the Maven Wrapper (./mvnw, .mvn/wrapper/maven-wrapper.properties) pins, never the system's.
IMAGETREE_MIN_BUILD_JAVA=21

# java_major DIR: the feature release (17, 21, 25) of the Java installed in DIR, from its `release` file, else by
# asking its java; nothing when DIR holds no Java.
java_major() {
  local v=""
  [ -n "${1:-}" ] && [ -x "$1/bin/java" ] || return 0
  v="$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" 2>/dev/null)"
  [ -n "$v" ] || v="$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9][0-9]*\).*/\1/p')"
  [ "$v" = 1 ] && v=8  # 1.8.0_x
  [ -z "$v" ] || printf '%s\n' "$v"
}

# java_candidates: Java homes worth looking at, one per line: $JAVA_HOME, every JVM under $IMAGETREE_JVM_ROOT
# (/usr/lib/jvm, where Debian's JDKs and Temurin 25 live), and the one `java` on PATH belongs to.
java_candidates() {
  local j
  [ -z "${JAVA_HOME:-}" ] || printf '%s\n' "$JAVA_HOME"
  for j in "${IMAGETREE_JVM_ROOT:-/usr/lib/jvm}"/*/; do [ -d "$j" ] && printf '%s\n' "${j%/}"; done
  j="$(command -v java 2>/dev/null)" && j="$(readlink -f "$j" 2>/dev/null)" && printf '%s\n' "${j%/bin/java}"
  return 0
}

# find_build_jdk: the JDK the build uses: $JAVA_HOME when it is a JDK of at least Java $IMAGETREE_MIN_BUILD_JAVA,
# else the newest such JDK found; nothing (status 1) when there is none.
find_build_jdk() {
  local best="" best_v=0 d v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v="$(java_major "$JAVA_HOME")"
    if [ -n "$v" ] && [ "$v" -ge "$IMAGETREE_MIN_BUILD_JAVA" ]; then printf '%s\n' "$JAVA_HOME"; return 0; fi
  fi
  while read -r d; do
    [ -x "$d/bin/javac" ] || continue
    v="$(java_major "$d")"
    [ -n "$v" ] && [ "$v" -ge "$IMAGETREE_MIN_BUILD_JAVA" ] && [ "$v" -gt "$best_v" ] && { best="$d"; best_v="$v"; }
  done < <(java_candidates)
  [ -n "$best" ] && printf '%s\n' "$best"
}

# use_build_jdk: exports JAVA_HOME (and PATH) for ./mvnw, or says in one line what is missing and fails.
use_build_jdk() {
  local jdk
  if ! jdk="$(find_build_jdk)"; then
    log "Java $IMAGETREE_MIN_BUILD_JAVA or newer is missing: set JAVA_HOME to a JDK 21 or 25 (e.g. Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64)"
    return 1
  fi
  export JAVA_HOME="$jdk" PATH="$jdk/bin:$PATH"
}

# --- The Jenkins plugin (hpi) -------------------------------------------------------------------------------------
# The hpi module needs https://repo.jenkins-ci.org (plugin-pom, Jenkins core, the plugins it depends on); the default
# build does without it (plugin-offline). hpi_maven_args prints -Pjenkins-plugin when the hpi can be built here:
# IMAGETREE_HPI=always|never decides, else (auto) a probe of plugin-pom's pom in the Jenkins repository does.
JENKINS_REPO_URL="${JENKINS_REPO_URL:-https://repo.jenkins-ci.org/public}"
jenkins_repo_reachable() {
  curl -fsS -o /dev/null --max-time 10 --retry 1 \
    "$JENKINS_REPO_URL/org/jenkins-ci/plugins/plugin/6.2221.va_045130417c9/plugin-6.2221.va_045130417c9.pom" 2>/dev/null
}
hpi_maven_args() {
  case "${IMAGETREE_HPI:-auto}" in
    always) log "hpi: built and tested (IMAGETREE_HPI=always)"; printf '%s\n' -Pjenkins-plugin ;;
    never) log "hpi: not built (IMAGETREE_HPI=never); plugin-offline tests its sources" ;;
    *)
      if jenkins_repo_reachable; then
        log "hpi: $JENKINS_REPO_URL answers: the hpi is built and its JenkinsRule tests run"
        printf '%s\n' -Pjenkins-plugin
      else
        log "hpi: $JENKINS_REPO_URL is not reachable: the hpi is not built; plugin-offline tests its sources"
      fi ;;
  esac
}
