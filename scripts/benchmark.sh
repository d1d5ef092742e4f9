#!/usr/bin/env bash
# Benchmarks zTOC building: one gzip layer against zlib inflate of the same file, then the
# whole-image figures of scripts/image-benchmark.sh unless BENCHMARK_IMAGE=0. Prints figures and
# never fails on timing.
# Usage: scripts/benchmark.sh [LAYER.tar.gz] [ROUNDS]
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

mkdir -p target/benchmark
./mvnw -B -ntp -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark/classpath.txt -Dmdep.includeScope=test
classpath="target/classes:target/test-classes:$(cat target/benchmark/classpath.txt)"

# ---------------------------------------------------------------------------------------------
# Single layer: LayerIndexer against zlib inflate of the same file, in the same JVM run.
# The default layer is two JDKs from /usr/lib/jvm (Temurin 25 and OpenJDK 17 when present, else
# the JDK in JAVA_HOME alone), tarred in name order with fixed owners and mtimes and compressed
# with pigz -n, cached under target/benchmark. Set SINGLE_LAYER_JFR=1 to record a JFR profile to
# target/benchmark/single-layer.jfr (then: jfr view hot-methods target/benchmark/single-layer.jfr).
# ---------------------------------------------------------------------------------------------
single_layer_benchmark() {
  local layer="$1" rounds="$2"
  if [[ -z "$layer" ]]; then
    layer="target/benchmark/jdk-pair-layer.tar.gz"
    if [[ ! -f "$layer" ]]; then
      local dirs=()
      for dir in temurin-25-jdk-amd64 java-17-openjdk-amd64; do
        [[ -d "/usr/lib/jvm/$dir" ]] && dirs+=("$dir")
      done
      local parent=/usr/lib/jvm
      if [[ ${#dirs[@]} -eq 0 ]]; then
        parent="$(dirname "$JAVA_HOME")"
        dirs=("$(basename "$JAVA_HOME")")
      fi
      echo "building $layer from ${dirs[*]} in $parent"
      local compressor="gzip -c -n"
      command -v pigz >/dev/null && compressor="pigz -c -n"
      tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
        -C "$parent" -cf - "${dirs[@]}" | $compressor > "$layer.tmp"
      mv "$layer.tmp" "$layer"
    fi
  fi

  local jfr=()
  if [[ "${SINGLE_LAYER_JFR:-0}" == 1 ]]; then
    jfr=("-XX:StartFlightRecording=filename=target/benchmark/single-layer.jfr,settings=profile")
  fi
  java --enable-native-access=ALL-UNNAMED -Xmx256m "${jfr[@]}" -cp "$classpath" \
    io.sociindexer.benchmark.LayerIndexBenchmark "$layer" "$rounds"
}

single_layer_benchmark "${1:-}" "${2:-7}"

# Whole-image figures: parallel layers, memory, zTOC reuse and the local registry. Set
# BENCHMARK_IMAGE=0 to run only the single-layer benchmark above.
if [[ "${BENCHMARK_IMAGE:-1}" != "0" ]]; then
  scripts/image-benchmark.sh
fi
