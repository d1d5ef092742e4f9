#!/usr/bin/env bash
# Benchmarks whole-image indexing: a three-layer image of about 1.5 GiB uncompressed built from
# real files under /usr/lib and /usr/share, indexed with parallel layers, against sequential zlib
# inflate of the same layers; peak heap and RSS; zTOC reuse for a second image that shares the
# base layer; and, unless BENCHMARK_REGISTRY=0, the push to <tag>-soci on a local registry against
# downloading and inflating the image once. Prints figures and never fails on timing.
#
# Usage: scripts/image-benchmark.sh [--huge-gib N]
#   --huge-gib N   also index one synthetic gzip layer of N GiB uncompressed, generated while it
#                  is read and never stored, to measure the heap peak for a very large layer
# Environment:
#   BENCHMARK_DIR                directory of the generated layers, which later runs reuse
#                                (default target/benchmark/image)
#   BENCHMARK_LAYER_MIB          uncompressed size of each of the three layers (default 512)
#   BENCHMARK_LAYER_CONCURRENCY  layers indexed at once (default 2)
#   BENCHMARK_REGISTRY=0         skip the local registry run
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

if [[ "${BENCHMARK_REGISTRY:-1}" != 0 ]]; then
  for tool in docker-registry skopeo; do
    if ! command -v "$tool" >/dev/null; then
      echo "$tool not found: the registry run needs the Debian packages docker-registry and" \
        "skopeo (scripts/test.sh installs them); set BENCHMARK_REGISTRY=0 to skip that run" >&2
      exit 1
    fi
  done
fi

dir="${BENCHMARK_DIR:-target/benchmark/image}"
layer_mib="${BENCHMARK_LAYER_MIB:-512}"
mkdir -p "$dir"

compressor="gzip -c -n"
command -v pigz >/dev/null && compressor="pigz -c -n"

# Splits the regular files under /usr/lib and /usr/share into lists of about layer_mib MiB:
# base, middle and top for the first image, and extra (a quarter of the size) for the second.
if [[ ! -f "$dir/top.list" || ! -f "$dir/extra.list" ]]; then
  python3 - "$dir" "$layer_mib" <<'PY'
import os, sys
out, mib = sys.argv[1], int(sys.argv[2])
targets = [("base", mib), ("middle", mib), ("top", mib), ("extra", mib // 4)]
files = []
for root in ("/usr/lib", "/usr/share"):
    for parent, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(parent, name)
            try:
                if os.path.isfile(path) and not os.path.islink(path) and os.access(path, os.R_OK):
                    files.append((path, os.path.getsize(path)))
            except OSError:
                pass
index = 0
for name, size_mib in targets:
    limit, total, chosen = size_mib << 20, 0, []
    while index < len(files) and total < limit:
        path, size = files[index]
        index += 1
        chosen.append(path.lstrip("/"))
        total += size
    with open(os.path.join(out, name + ".list"), "w") as f:
        f.write("\n".join(chosen) + "\n")
    print(f"{name}: {len(chosen)} files, {total / 1048576:.0f} MiB")
PY
fi

for name in base middle top extra; do
  if [[ ! -f "$dir/$name.tar.gz" || ! -f "$dir/$name.diffid" ]]; then
    echo "building $dir/$name.tar.gz"
    # GNU tar exits 1 when a file changed while it was read; the archive is still valid.
    (tar -C / --no-recursion --ignore-failed-read -cf - -T "$dir/$name.list" 2>/dev/null \
      || [ $? -eq 1 ]) \
      | tee >(sha256sum | cut -d' ' -f1 > "$dir/$name.diffid.tmp") \
      | $compressor > "$dir/$name.tar.gz.tmp"
    # The hash runs in a process substitution, which the pipeline does not wait for.
    for _ in $(seq 50); do [[ -s "$dir/$name.diffid.tmp" ]] && break; sleep 0.2; done
    mv "$dir/$name.tar.gz.tmp" "$dir/$name.tar.gz"
    mv "$dir/$name.diffid.tmp" "$dir/$name.diffid"
  fi
done

./mvnw -B -ntp -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark/classpath.txt -Dmdep.includeScope=test
classpath="target/classes:target/test-classes:$(cat target/benchmark/classpath.txt)"
java --enable-native-access=ALL-UNNAMED -Xmx256m -cp "$classpath" \
  io.sociindexer.benchmark.ImageIndexBenchmark "$dir" "$@"
