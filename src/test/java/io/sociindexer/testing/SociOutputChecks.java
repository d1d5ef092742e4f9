package io.sociindexer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies the checks soci's own conversion tests make to a SOCI-enabled image index in the test
 * registry, then reads every zTOC back against its layer with {@link ZtocReadBack}.
 */
public final class SociOutputChecks {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SOCI_V2 = "application/vnd.amazon.soci.index.v2+json";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String EMPTY_CONFIG_DIGEST =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  private SociOutputChecks() {}

  /** What the checks found, for further assertions by the caller. */
  public record Checked(int sociIndexes, int ztocs, List<String> ztocLayerDigests) {}

  public static Checked verify(RegistryReader registry, String outputTag)
      throws IOException, InterruptedException {
    RegistryReader.Manifest index = registry.manifest(outputTag).orElseThrow();
    JsonNode root = JSON.readTree(index.bytes());
    assertThat(root.get("mediaType").asString()).isEqualTo("application/vnd.oci.image.index.v1+json");

    JsonNode manifests = root.get("manifests");
    int sociIndexes = 0;
    int ztocs = 0;
    List<String> layerDigests = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      JsonNode descriptor = manifests.get(i);
      if (!SOCI_V2.equals(text(descriptor, "artifactType"))) {
        continue;
      }
      sociIndexes++;
      JsonNode imageDescriptor = manifests.get(i - 1);
      String sociDigest = descriptor.get("digest").asString();
      checkDescriptorPair(imageDescriptor, descriptor);
      checkImageManifest(registry, imageDescriptor, sociDigest);
      ztocs += checkSociIndex(registry, sociDigest, imageDescriptor, layerDigests);
    }
    assertThat(sociIndexes).as("SOCI index descriptors in %s", outputTag).isPositive();
    return new Checked(sociIndexes, ztocs, layerDigests);
  }

  private static void checkDescriptorPair(JsonNode image, JsonNode soci) {
    assertThat(soci.get("mediaType").asString()).isEqualTo(OCI_MANIFEST);
    assertThat(soci.get("platform")).as("platform of the SOCI descriptor").isNotNull();
    assertThat(soci.get("annotations").get("com.amazon.soci.image-manifest-digest").asString())
        .as("image manifest digest annotation")
        .isEqualTo(image.get("digest").asString());
    assertThat(image.get("mediaType").asString()).isEqualTo(OCI_MANIFEST);
    assertThat(image.get("artifactType")).as("artifactType of the image descriptor").isNull();
    assertThat(image.get("platform").get("os").asString()).isEqualTo(soci.get("platform").get("os").asString());
    assertThat(image.get("platform").get("architecture").asString())
        .isEqualTo(soci.get("platform").get("architecture").asString());
  }

  private static void checkImageManifest(RegistryReader registry, JsonNode descriptor, String sociDigest)
      throws IOException, InterruptedException {
    String digest = descriptor.get("digest").asString();
    RegistryReader.Manifest manifest = registry.manifest(digest).orElseThrow();
    assertThat(manifest.digest().toString()).isEqualTo(digest);
    JsonNode root = JSON.readTree(manifest.bytes());
    assertThat(root.get("mediaType").asString()).isEqualTo(OCI_MANIFEST);
    assertThat(root.get("config").get("mediaType").asString())
        .isEqualTo("application/vnd.oci.image.config.v1+json");
    assertThat(root.get("annotations").get("com.amazon.soci.index-digest").asString()).isEqualTo(sociDigest);
  }

  private static int checkSociIndex(
      RegistryReader registry, String sociDigest, JsonNode imageDescriptor, List<String> layerDigests)
      throws IOException, InterruptedException {
    RegistryReader.Manifest soci = registry.manifest(sociDigest).orElseThrow();
    assertThat(soci.digest().toString()).isEqualTo(sociDigest);
    assertThat(ImageManifest.parse(soci.bytes()).toGoJson())
        .as("SOCI index bytes equal Go's re-marshalled form")
        .isEqualTo(soci.bytes());

    JsonNode root = JSON.readTree(soci.bytes());
    assertThat(root.get("config").get("mediaType").asString()).isEqualTo(SOCI_V2);
    assertThat(root.get("config").get("digest").asString()).isEqualTo(EMPTY_CONFIG_DIGEST);
    assertThat(root.get("subject")).isNull();
    assertThat(root.get("artifactType")).isNull();
    assertThat(registry.blob(Digest.parse(EMPTY_CONFIG_DIGEST))).isEqualTo("{}".getBytes());

    JsonNode image = JSON.readTree(registry.manifest(imageDescriptor.get("digest").asString()).orElseThrow().bytes());
    List<String> imageLayers = new ArrayList<>();
    image.get("layers").forEach(layer -> imageLayers.add(layer.get("digest").asString()));

    JsonNode ztocs = root.get("layers");
    int previousPosition = -1;
    for (JsonNode ztoc : ztocs) {
      assertThat(ztoc.get("mediaType").asString()).isEqualTo("application/octet-stream");
      JsonNode annotations = ztoc.get("annotations");
      String layerDigest = annotations.get("com.amazon.soci.image-layer-digest").asString();
      int position = imageLayers.indexOf(layerDigest);
      assertThat(position).as("zTOCs follow the image's layer order").isGreaterThan(previousPosition);
      previousPosition = position;
      assertThat(annotations.get("com.amazon.soci.span-size")).isNotNull();
      layerDigests.add(layerDigest);

      byte[] ztocBytes = registry.blob(Digest.parse(ztoc.get("digest").asString()));
      byte[] layerBytes = registry.blob(Digest.parse(layerDigest));
      ZtocReadBack.verify(layerBytes, ztocBytes);
    }
    return ztocs.size();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null ? null : value.asString();
  }
}
