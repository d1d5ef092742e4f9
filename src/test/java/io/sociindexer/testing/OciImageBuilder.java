package io.sociindexer.testing;

import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes OCI image layouts for tests: layers made with GNU tar and gzip or pigz from real
 * directories, one image manifest per platform, and an image index when there are several.
 */
public final class OciImageBuilder {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path layout;

  public OciImageBuilder(Path layout) throws IOException {
    this.layout = layout;
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  public Path layout() {
    return layout;
  }

  /** A layer blob in the layout with its uncompressed digest. */
  public record Layer(String mediaType, Digest digest, long size, Digest diffId) {}

  /** A manifest blob in the layout. */
  public record Manifest(Digest digest, long size, String os, String architecture) {}

  /**
   * Tars {@code directory} (names start with {@code ./}) and compresses it with {@code compressor}
   * ({@code "pigz -c"}, {@code "gzip -c -n"}, or {@code null} for a plain tar layer).
   */
  public Layer layerFromDirectory(Path directory, String compressor)
      throws IOException, InterruptedException {
    Path tar = Files.createTempFile(layout, "layer", ".tar");
    // GNU tar exits 1 when a file changed while it was read, for example while apt-get upgrades
    // a package on the same machine. The archive is still valid, so only a status above 1 fails.
    Commands.bash("tar -C '" + directory + "' -cf '" + tar + "' . || [ $? -eq 1 ]");
    return layerFromTar(tar, compressor);
  }

  /** Adds a tar file as a layer, compressed by {@code compressor} unless it is null. */
  public Layer layerFromTar(Path tar, String compressor) throws IOException, InterruptedException {
    Digest diffId = sha256(tar);
    Path blob = tar;
    String mediaType = "application/vnd.oci.image.layer.v1.tar";
    if (compressor != null) {
      blob = Files.createTempFile(layout, "layer", ".gz");
      Commands.bash(compressor + " < '" + tar + "' > '" + blob + "'");
      mediaType = "application/vnd.oci.image.layer.v1.tar+gzip";
    }
    return addLayerBlob(blob, mediaType, diffId);
  }

  /** Moves an existing blob file into the layout as a layer with the given media type. */
  public Layer addLayerBlob(Path blob, String mediaType, Digest diffId) throws IOException {
    Digest digest = sha256(blob);
    long size = Files.size(blob);
    Files.move(blob, blobPath(digest), StandardCopyOption.REPLACE_EXISTING);
    return new Layer(mediaType, digest, size, diffId);
  }

  /** Adds layer blob bytes to the layout with the given media type. */
  public Layer addLayer(byte[] blob, String mediaType, Digest diffId) throws IOException {
    return new Layer(mediaType, writeBlob(blob), blob.length, diffId);
  }

  /** Writes an image config and manifest for one platform; returns the manifest. */
  public Manifest manifest(String os, String architecture, List<Layer> layers) throws IOException {
    return manifest(os, architecture, layers, "PATH=/usr/bin");
  }

  /**
   * Writes an image config whose environment holds {@code env} and a manifest; images that share
   * layers but differ in {@code env} get different manifest digests.
   */
  public Manifest manifest(String os, String architecture, List<Layer> layers, String env)
      throws IOException {
    return manifest(
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.config.v1+json",
        os,
        architecture,
        layers,
        env);
  }

  /**
   * Writes an image config and a manifest with the given manifest and config media types, such
   * as the Docker schema 2 types, and returns the manifest.
   */
  public Manifest manifest(
      String manifestMediaType,
      String configMediaType,
      String os,
      String architecture,
      List<Layer> layers)
      throws IOException {
    return manifest(manifestMediaType, configMediaType, os, architecture, layers, "PATH=/usr/bin");
  }

  private Manifest manifest(
      String manifestMediaType,
      String configMediaType,
      String os,
      String architecture,
      List<Layer> layers,
      String env)
      throws IOException {
    List<String> diffIds = layers.stream().map(layer -> layer.diffId().toString()).toList();
    Map<String, Object> config =
        Map.of(
            "architecture", architecture,
            "os", os,
            "rootfs", Map.of("type", "layers", "diff_ids", diffIds),
            "config", Map.of("Env", List.of(env)));
    byte[] configBytes = JSON.writeValueAsBytes(config);
    Digest configDigest = writeBlob(configBytes);

    List<Map<String, Object>> layerDescriptors = new ArrayList<>();
    for (Layer layer : layers) {
      layerDescriptors.add(
          Map.of("mediaType", layer.mediaType(), "digest", layer.digest().toString(), "size", layer.size()));
    }
    Map<String, Object> manifest =
        Map.of(
            "schemaVersion", 2,
            "mediaType", manifestMediaType,
            "config",
                Map.of(
                    "mediaType", configMediaType,
                    "digest", configDigest.toString(),
                    "size", configBytes.length),
            "layers", layerDescriptors);
    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    return new Manifest(writeBlob(manifestBytes), manifestBytes.length, os, architecture);
  }

  /** Tags a single manifest in index.json. */
  public void tag(Manifest manifest, String tag) throws IOException {
    writeIndexJson(tag, "application/vnd.oci.image.manifest.v1+json", manifest.digest(), manifest.size());
  }

  /** Writes an image index over {@code manifests} and tags it in index.json. */
  public Digest tagIndex(List<Manifest> manifests, String tag) throws IOException {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Manifest manifest : manifests) {
      entries.add(
          Map.of(
              "mediaType", "application/vnd.oci.image.manifest.v1+json",
              "digest", manifest.digest().toString(),
              "size", manifest.size(),
              "platform", Map.of("os", manifest.os(), "architecture", manifest.architecture())));
    }
    byte[] index =
        JSON.writeValueAsBytes(
            Map.of(
                "schemaVersion", 2,
                "mediaType", "application/vnd.oci.image.index.v1+json",
                "manifests", entries));
    Digest digest = writeBlob(index);
    writeIndexJson(tag, "application/vnd.oci.image.index.v1+json", digest, index.length);
    return digest;
  }

  /**
   * Writes {@code content} as a blob and tags it in index.json with {@code mediaType}, for
   * manifests and indexes whose exact bytes a test controls.
   */
  public Digest tagBytes(byte[] content, String mediaType, String tag) throws IOException {
    Digest digest = writeBlob(content);
    writeIndexJson(tag, mediaType, digest, content.length);
    return digest;
  }

  public Digest writeBlob(byte[] content) throws IOException {
    Digest digest = Digest.sha256(content);
    Path path = blobPath(digest);
    if (!Files.exists(path)) {
      Files.write(path, content);
    }
    return digest;
  }

  public Path blobPath(Digest digest) {
    return layout.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  private void writeIndexJson(String tag, String mediaType, Digest digest, long size)
      throws IOException {
    Map<String, Object> descriptor =
        Map.of(
            "mediaType", mediaType,
            "digest", digest.toString(),
            "size", size,
            "annotations", Map.of("org.opencontainers.image.ref.name", tag));
    byte[] index =
        JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "manifests", List.of(descriptor)));
    Files.write(layout.resolve("index.json"), index);
  }

  public static Digest sha256(Path file) throws IOException {
    MessageDigest sha256 = Digest.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return Digest.ofSha256(sha256.digest());
  }

  public static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
