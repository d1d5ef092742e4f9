#!/usr/bin/env bash
# Measures heap and time for a plain tar layer of many empty files (default 2,000,000): the heap
# the collected zTOC entries retain, and the peak heap of indexing the whole layer.
# Usage: scripts/benchmark-entries.sh [ENTRIES] [MAX_HEAP]
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

entries="${1:-2000000}"
heap="${2:-4g}"

mkdir -p target/benchmark
./mvnw -B -ntp -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark/classpath.txt -Dmdep.includeScope=test
classpath="target/classes:target/test-classes:$(cat target/benchmark/classpath.txt)"
java --enable-native-access=ALL-UNNAMED "-Xmx$heap" -cp "$classpath" \
  io.sociindexer.benchmark.ManyEntriesBenchmark "$entries"
