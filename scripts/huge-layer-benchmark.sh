#!/usr/bin/env bash
# Indexes one synthetic gzip layer, generated while it is read and never stored, under a fixed
# heap, and prints the heap peak and the zTOC size. Runs of different sizes under the same heap
# show whether the heap grows with the layer. Prints figures and never fails on timing.
#
# Usage: scripts/huge-layer-benchmark.sh [MIB...]   (default: 1024 4096)
# Environment:
#   BENCHMARK_DIR   directory that keeps the digest of each generated size (default
#                   target/benchmark/huge); generating the digest takes as long as indexing
#   BENCHMARK_HEAP  maximum heap, as for -Xmx (default 256m)
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

dir="${BENCHMARK_DIR:-target/benchmark/huge}"
heap="${BENCHMARK_HEAP:-256m}"
mkdir -p "$dir"

./mvnw -B -ntp -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark/classpath.txt -Dmdep.includeScope=test
classpath="target/classes:target/test-classes:$(cat target/benchmark/classpath.txt)"

sizes=("$@")
[[ ${#sizes[@]} -eq 0 ]] && sizes=(1024 4096)
for mib in "${sizes[@]}"; do
  echo "== $mib MiB uncompressed, -Xmx$heap"
  java --enable-native-access=ALL-UNNAMED "-Xmx$heap" -cp "$classpath" \
    io.sociindexer.benchmark.HugeLayerBenchmark "$dir" "$mib" || true
done
