#!/usr/bin/env bash
# Soak test of crash recovery. Each round kills the packaged service with SIGKILL while it indexes
# ten images, then restarts it on the same data directory. The round passes when every job ended
# succeeded once and each image has one output tag. Even rounds kill with one job held at each
# kill point by the test's request gate, and odd rounds kill after a random delay. Prints one line
# per round; the first failing round stops the run.
# Usage: scripts/crash-soak.sh [ROUNDS] [SEED]
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

rounds="${1:-20}"
seed="${2:-1}"
mkdir -p target/crash-recovery
./mvnw -B -ntp -q package -DskipTests
./mvnw -B -ntp -q failsafe:integration-test failsafe:verify \
  -Dit.test=CrashRecoveryIntegrationTest -Dcrash.rounds="$rounds" -Dcrash.seed="$seed" \
  -Dservice.start-timeout-seconds=300 | tee target/crash-recovery/soak.txt | grep '^crash-recovery'
