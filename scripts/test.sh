#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests against a real registry.
# Installs what the tests need when it is missing (Debian packages docker-registry, skopeo,
# pigz, postgresql, golang-go, npm, prometheus and chromium), so it works on a fresh Debian
# machine with JDK 25 at the path below. Then it checks the Helm chart.
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

install_missing() {
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v pigz >/dev/null || missing+=(pigz)
  [[ -x /usr/bin/prometheus ]] || missing+=(prometheus)
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v go >/dev/null || missing+=(golang-go)
  command -v npm >/dev/null || missing+=(npm)
  [[ -x /usr/lib/postgresql/15/bin/initdb ]] || missing+=(postgresql)
  if ((${#missing[@]} > 0)); then
    echo "installing ${missing[*]}"
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

if [[ ! -x "$JAVA_HOME/bin/java" ]]; then
  echo "JDK 25 not found at $JAVA_HOME; set JAVA_HOME_25 to a JDK 25 directory" >&2
  exit 1
fi
install_missing

./mvnw -B -ntp verify "$@"
bash scripts/helm-test.sh
