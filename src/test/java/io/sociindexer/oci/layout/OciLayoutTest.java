package io.sociindexer.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {

  @TempDir Path dir;

  private static final byte[] MANIFEST =
      ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
              + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
              + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
              + "\"size\":2},\"layers\":[]}")
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void writtenFilesKeepDefaultPermissions() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    Path probe = Files.createFile(dir.resolve("probe"));
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(probe);

    Digest digest = layout.writeBlob("{}".getBytes(StandardCharsets.UTF_8));
    layout.tag("v1", Descriptor.of(MediaType.OCI_MANIFEST, digest, 2));

    assertThat(Files.getPosixFilePermissions(layout.blobPath(digest))).isEqualTo(expected);
    assertThat(Files.getPosixFilePermissions(dir.resolve("layout/index.json"))).isEqualTo(expected);
  }

  @Test
  void missingBlobNamesDigestAndLayout() throws IOException {
    OciLayout layout = OciLayout.create(dir);
    Digest digest = Digest.sha256("absent".getBytes(StandardCharsets.UTF_8));
    String expected = "blob " + digest + " not found in OCI layout " + dir;

    assertThatThrownBy(() -> layout.openBlob(digest))
        .isInstanceOf(OciLayout.BlobNotFoundException.class)
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(expected);
    assertThatThrownBy(() -> layout.blobSize(digest)).hasMessage(expected);
    assertThatThrownBy(() -> layout.readManifest(Descriptor.of(MediaType.OCI_MANIFEST, digest, 2)))
        .hasMessage(expected);
  }

  @Test
  void createWritesLayoutFiles() throws IOException {
    OciLayout.create(dir);

    assertThat(Files.readString(dir.resolve("oci-layout"))).isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
    assertThat(Files.readString(dir.resolve("index.json")))
        .isEqualTo("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
  }

  @Test
  void writeTagResolveReadRoundTrip() throws IOException {
    OciLayout layout = OciLayout.create(dir);
    Digest config = layout.writeBlob("{}".getBytes(StandardCharsets.UTF_8));
    Digest manifestDigest = layout.writeBlob(MANIFEST);
    Descriptor descriptor = Descriptor.of(MediaType.OCI_MANIFEST, manifestDigest, MANIFEST.length);

    layout.tag("v1", descriptor);
    OciLayout reopened = OciLayout.open(dir);
    Descriptor resolved = reopened.resolve(null);

    assertThat(reopened.tags()).containsExactly("v1");
    assertThat(resolved.digest()).isEqualTo(manifestDigest);
    assertThat(resolved.annotation(OciLayout.REF_NAME_ANNOTATION)).isEqualTo("v1");
    assertThat(reopened.readManifest(resolved)).isEqualTo(MANIFEST);
    assertThat(reopened.blobSize(config)).isEqualTo(2);
    try (InputStream in = reopened.openBlob(config)) {
      assertThat(in.readAllBytes()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(dir.resolve("blobs/sha256/" + config.hex())).exists();
  }

  @Test
  void tagReplacesSameTagKeepsOthers() throws IOException {
    OciLayout layout = OciLayout.create(dir);
    Descriptor first = Descriptor.of(MediaType.OCI_MANIFEST, layout.writeBlob(MANIFEST), MANIFEST.length);
    Descriptor second = Descriptor.of(MediaType.OCI_MANIFEST, layout.writeBlob(new byte[] {1}), 1);

    layout.tag("a", first);
    layout.tag("b", first);
    layout.tag("a", second);

    assertThat(layout.tags()).containsExactly("b", "a");
    assertThat(layout.resolve("a").digest()).isEqualTo(second.digest());
    assertThat(layout.resolve("b").digest()).isEqualTo(first.digest());
  }

  @Test
  void resolveSeveralTagsNamesThem() throws IOException {
    OciLayout layout = OciLayout.create(dir);
    Descriptor descriptor = Descriptor.of(MediaType.OCI_MANIFEST, layout.writeBlob(MANIFEST), MANIFEST.length);
    layout.tag("latest", descriptor);
    layout.tag("stable", descriptor);

    assertThatThrownBy(() -> layout.resolve(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latest")
        .hasMessageContaining("stable");
  }

  @Test
  void resolveEmptyLayoutFails() throws IOException {
    OciLayout layout = OciLayout.create(dir);

    assertThatThrownBy(() -> layout.resolve(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 entries");
  }

  @Test
  void resolveUnknownTagFails() throws IOException {
    OciLayout layout = OciLayout.create(dir);
    layout.tag("v1", Descriptor.of(MediaType.OCI_MANIFEST, layout.writeBlob(MANIFEST), MANIFEST.length));

    assertThatThrownBy(() -> layout.resolve("v2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'v2' not found")
        .hasMessageContaining("[v1]");
  }

  @Test
  void readManifestDetectsCorruption() throws IOException {
    OciLayout layout = OciLayout.create(dir);
    Digest digest = layout.writeBlob(MANIFEST);
    byte[] corrupted = MANIFEST.clone();
    corrupted[0] = ' ';
    Files.write(layout.blobPath(digest), corrupted);

    assertThatThrownBy(
            () -> layout.readManifest(Descriptor.of(MediaType.OCI_MANIFEST, digest, MANIFEST.length)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("digest mismatch");
  }

  @Test
  void streamedBlobVerified() throws IOException {
    OciLayout layout = OciLayout.create(dir);
    byte[] content = "layer".getBytes(StandardCharsets.UTF_8);
    Digest wrong = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> layout.writeBlob(wrong, new ByteArrayInputStream(content)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("digest mismatch");
    assertThat(layout.hasBlob(wrong)).isFalse();
    try (var files = Files.list(dir.resolve("blobs/sha256"))) {
      assertThat(files).isEmpty();
    }

    layout.writeBlob(Digest.sha256(content), new ByteArrayInputStream(content));
    assertThat(layout.hasBlob(Digest.sha256(content))).isTrue();
  }

  @Test
  void openRejectsDirectoryWithoutLayoutFile() {
    assertThatThrownBy(() -> OciLayout.open(dir)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void openRejectsOtherLayoutVersion() throws IOException {
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");

    assertThatThrownBy(() -> OciLayout.open(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2.0.0");
  }
}
