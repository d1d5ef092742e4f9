package io.sociindexer.indexer;

import static io.sociindexer.indexer.LayerFixtures.concat;
import static io.sociindexer.indexer.LayerFixtures.file;
import static io.sociindexer.indexer.LayerFixtures.gzip;
import static io.sociindexer.indexer.LayerFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.layer.LayerLimits;
import io.sociindexer.oci.Digest;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.OciImageBuilder.Layer;
import io.sociindexer.testing.OciImageBuilder.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad manifests and bad layers indexed through {@link ImageIndexer} from an OCI image layout:
 * every failure names the image, the manifest or layer digest and the cause, and manifests the
 * indexer cannot use are skipped with a reason.
 */
class ImageIndexerBadInputTest {

  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final IndexOptions OPTIONS =
      IndexOptions.defaults().withSpanSize(64 * 1024).withMinLayerSize(0);

  @TempDir Path dir;

  // Manifests.

  @Test
  void oversizedManifestFails() throws Exception {
    OciImageBuilder image = image("oversized");
    String padding = "x".repeat(4 * 1024 * 1024);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"annotations\":{\"pad\":\""
                + padding + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    Digest digest = image.tagBytes(manifest, OCI_MANIFEST, "v1");

    assertThatThrownBy(() -> index(image, "v1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(":v1")
        .hasMessageContaining(digest.toString())
        .hasMessageContaining("more than the maximum of 4194304 bytes");
  }

  @Test
  void invalidJsonRootFails() throws Exception {
    OciImageBuilder image = image("invalid-root");
    Digest digest =
        image.tagBytes("{\"schemaVersion\":2,".getBytes(StandardCharsets.UTF_8), OCI_MANIFEST, "v1");

    assertThatThrownBy(() -> index(image, "v1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(image.layout().toString() + ":v1")
        .hasMessageContaining("invalid image manifest " + digest);
  }

  @Test
  void invalidJsonChildFails() throws Exception {
    OciImageBuilder image = image("invalid-child");
    byte[] broken = "[1, 2".getBytes(StandardCharsets.UTF_8);
    Digest child = image.writeBlob(broken);
    image.tagBytes(index(entry(OCI_MANIFEST, child, broken.length, "amd64")), OCI_INDEX, "v1");

    assertThatThrownBy(() -> index(image, "v1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(":v1")
        .hasMessageContaining("invalid image manifest " + child);
  }

  @Test
  void unknownRootMediaTypeFails() throws Exception {
    OciImageBuilder image = image("unknown-root");
    Digest digest =
        image.tagBytes(
            "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8),
            "application/vnd.example.thing+json",
            "v1");

    assertThatThrownBy(() -> index(image, "v1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(":v1")
        .hasMessageContaining("manifest " + digest)
        .hasMessageContaining("neither an image manifest nor an image index");
  }

  @Test
  void unknownChildMediaTypeSkipped() throws Exception {
    OciImageBuilder image = image("unknown-child");
    Manifest good = image.manifest("linux", "amd64", List.of(goodLayer(image)));
    byte[] other = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    Digest otherDigest = image.writeBlob(other);
    image.tagBytes(
        index(
            entry(OCI_MANIFEST, good.digest(), good.size(), "amd64"),
            entry("application/vnd.example.thing+json", otherDigest, other.length, "arm64")),
        OCI_INDEX,
        "v1");

    IndexResult result = index(image, "v1");

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(result.platforms()).extracting(PlatformOutcome::skipReason)
        .containsExactly(null, "media type application/vnd.example.thing+json is not an image manifest");
  }

  @Test
  void unknownLayerMediaTypeSkipped() throws Exception {
    OciImageBuilder image = image("unknown-layer");
    byte[] tar = tar("unknown-layer");
    Layer odd = image.addLayer(gzip(tar), "application/vnd.example.layer", Digest.sha256(tar));
    image.tag(image.manifest("linux", "amd64", List.of(odd, goodLayer(image))), "v1");

    IndexResult result = index(image, "v1");

    List<LayerOutcome> layers = result.platforms().getFirst().layers();
    assertThat(layers.get(0).indexed()).isFalse();
    assertThat(layers.get(0).skipReason())
        .contains("media type application/vnd.example.layer is not a layer media type");
    assertThat(layers.get(1).indexed()).isTrue();
  }

  @Test
  void nestedIndexSkipped() throws Exception {
    OciImageBuilder image = image("nested");
    Manifest good = image.manifest("linux", "amd64", List.of(goodLayer(image)));
    byte[] inner = index(entry(OCI_MANIFEST, good.digest(), good.size(), "amd64"));
    Digest innerDigest = image.writeBlob(inner);
    image.tagBytes(index(entry(OCI_INDEX, innerDigest, inner.length, "amd64")), OCI_INDEX, "v1");

    IndexResult result = index(image, "v1");

    assertThat(result.status()).isEqualTo(IndexResult.Status.NOTHING_TO_INDEX);
    assertThat(result.platforms().getFirst().skipReason()).contains("nested in the image index");
  }

  @Test
  void indexListedAsManifestFails() throws Exception {
    OciImageBuilder image = image("index-as-manifest");
    Manifest good = image.manifest("linux", "amd64", List.of(goodLayer(image)));
    byte[] inner = index(entry(OCI_MANIFEST, good.digest(), good.size(), "amd64"));
    Digest innerDigest = image.writeBlob(inner);
    image.tagBytes(index(entry(OCI_MANIFEST, innerDigest, inner.length, "amd64")), OCI_INDEX, "v1");

    assertThatThrownBy(() -> index(image, "v1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(":v1")
        .hasMessageContaining("invalid image manifest " + innerDigest)
        .hasMessageContaining("got an image index");
  }

  @Test
  void thousandPlatformsIndexed() throws Exception {
    OciImageBuilder image = image("thousand");
    Layer layer = goodLayer(image);
    List<Manifest> manifests = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      manifests.add(image.manifest("linux", "arch" + i, List.of(layer)));
    }
    image.tagIndex(manifests, "v1");

    long started = System.nanoTime();
    IndexResult result = index(image, "v1");
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(result.platforms()).hasSize(1000);
    assertThat(result.platforms()).allMatch(platform -> platform.skipReason() == null);
    System.out.println("1000 platforms indexed in " + millis + " ms");
  }

  // Layers, with the image named in the message.

  @Test
  void unsafeLayerNamesImage() throws Exception {
    OciImageBuilder image = image("unsafe");
    byte[] tar = concat(file("../escape", new byte[] {1}), zeros(1024));
    Layer bad = image.addLayer(gzip(tar), OCI_GZIP, Digest.sha256(tar));
    image.tag(image.manifest("linux", "amd64", List.of(bad)), "v1");

    assertThatThrownBy(() -> index(image, "v1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(image.layout().toString() + ":v1")
        .hasMessageContaining("layer " + bad.digest())
        .hasMessageContaining("unsafe tar entry \"../escape\"");
  }

  @Test
  void entryLimitNamesImage() throws Exception {
    OciImageBuilder image = image("entries");
    Layer layer = goodLayer(image);
    image.tag(image.manifest("linux", "amd64", List.of(layer)), "v1");
    IndexOptions options = OPTIONS.withLayerLimits(LayerLimits.defaults().withMaxEntries(1));

    assertThatThrownBy(() -> index(image, "v1", options))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(":v1")
        .hasMessageContaining("layer " + layer.digest())
        .hasMessageContaining("more than the maximum of 1 entries");
  }

  // Helpers.

  private OciImageBuilder image(String name) throws IOException {
    return new OciImageBuilder(dir.resolve(name));
  }

  private static byte[] tar(String seed) {
    return concat(
        file(seed + "/data.bin", LayerFixtures.mixed(seed, 20_000)),
        file(seed + "/notes.txt", (seed + "\n").getBytes(StandardCharsets.UTF_8)),
        zeros(1024));
  }

  private static Layer goodLayer(OciImageBuilder image) throws IOException {
    byte[] tar = tar("good");
    return image.addLayer(gzip(tar), OCI_GZIP, Digest.sha256(tar));
  }

  private static String entry(String mediaType, Digest digest, long size, String architecture) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size
        + ",\"platform\":{\"architecture\":\"" + architecture + "\",\"os\":\"linux\"}}";
  }

  private static byte[] index(String... entries) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
            + String.join(",", entries) + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static IndexResult index(OciImageBuilder image, String tag) throws IOException {
    return index(image, tag, OPTIONS);
  }

  private static IndexResult index(OciImageBuilder image, String tag, IndexOptions options)
      throws IOException {
    try (OciLayoutImageStore store = OciLayoutImageStore.open(image.layout())) {
      return new ImageIndexer(options).index(store, tag, null);
    }
  }
}
