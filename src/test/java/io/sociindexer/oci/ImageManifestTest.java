package io.sociindexer.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageManifestTest {

  static final String LAYER_DIGEST =
      "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  static final String CONFIG_DIGEST =
      "sha256:2222222222222222222222222222222222222222222222222222222222222222";

  /** Written by hand in the field order and escaping of Go json.Marshal for ocispec.Manifest. */
  static final String GO_MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"artifactType\":\"application/example\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
          + CONFIG_DIGEST + "\",\"size\":1234},"
          + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
          + LAYER_DIGEST + "\",\"size\":99,\"urls\":[\"https://example.com/a?x=1\\u0026y=2\"],"
          + "\"annotations\":{\"a\":\"1\",\"b\":\"\\u003cb\\u003e\"}}],"
          + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
          + LAYER_DIGEST + "\",\"size\":7,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\","
          + "\"os.version\":\"1\",\"os.features\":[\"f\"],\"variant\":\"v8\"},"
          + "\"artifactType\":\"application/x\"},"
          + "\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01T00:00:00Z\"}}";

  @Test
  void descriptorDataSurvivesRoundTrip() {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
            + "\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":5,\"data\":\"aGVsbG8=\"},"
            + "\"layers\":[]}";

    ImageManifest manifest = ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8));

    assertThat(manifest.config().data()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(manifest.toGoJson(), StandardCharsets.UTF_8)).isEqualTo(json);
  }

  @Test
  void descriptorDataRejectsInvalidBase64() {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"sha256:"
            + "a".repeat(64) + "\",\"size\":5,\"data\":\"not base64!\"},\"layers\":[]}";

    assertThatThrownBy(() -> ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("invalid base64 in config.data");
  }

  @Test
  void parseRoundTripGoJson() {
    byte[] input = GO_MANIFEST.getBytes(StandardCharsets.UTF_8);

    ImageManifest manifest = ImageManifest.parse(input);

    assertThat(manifest.toGoJson()).isEqualTo(input);
    assertThat(manifest.raw()).isEqualTo(input);
    assertThat(manifest.digest()).isEqualTo(Digest.sha256(input));
    assertThat(manifest.layers()).hasSize(1);
    assertThat(manifest.layers().getFirst().annotations()).containsEntry("b", "<b>");
    assertThat(manifest.subject().platform().variant()).isEqualTo("v8");
    assertThat(manifest.artifactType()).isEqualTo("application/example");
  }

  @Test
  void parseKeepsRawBytesOfIndentedJson() {
    String indented =
        "{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n"
            + "   \"config\": {\"mediaType\": \"application/vnd.docker.container.image.v1+json\", \"size\": 5, \"digest\": \""
            + CONFIG_DIGEST + "\"},\n   \"layers\": [],\n   \"unknownField\": {\"x\": [1, 2]}\n}";
    byte[] input = indented.getBytes(StandardCharsets.UTF_8);

    ImageManifest manifest = ImageManifest.parse(input);

    assertThat(manifest.raw()).isEqualTo(input);
    assertThat(manifest.digest()).isEqualTo(Digest.sha256(input));
    assertThat(new String(manifest.toGoJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\""
                + CONFIG_DIGEST + "\",\"size\":5},\"layers\":[]}");
  }

  @Test
  void parseDropsEmptyAnnotationsOnRewrite() {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" + CONFIG_DIGEST
            + "\",\"size\":1,\"annotations\":{}},\"layers\":[],\"annotations\":{}}";

    ImageManifest manifest = ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8));

    assertThat(new String(manifest.toGoJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" + CONFIG_DIGEST
                + "\",\"size\":1},\"layers\":[]}");
  }

  @Test
  void withAnnotationsReserializes() {
    ImageManifest manifest = ImageManifest.parse(GO_MANIFEST.getBytes(StandardCharsets.UTF_8));

    ImageManifest changed = manifest.withAnnotations(Map.of("k", "v"));

    assertThat(changed.raw()).isEqualTo(changed.toGoJson());
    assertThat(changed.digest()).isNotEqualTo(manifest.digest());
    assertThat(new String(changed.raw(), StandardCharsets.UTF_8)).endsWith(",\"annotations\":{\"k\":\"v\"}}");
  }

  @Test
  void parseRejectsInvalidJson() {
    assertThatThrownBy(() -> ImageManifest.parse("{\"schemaVersion\":2,".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("invalid image manifest JSON");
  }

  @Test
  void parseRejectsTrailingContent() {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" + CONFIG_DIGEST
            + "\",\"size\":1},\"layers\":[]} {}";
    assertThatThrownBy(() -> ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class);
  }

  @Test
  void parseRejectsMissingConfig() {
    assertThatThrownBy(
            () -> ImageManifest.parse("{\"schemaVersion\":2,\"layers\":[]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("'config'");
  }

  @Test
  void parseRejectsMissingLayers() {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" + CONFIG_DIGEST
            + "\",\"size\":1}}";
    assertThatThrownBy(() -> ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("'layers'");
  }

  @Test
  void parseRejectsFractionalSize() {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" + CONFIG_DIGEST
            + "\",\"size\":1.5},\"layers\":[]}";
    assertThatThrownBy(() -> ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("'size'");
  }

  @Test
  void parseRejectsInvalidDigest() {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"sha256:abc\",\"size\":1},"
            + "\"layers\":[]}";
    assertThatThrownBy(() -> ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("config.digest");
  }

  @Test
  void parseRejectsSchemaVersionOne() {
    assertThatThrownBy(
            () -> ImageManifest.parse("{\"schemaVersion\":1,\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("schemaVersion 1");
  }

  @Test
  void parseRejectsIndex() {
    String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";
    assertThatThrownBy(() -> ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("image index");
  }

  @Test
  void indexRoundTripGoJson() {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + LAYER_DIGEST
            + "\",\"size\":10,\"annotations\":{\"com.amazon.soci.index-digest\":\"" + CONFIG_DIGEST
            + "\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + CONFIG_DIGEST
            + "\",\"size\":20,\"annotations\":{\"com.amazon.soci.image-manifest-digest\":\"" + LAYER_DIGEST
            + "\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
            + "\"artifactType\":\"application/vnd.amazon.soci.index.v2+json\"}]}";
    byte[] input = json.getBytes(StandardCharsets.UTF_8);

    ImageIndex index = ImageIndex.parse(input);

    assertThat(index.toGoJson()).isEqualTo(input);
    assertThat(index.manifests()).hasSize(2);
    assertThat(index.manifests().get(1).artifactType())
        .isEqualTo("application/vnd.amazon.soci.index.v2+json");
  }

  @Test
  void indexEmptyManifestsWrittenAsArray() {
    ImageIndex index = ImageIndex.of(MediaType.OCI_INDEX, List.of(), null);
    assertThat(new String(index.raw(), StandardCharsets.UTF_8))
        .isEqualTo("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
  }

  @Test
  void indexRejectsManifest() {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" + CONFIG_DIGEST
            + "\",\"size\":1},\"layers\":[]}";
    assertThatThrownBy(() -> ImageIndex.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("image manifest");
  }

  @Test
  void indexRejectsMissingManifests() {
    assertThatThrownBy(() -> ImageIndex.parse("{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("'manifests'");
  }

  @Test
  void descriptorJsonRoundTrip() {
    String json =
        "{\"mediaType\":\"\",\"digest\":\"" + LAYER_DIGEST + "\",\"size\":4}";
    Descriptor descriptor = DescriptorJson.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(new String(DescriptorJson.toGoJson(descriptor), StandardCharsets.UTF_8)).isEqualTo(json);
  }
}
