#!/usr/bin/env bash
# Indexes a local image with no registry: builds the jar, writes an OCI image layout whose
# large layer is the JDK directory and whose small layer is /etc/os-release, then runs
# 'soci-indexer index --oci-layout' on it.
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

layout=target/demo/layout
compressor="gzip -c -n"
command -v pigz >/dev/null && compressor="pigz -c -n"

if [[ ! -f target/soci-indexer.jar ]]; then
  ./mvnw -B -ntp -q package -DskipTests
fi

rm -rf target/demo
mkdir -p "$layout/blobs/sha256" target/demo/work
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"

# add_blob FILE: moves FILE into the layout and prints "digest size".
add_blob() {
  local hex size
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  mv "$1" "$layout/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}

# add_layer DIR: tars and compresses DIR; prints "digest size diff_id".
add_layer() {
  local tar=target/demo/work/layer.tar diff_id
  tar -C "$1" -cf "$tar" .
  diff_id="sha256:$(sha256sum "$tar" | cut -d' ' -f1)"
  $compressor < "$tar" > "$tar.gz"
  rm "$tar"
  echo "$(add_blob "$tar.gz") $diff_id"
}

mkdir -p target/demo/work/small && cp /etc/os-release target/demo/work/small/
read -r jdk_digest jdk_size jdk_diff < <(add_layer "$JAVA_HOME")
read -r small_digest small_size small_diff < <(add_layer target/demo/work/small)

printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s","%s"]}}' \
  "$jdk_diff" "$small_diff" > target/demo/work/config.json
read -r config_digest config_size < <(add_blob target/demo/work/config.json)

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$jdk_digest" "$jdk_size" "$small_digest" "$small_size" \
  > target/demo/work/manifest.json
read -r manifest_digest manifest_size < <(add_blob target/demo/work/manifest.json)

printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"demo"}}]}' \
  "$manifest_digest" "$manifest_size" > "$layout/index.json"

java -jar target/soci-indexer.jar index --oci-layout "$layout"
