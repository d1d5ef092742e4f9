package io.sociindexer.worker;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds small single-platform OCI images in a {@link FakeRegistry}. */
final class TestImages {

  private TestImages() {}

  /** An image in the registry: its manifest digest and its one layer's digest. */
  record Pushed(Digest manifest, Digest layer) {}

  /** Pushes a linux/amd64 image with one gzip layer of a few files, tagged {@code tag}. */
  static Pushed push(FakeRegistry registry, String repository, String tag, String seed)
      throws IOException {
    byte[] tar = tar(seed);
    return push(registry, repository, tag, gzip(tar), Digest.sha256(tar));
  }

  /** Pushes a linux/amd64 image whose one gzip layer has exactly the bytes {@code layer}. */
  static Pushed push(
      FakeRegistry registry, String repository, String tag, byte[] layer, Digest diffId) {
    Digest layerDigest = registry.putBlob(layer);

    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + diffId + "\"]}}";
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    Digest configDigest = registry.putBlob(configBytes);

    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST.value()
        + "\",\"config\":{\"mediaType\":\"" + MediaType.OCI_CONFIG.value() + "\",\"digest\":\""
        + configDigest + "\",\"size\":" + configBytes.length + "},\"layers\":[{\"mediaType\":\""
        + MediaType.OCI_LAYER_GZIP.value() + "\",\"digest\":\"" + layerDigest + "\",\"size\":"
        + layer.length + "}]}";
    Digest manifestDigest = registry.putManifest(
        repository, tag, MediaType.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    return new Pushed(manifestDigest, layerDigest);
  }

  static byte[] tar(String seed) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      SplittableRandom random = new SplittableRandom(seed.hashCode());
      for (int i = 0; i < 3; i++) {
        byte[] data = new byte[64 * 1024];
        random.nextBytes(data);
        TarArchiveEntry entry = new TarArchiveEntry("files/" + seed + "-" + i + ".bin");
        entry.setSize(data.length);
        entry.setModTime(1_700_000_000_000L);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    }
    return out.toByteArray();
  }
}
