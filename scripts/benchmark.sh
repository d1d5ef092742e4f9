#!/usr/bin/env bash
# Benchmarks zTOC building on one gzip layer made from real files (a JDK, about 300 MiB
# uncompressed) against plain zlib inflate of the same file, and prints both with peak heap.
# Then runs scripts/image-benchmark.sh for the whole-image figures unless BENCHMARK_IMAGE=0.
# Usage: scripts/benchmark.sh [LAYER.tar.gz] [ROUNDS]
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

layer="${1:-}"
rounds="${2:-5}"
if [[ -z "$layer" ]]; then
  layer="target/benchmark/jdk-layer.tar.gz"
  if [[ ! -f "$layer" ]]; then
    mkdir -p target/benchmark
    echo "building $layer from $JAVA_HOME"
    compressor="gzip -c -n"
    command -v pigz >/dev/null && compressor="pigz -c -n"
    tar -C "$JAVA_HOME" -cf - . | $compressor > "$layer"
  fi
fi

./mvnw -B -ntp -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark/classpath.txt -Dmdep.includeScope=test
classpath="target/classes:target/test-classes:$(cat target/benchmark/classpath.txt)"
java --enable-native-access=ALL-UNNAMED -Xmx256m -cp "$classpath" \
  io.sociindexer.benchmark.LayerIndexBenchmark "$layer" "$rounds"

# Whole-image figures: parallel layers, memory, zTOC reuse and the local registry. Set
# BENCHMARK_IMAGE=0 to run only the single-layer benchmark above.
if [[ "${BENCHMARK_IMAGE:-1}" != "0" ]]; then
  scripts/image-benchmark.sh
fi
