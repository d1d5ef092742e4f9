#!/usr/bin/env bash
# Benchmarks webhook intake. It starts the packaged service with an embedded H2 job store and two
# workers, and sends CNCF Distribution notifications at a fixed rate (a 15 s warm-up, then the
# measured run). It prints the intake rate, p50/p95/p99/max latency and the service's CPU time.
# Usage: scripts/load-benchmark.sh [--rate=2000] [--duration=60] [--concurrency=32]
#   [--repeat-share=0.2] [--workers=2] [--warmup=15] [--postgres=true] [--url=SERVICE_URL]
# Latency runs from each request's scheduled send time, so a stall counts for every request
# scheduled during it. Figures depend on what else runs on the machine.
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

mkdir -p target/benchmark
./mvnw -B -ntp -q package -DskipTests -Djib.skip=true dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark/classpath.txt -Dmdep.includeScope=test
classpath="target/classes:target/test-classes:$(cat target/benchmark/classpath.txt)"
java -Xmx512m -cp "$classpath" io.sociindexer.benchmark.WebhookIntakeBenchmark "$@"
