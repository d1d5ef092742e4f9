package io.sociindexer.soci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SociIndexV2Test {

  static final Digest LAYER_1 =
      Digest.parse("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  static final Digest LAYER_2 =
      Digest.parse("sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

  static ZtocLayer ztoc(Digest layer, MediaType mediaType, String content) {
    return new ZtocLayer(
        Descriptor.of(mediaType, layer, 20_000_000),
        content.getBytes(StandardCharsets.UTF_8),
        4_194_304);
  }

  /** The one-zTOC v2 example that soci's MarshalIndex writes, placeholders filled in. */
  @Test
  void buildMatchesCanonicalExample() {
    byte[] ztocBytes = "ztoc-bytes".getBytes(StandardCharsets.UTF_8);
    Digest ztocDigest = Digest.sha256(ztocBytes);
    String expected =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.amazon.soci.index.v2+json\","
            + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
            + "\"layers\":[{\"mediaType\":\"application/octet-stream\",\"digest\":\"" + ztocDigest
            + "\",\"size\":10,\"annotations\":{\"com.amazon.soci.image-layer-digest\":\"" + LAYER_1
            + "\",\"com.amazon.soci.image-layer-mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
            + "\"com.amazon.soci.span-size\":\"4194304\"}}],"
            + "\"annotations\":{\"com.amazon.soci.build-tool-identifier\":\"AWS SOCI CLI v0.2\"}}";

    SociIndexManifest index =
        SociIndexV2.build(
            List.of(ztoc(LAYER_1, MediaType.OCI_LAYER_GZIP, "ztoc-bytes")),
            SociIndexV2.DEFAULT_BUILD_TOOL_IDENTIFIER);

    assertThat(new String(index.bytes(), StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(index.digest()).isEqualTo(Digest.sha256(expected.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void emptyConfigDigestMatchesContent() {
    assertThat(Digest.sha256(SociIndexV2.EMPTY_CONFIG)).isEqualTo(SociIndexV2.EMPTY_CONFIG_DIGEST);
  }

  @Test
  void buildKeepsLayerOrderAndAnnotations() {
    ZtocLayer first = ztoc(LAYER_2, MediaType.DOCKER_LAYER_GZIP, "second-layer-is-first");
    ZtocLayer second =
        new ZtocLayer(
            Descriptor.of(MediaType.OCI_LAYER_TAR, LAYER_1, 30_000_000),
            "tar".getBytes(StandardCharsets.UTF_8),
            65_536,
            true);

    SociIndexManifest index = SociIndexV2.build(List.of(first, second), "tool <x> & y");
    String json = new String(index.bytes(), StandardCharsets.UTF_8);

    assertThat(index.manifest().layers()).hasSize(2);
    assertThat(index.manifest().layers().get(0).annotation(SociIndexV2.ANNOTATION_IMAGE_LAYER_DIGEST))
        .isEqualTo(LAYER_2.toString());
    assertThat(json)
        .contains(
            "\"annotations\":{\"com.amazon.soci.disable-xattrs\":\"true\","
                + "\"com.amazon.soci.image-layer-digest\":\"" + LAYER_1 + "\","
                + "\"com.amazon.soci.image-layer-mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"com.amazon.soci.span-size\":\"65536\"}");
    assertThat(json)
        .contains("\"com.amazon.soci.image-layer-mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\"");
    assertThat(json)
        .endsWith("\"annotations\":{\"com.amazon.soci.build-tool-identifier\":\"tool \\u003cx\\u003e \\u0026 y\"}}");
    assertThat(json).doesNotContain("artifactType");
    assertThat(json).doesNotContain("subject");
  }

  @Test
  void buildIsDeterministic() {
    List<ZtocLayer> ztocs =
        List.of(ztoc(LAYER_1, MediaType.OCI_LAYER_GZIP, "a"), ztoc(LAYER_2, MediaType.OCI_LAYER_GZIP, "b"));

    SociIndexManifest first = SociIndexV2.build(ztocs, "id");
    SociIndexManifest second = SociIndexV2.build(List.copyOf(ztocs), "id");

    assertThat(first.bytes()).isEqualTo(second.bytes());
  }

  @Test
  void buildRoundTripsThroughParse() {
    SociIndexManifest index =
        SociIndexV2.build(List.of(ztoc(LAYER_1, MediaType.OCI_LAYER_GZIP, "a")), "id");

    ImageManifest parsed = ImageManifest.parse(index.bytes());

    assertThat(parsed.toGoJson()).isEqualTo(index.bytes());
  }

  @Test
  void buildV1PlacesSubjectBeforeAnnotations() {
    Descriptor subject =
        Descriptor.of(MediaType.DOCKER_MANIFEST, LAYER_2, 1234)
            .withPlatform(Platform.of("linux", "amd64"));

    SociIndexManifest index =
        SociIndexV2.buildV1(List.of(ztoc(LAYER_1, MediaType.OCI_LAYER_GZIP, "a")), subject, "id");
    String json = new String(index.bytes(), StandardCharsets.UTF_8);

    assertThat(json).contains("\"mediaType\":\"application/vnd.amazon.soci.index.v1+json\"");
    assertThat(json)
        .endsWith(
            "\"subject\":{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                + "\"digest\":\"" + LAYER_2 + "\",\"size\":1234},"
                + "\"annotations\":{\"com.amazon.soci.build-tool-identifier\":\"id\"}}");
    assertThat(index.descriptor().artifactType()).isEqualTo(MediaType.SOCI_INDEX_V1.value());
  }

  @Test
  void buildRejectsEmptyZtocList() {
    assertThatThrownBy(() -> SociIndexV2.build(List.of(), "id"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without zTOCs");
  }

  @Test
  void descriptorCarriesArtifactType() {
    SociIndexManifest index =
        SociIndexV2.build(List.of(ztoc(LAYER_1, MediaType.OCI_LAYER_GZIP, "a")), "id");

    Descriptor descriptor = index.descriptor();

    assertThat(descriptor.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(descriptor.artifactType()).isEqualTo(MediaType.SOCI_INDEX_V2.value());
    assertThat(descriptor.size()).isEqualTo(index.bytes().length);
  }

  @Test
  void ztocBlobsDeduplicated() {
    SociIndexManifest index =
        SociIndexV2.build(
            List.of(ztoc(LAYER_1, MediaType.OCI_LAYER_GZIP, "same"), ztoc(LAYER_2, MediaType.OCI_LAYER_GZIP, "same")),
            "id");

    assertThat(index.manifest().layers()).hasSize(2);
    assertThat(index.ztocBlobs()).hasSize(1);
  }
}
