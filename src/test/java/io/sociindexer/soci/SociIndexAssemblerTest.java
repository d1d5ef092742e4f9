package io.sociindexer.soci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.DescriptorJson;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SociIndexAssemblerTest {

  private final SociIndexAssembler assembler = new SociIndexAssembler();

  private static String hex(char c) {
    return String.valueOf(c).repeat(64);
  }

  /** Builds a Docker schema 2 manifest the way Docker writes it, indented by three spaces. */
  private static ImageManifest dockerManifest(char seed) {
    String json =
        "{\n   \"schemaVersion\": 2,\n"
            + "   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n"
            + "   \"config\": {\n      \"mediaType\": \"application/vnd.docker.container.image.v1+json\",\n"
            + "      \"size\": 1500,\n      \"digest\": \"sha256:" + hex(seed) + "\"\n   },\n"
            + "   \"layers\": [\n      {\n"
            + "         \"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\",\n"
            + "         \"size\": 20000000,\n         \"digest\": \"sha256:" + hex((char) (seed + 1)) + "\"\n"
            + "      }\n   ]\n}";
    return ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ImageManifest attestationManifest() {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + hex('e') + "\",\"size\":167},\"layers\":[{\"mediaType\":\"application/vnd.in-toto+json\","
            + "\"digest\":\"sha256:" + hex('f') + "\",\"size\":300}]}";
    return ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static SociIndexManifest sociIndexFor(ImageManifest manifest, String ztocContent) {
    Descriptor layer = manifest.layers().getFirst();
    return SociIndexV2.build(
        List.of(new ZtocLayer(layer, ztocContent.getBytes(StandardCharsets.UTF_8), 4_194_304)),
        SociIndexV2.DEFAULT_BUILD_TOOL_IDENTIFIER);
  }

  private static Descriptor entry(ImageManifest manifest, Platform platform) {
    return Descriptor.of(manifest.mediaType(), manifest.digest(), manifest.size()).withPlatform(platform);
  }

  private static final Platform AMD64 = Platform.of("linux", "amd64");
  private static final Platform ARM64 = new Platform("arm64", "linux", "", List.of(), "v8");

  @Test
  void convertSingleManifest() {
    ImageManifest manifest = dockerManifest('1');
    SociIndexManifest sociIndex = sociIndexFor(manifest, "ztoc");

    ConvertedIndex converted = assembler.convert(manifest, AMD64, sociIndex);

    ImageManifest rewritten = converted.rewrittenManifests().get(manifest.digest());
    String expectedIndex =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + rewritten.digest()
            + "\",\"size\":" + rewritten.size() + ",\"annotations\":{\"com.amazon.soci.index-digest\":\""
            + sociIndex.digest() + "\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + sociIndex.digest()
            + "\",\"size\":" + sociIndex.bytes().length
            + ",\"annotations\":{\"com.amazon.soci.image-manifest-digest\":\"" + rewritten.digest()
            + "\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
            + "\"artifactType\":\"application/vnd.amazon.soci.index.v2+json\"}]}";
    assertThat(new String(converted.index().raw(), StandardCharsets.UTF_8)).isEqualTo(expectedIndex);
  }

  @Test
  void rewriteImageManifestUsesOciTypesThroughout() {
    ImageManifest manifest = dockerManifest('1');
    Digest sociDigest = Digest.parse("sha256:" + hex('9'));

    ImageManifest rewritten = SociIndexAssembler.rewriteImageManifest(manifest, sociDigest);

    String expected =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + hex('1') + "\",\"size\":1500},\"layers\":[{\"mediaType\":"
            + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + hex('2')
            + "\",\"size\":20000000}],\"annotations\":{\"com.amazon.soci.index-digest\":\"" + sociDigest + "\"}}";
    assertThat(new String(rewritten.raw(), StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(rewritten.digest()).isEqualTo(Digest.sha256(expected.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void convertDockerListSelectedPlatformsOnly() {
    ImageManifest amd64 = dockerManifest('1');
    ImageManifest arm64 = dockerManifest('3');
    ImageManifest s390x = dockerManifest('5');
    Descriptor s390xEntry = entry(s390x, Platform.of("linux", "s390x"));
    ImageIndex list =
        ImageIndex.of(
            MediaType.DOCKER_MANIFEST_LIST,
            List.of(entry(amd64, AMD64), entry(arm64, ARM64), s390xEntry),
            null);
    SociIndexManifest amdIndex = sociIndexFor(amd64, "amd");
    SociIndexManifest armIndex = sociIndexFor(arm64, "arm");

    ConvertedIndex converted =
        assembler.convert(
            list,
            List.of(new PlatformConversion(amd64, amdIndex), new PlatformConversion(arm64, armIndex)));

    List<Descriptor> manifests = converted.index().manifests();
    assertThat(converted.index().mediaType()).isEqualTo(MediaType.OCI_INDEX);
    assertThat(manifests).hasSize(5);
    assertPair(manifests.get(0), manifests.get(1), converted.rewrittenManifests().get(amd64.digest()), amdIndex, AMD64);
    assertPair(manifests.get(2), manifests.get(3), converted.rewrittenManifests().get(arm64.digest()), armIndex, ARM64);
    assertThat(manifests.get(4)).isEqualTo(s390xEntry);
    assertThat(new String(converted.index().raw(), StandardCharsets.UTF_8))
        .endsWith(new String(descriptorJson(s390xEntry), StandardCharsets.UTF_8) + "]}");
  }

  private static byte[] descriptorJson(Descriptor descriptor) {
    return DescriptorJson.toGoJson(descriptor);
  }

  /** Checks an image manifest entry and the SOCI entry after it, as soci's validateConversion. */
  private static void assertPair(
      Descriptor manifestEntry,
      Descriptor sociEntry,
      ImageManifest rewritten,
      SociIndexManifest sociIndex,
      Platform platform) {
    assertThat(manifestEntry.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(manifestEntry.artifactType()).isNull();
    assertThat(manifestEntry.digest()).isEqualTo(rewritten.digest());
    assertThat(manifestEntry.size()).isEqualTo(rewritten.size());
    assertThat(manifestEntry.platform()).isEqualTo(platform);
    assertThat(manifestEntry.annotation(SociIndexV2.ANNOTATION_INDEX_DIGEST))
        .isEqualTo(sociIndex.digest().toString());

    assertThat(rewritten.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(rewritten.config().mediaType()).isEqualTo(MediaType.OCI_CONFIG);
    assertThat(rewritten.annotations().get(SociIndexV2.ANNOTATION_INDEX_DIGEST))
        .isEqualTo(sociIndex.digest().toString());
    assertThat(Digest.sha256(rewritten.raw())).isEqualTo(rewritten.digest());

    assertThat(sociEntry.artifactType()).isEqualTo(MediaType.SOCI_INDEX_V2.value());
    assertThat(sociEntry.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(sociEntry.digest()).isEqualTo(sociIndex.digest());
    assertThat(sociEntry.size()).isEqualTo(sociIndex.bytes().length);
    assertThat(sociEntry.platform()).isEqualTo(platform);
    assertThat(sociEntry.annotation(SociIndexV2.ANNOTATION_IMAGE_MANIFEST_DIGEST))
        .isEqualTo(rewritten.digest().toString());
  }

  @Test
  void convertKeepsAttestationUntouched() {
    ImageManifest amd64 = dockerManifest('1');
    ImageManifest attestation = attestationManifest();
    Descriptor attestationEntry =
        new Descriptor(
            MediaType.OCI_MANIFEST,
            attestation.digest(),
            attestation.size(),
            List.of(),
            new TreeMap<>(
                Map.of(
                    "vnd.docker.reference.type", "attestation-manifest",
                    "vnd.docker.reference.digest", amd64.digest().toString())),
            Platform.of("unknown", "unknown"),
            null);
    ImageIndex index =
        ImageIndex.of(MediaType.OCI_INDEX, List.of(entry(amd64, AMD64), attestationEntry), null);

    ConvertedIndex converted =
        assembler.convert(index, List.of(new PlatformConversion(amd64, sociIndexFor(amd64, "z"))));

    assertThat(converted.index().manifests()).hasSize(3);
    assertThat(converted.index().manifests().get(2)).isEqualTo(attestationEntry);
    assertThat(converted.rewrittenManifests()).containsOnlyKeys(amd64.digest());
  }

  @Test
  void convertRejectsAttestationConversion() {
    ImageManifest attestation = attestationManifest();
    ImageIndex index =
        ImageIndex.of(
            MediaType.OCI_INDEX, List.of(entry(attestation, Platform.of("unknown", "unknown"))), null);
    SociIndexManifest sociIndex = sociIndexFor(attestation, "z");

    assertThatThrownBy(
            () -> assembler.convert(index, List.of(new PlatformConversion(attestation, sociIndex))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attestation");
  }

  @Test
  void convertIdenticalSociIndexesTwoDescriptors() {
    ImageManifest amd64 = dockerManifest('1');
    // Same layer as amd64 so the SOCI index bytes are identical, but another config.
    ImageManifest arm64 =
        ImageManifest.parse(
            new String(amd64.raw(), StandardCharsets.UTF_8)
                .replace("\"size\": 1500", "\"size\": 1501")
                .getBytes(StandardCharsets.UTF_8));
    SociIndexManifest shared = sociIndexFor(amd64, "same");
    ImageIndex index =
        ImageIndex.of(MediaType.OCI_INDEX, List.of(entry(amd64, AMD64), entry(arm64, ARM64)), null);

    ConvertedIndex converted =
        assembler.convert(
            index,
            List.of(new PlatformConversion(amd64, shared), new PlatformConversion(arm64, shared)));

    List<Descriptor> manifests = converted.index().manifests();
    assertThat(manifests).hasSize(4);
    assertThat(manifests.get(1).digest()).isEqualTo(shared.digest());
    assertThat(manifests.get(3).digest()).isEqualTo(shared.digest());
    assertThat(manifests.get(1).platform()).isEqualTo(AMD64);
    assertThat(manifests.get(3).platform()).isEqualTo(ARM64);
    assertThat(
            converted.blobsInPushOrder().stream()
                .filter(blob -> blob.kind() == OutputBlob.Kind.SOCI_INDEX_MANIFEST)
                .count())
        .isEqualTo(1);
  }

  @Test
  void convertReplacesExistingSociDescriptor() {
    ImageManifest amd64 = dockerManifest('1');
    ImageManifest arm64 = dockerManifest('3');
    Descriptor oldAmdSoci =
        Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse("sha256:" + hex('7')), 500)
            .withArtifactType(MediaType.SOCI_INDEX_V2.value())
            .withPlatform(AMD64);
    Descriptor oldArmSoci =
        Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse("sha256:" + hex('8')), 500)
            .withArtifactType(MediaType.SOCI_INDEX_V2.value())
            .withPlatform(Platform.of("linux", "arm64"));
    ImageIndex index =
        ImageIndex.of(
            MediaType.OCI_INDEX,
            List.of(oldAmdSoci, entry(amd64, AMD64), entry(arm64, ARM64), oldArmSoci),
            null);
    SociIndexManifest amdIndex = sociIndexFor(amd64, "new");

    ConvertedIndex converted =
        assembler.convert(index, List.of(new PlatformConversion(amd64, amdIndex)));

    List<Descriptor> manifests = converted.index().manifests();
    assertThat(manifests).hasSize(4);
    assertThat(manifests.get(1).digest()).isEqualTo(amdIndex.digest());
    assertThat(manifests).doesNotContain(oldAmdSoci);
    assertThat(manifests.get(2)).isEqualTo(entry(arm64, ARM64));
    assertThat(manifests.get(3)).isEqualTo(oldArmSoci);
  }

  @Test
  void convertPushOrderChildrenFirst() {
    ImageManifest amd64 = dockerManifest('1');
    SociIndexManifest sociIndex = sociIndexFor(amd64, "ztoc");

    ConvertedIndex converted = assembler.convert(amd64, AMD64, sociIndex);

    List<OutputBlob.Kind> kinds =
        converted.blobsInPushOrder().stream().map(OutputBlob::kind).toList();
    assertThat(kinds)
        .containsExactly(
            OutputBlob.Kind.ZTOC,
            OutputBlob.Kind.SOCI_INDEX_CONFIG,
            OutputBlob.Kind.SOCI_INDEX_MANIFEST,
            OutputBlob.Kind.IMAGE_MANIFEST,
            OutputBlob.Kind.IMAGE_INDEX);
    for (OutputBlob blob : converted.blobsInPushOrder()) {
      assertThat(Digest.sha256(blob.content())).isEqualTo(blob.descriptor().digest());
    }
    assertThat(converted.blobsInPushOrder().getLast().content()).isEqualTo(converted.index().raw());
  }

  @Test
  void convertRejectsManifestNotInIndex() {
    ImageManifest amd64 = dockerManifest('1');
    ImageManifest other = dockerManifest('3');
    ImageIndex index = ImageIndex.of(MediaType.OCI_INDEX, List.of(entry(amd64, AMD64)), null);

    assertThatThrownBy(
            () -> assembler.convert(index, List.of(new PlatformConversion(other, sociIndexFor(other, "z")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not listed in the source index");
  }

  @Test
  void strictMatchNormalizesDefaultVariants() {
    assertThat(SociIndexAssembler.strictlyMatches(ARM64, Platform.of("linux", "arm64"))).isTrue();
    assertThat(SociIndexAssembler.strictlyMatches(Platform.parse("linux/arm/v7"), Platform.parse("linux/arm/v6")))
        .isFalse();
    assertThat(SociIndexAssembler.strictlyMatches(AMD64, Platform.of("windows", "amd64"))).isFalse();
  }
}
