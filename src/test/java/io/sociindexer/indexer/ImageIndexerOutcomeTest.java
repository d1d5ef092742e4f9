package io.sociindexer.indexer;

import static io.sociindexer.indexer.LayerFixtures.file;
import static io.sociindexer.indexer.LayerFixtures.gzip;
import static io.sociindexer.indexer.LayerFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Platform;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.OciImageBuilder.Layer;
import io.sociindexer.testing.OciImageBuilder.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outcomes that end before any layer is indexed: requested platforms the image does not have,
 * and images that are already SOCI-enabled.
 */
class ImageIndexerOutcomeTest {

  private static final IndexOptions SMALL =
      IndexOptions.defaults().withSpanSize(1 << 20).withMinLayerSize(0);
  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  @TempDir Path dir;

  @Test
  void unmatchedPlatformFailsWithImagePlatforms() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("two-platforms"));
    Manifest amd64 = image.manifest("linux", "amd64", List.of(layer(image, "amd64")));
    Manifest arm64 = image.manifest("linux", "arm64", List.of(layer(image, "arm64")));
    String index =
        """
        {"schemaVersion":2,"mediaType":"%s","manifests":[\
        {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"amd64","os":"linux"}},\
        {"mediaType":"%s","digest":"%s","size":%d,\
        "platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}"""
            .formatted(
                OCI_INDEX, OCI_MANIFEST, amd64.digest(), amd64.size(),
                OCI_MANIFEST, arm64.digest(), arm64.size());
    image.tagBytes(index.getBytes(StandardCharsets.UTF_8), OCI_INDEX, "1.0");
    byte[] indexJsonBefore = indexJson(image);
    IndexOptions options = SMALL.withPlatforms(List.of(Platform.parse("linux/s390x")));

    assertThatThrownBy(() -> index(image, "1.0", options))
        .isInstanceOf(NoMatchingPlatformException.class)
        .hasMessageEndingWith(
            ":1.0 matches the requested platforms linux/s390x;"
                + " the image has linux/amd64, linux/arm64/v8")
        .hasMessageStartingWith("no manifest of oci-layout:");
    assertThat(indexJson(image)).isEqualTo(indexJsonBefore);
  }

  @Test
  void unmatchedPlatformOfSingleManifest() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("single"));
    image.tag(image.manifest("linux", "amd64", List.of(layer(image, "single"))), "1.0");
    IndexOptions options =
        SMALL.withPlatforms(List.of(Platform.parse("linux/s390x"), Platform.parse("linux/ppc64le")));

    assertThatThrownBy(() -> index(image, "1.0", options))
        .isInstanceOf(NoMatchingPlatformException.class)
        .hasMessageContaining("requested platforms linux/s390x, linux/ppc64le")
        .hasMessageEndingWith("the image has linux/amd64");
  }

  @Test
  void matchedPlatformStillIndexes() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("matched"));
    Manifest amd64 = image.manifest("linux", "amd64", List.of(layer(image, "amd64")));
    Manifest arm64 = image.manifest("linux", "arm64", List.of(layer(image, "arm64")));
    image.tagIndex(List.of(amd64, arm64), "1.0");

    IndexResult result =
        index(image, "1.0", SMALL.withPlatforms(List.of(Platform.parse("linux/arm64"))));

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
  }

  @Test
  void inPlaceRerunIsAlreadyEnabled() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("in-place"));
    image.tag(image.manifest("linux", "amd64", List.of(layer(image, "in-place"))), "1.0");
    IndexOptions inPlace = SMALL.withInPlace(true);
    IndexResult first = index(image, "1.0", inPlace);
    byte[] indexJsonBefore = indexJson(image);

    IndexResult second = index(image, "1.0", inPlace);

    assertThat(second.status()).isEqualTo(IndexResult.Status.ALREADY_SOCI_ENABLED);
    assertThat(second.sourceDigest()).isEqualTo(first.imageIndex().digest());
    assertThat(second.reason())
        .isEqualTo(
            "image index " + first.imageIndex().digest() + " contains the SOCI index "
                + first.platforms().getFirst().sociIndex().digest());
    assertThat(second.imageIndex()).isNull();
    assertThat(second.outputTag()).isNull();
    assertThat(indexJson(image)).isEqualTo(indexJsonBefore);
  }

  @Test
  void sociOutputTagIsAlreadyEnabled() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("output-tag"));
    image.tag(image.manifest("linux", "amd64", List.of(layer(image, "output-tag"))), "1.0");
    IndexResult first = index(image, "1.0", SMALL);

    IndexResult second = index(image, first.outputTag(), SMALL);

    assertThat(second.status()).isEqualTo(IndexResult.Status.ALREADY_SOCI_ENABLED);
    assertThat(second.reason()).contains("contains the SOCI index");
  }

  @Test
  void annotatedManifestIsAlreadyEnabled() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("annotated"));
    IndexResult first = indexed(image);
    Digest rewritten = first.platforms().getFirst().rewrittenManifest().digest();
    byte[] rewrittenBytes = Files.readAllBytes(image.blobPath(rewritten));
    image.tagBytes(rewrittenBytes, OCI_MANIFEST, "annotated");

    IndexResult second = index(image, "annotated", SMALL);

    assertThat(second.status()).isEqualTo(IndexResult.Status.ALREADY_SOCI_ENABLED);
    assertThat(second.reason())
        .isEqualTo(
            "image manifest " + rewritten + " carries com.amazon.soci.index-digest="
                + first.platforms().getFirst().sociIndex().digest());
  }

  @Test
  void annotatedChildManifestIsAlreadyEnabled() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("annotated-child"));
    IndexResult first = indexed(image);
    Digest rewritten = first.platforms().getFirst().rewrittenManifest().digest();
    long size = first.platforms().getFirst().rewrittenManifest().size();
    String index =
        """
        {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s",\
        "size":%d,"platform":{"architecture":"amd64","os":"linux"}}]}"""
            .formatted(OCI_INDEX, OCI_MANIFEST, rewritten, size);
    image.tagBytes(index.getBytes(StandardCharsets.UTF_8), OCI_INDEX, "child");

    IndexResult second = index(image, "child", SMALL);

    assertThat(second.status()).isEqualTo(IndexResult.Status.ALREADY_SOCI_ENABLED);
    assertThat(second.reason()).startsWith("image manifest " + rewritten + " carries");
  }

  @Test
  void sociIndexManifestIsAlreadyEnabled() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("soci-index"));
    IndexResult first = indexed(image);
    Digest sociIndex = first.platforms().getFirst().sociIndex().digest();
    image.tagBytes(Files.readAllBytes(image.blobPath(sociIndex)), OCI_MANIFEST, "soci");

    IndexResult second = index(image, "soci", SMALL);

    assertThat(second.status()).isEqualTo(IndexResult.Status.ALREADY_SOCI_ENABLED);
    assertThat(second.reason())
        .isEqualTo(
            "manifest " + sociIndex + " is a SOCI index manifest (config media type"
                + " application/vnd.amazon.soci.index.v2+json)");
  }

  @Test
  void missingLayerBlobNamesDigest() throws Exception {
    OciImageBuilder image = new OciImageBuilder(dir.resolve("missing-blob"));
    Layer layer = layer(image, "missing");
    image.tag(image.manifest("linux", "amd64", List.of(layer)), "1.0");
    Files.delete(image.blobPath(layer.digest()));

    assertThatThrownBy(() -> index(image, "1.0", SMALL))
        .hasMessage(
            "blob " + layer.digest() + " not found in OCI layout " + image.layout());
  }

  private static IndexResult indexed(OciImageBuilder image) throws IOException {
    image.tag(image.manifest("linux", "amd64", List.of(layer(image, "indexed"))), "1.0");
    IndexResult result = index(image, "1.0", SMALL);
    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    return result;
  }

  private static Layer layer(OciImageBuilder image, String seed) throws IOException {
    byte[] tar =
        LayerFixtures.concat(
            file(seed + ".txt", LayerFixtures.mixed(seed, 4096)), zeros(2 * LayerFixtures.BLOCK));
    return image.addLayer(gzip(tar), OCI_GZIP, Digest.sha256(tar));
  }

  private static IndexResult index(OciImageBuilder image, String tag, IndexOptions options)
      throws IOException {
    try (OciLayoutImageStore store = OciLayoutImageStore.open(image.layout())) {
      return new ImageIndexer(options).index(store, tag, null);
    }
  }

  private static byte[] indexJson(OciImageBuilder image) throws IOException {
    return Files.readAllBytes(image.layout().resolve("index.json"));
  }
}
