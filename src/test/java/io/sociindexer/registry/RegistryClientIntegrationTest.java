package io.sociindexer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.testing.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pushes and reads back blobs and a manifest against a real CNCF Distribution registry, the
 * Debian {@code docker-registry} binary, started on 127.0.0.1 with filesystem storage.
 */
class RegistryClientIntegrationTest {

  private static LocalRegistry registry;
  private static String hostPort;

  @BeforeAll
  static void startRegistry() throws IOException, InterruptedException {
    registry = LocalRegistry.start();
    hostPort = registry.host();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void pushAndReadBack() throws IOException {
    RegistryClient client = RegistryClient.builder().plainHttpRegistries(Set.of(hostPort)).build();
    Reference image = Reference.parse(hostPort + "/it/app:v1");
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = new byte[300_000];
    for (int i = 0; i < layer.length; i++) {
      layer[i] = (byte) (i * 31);
    }
    Digest configDigest = Digest.sha256(config);
    Digest layerDigest = Digest.sha256(layer);

    client.pushBlob(image, configDigest, config);
    client.pushBlob(image, configDigest, config);
    client.pushBlobChunked(image, layerDigest, new ByteArrayInputStream(layer), layer.length, 65_536);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaType.OCI_EMPTY + "\",\"digest\":\"" + configDigest
        + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER_TAR + "\",\"digest\":\""
        + layerDigest + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    Digest manifestDigest = client.pushManifest(image, MediaType.OCI_MANIFEST, manifest);

    RawManifest fetched = client.fetchManifest(image);
    assertThat(fetched.bytes()).isEqualTo(manifest);
    assertThat(fetched.digest()).isEqualTo(manifestDigest);
    assertThat(fetched.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(client.fetchManifest(image.withDigest(manifestDigest)).bytes()).isEqualTo(manifest);
    assertThat(client.headManifest(image))
        .contains(Descriptor.of(MediaType.OCI_MANIFEST, manifestDigest, manifest.length));
    assertThat(client.headManifest(image.withTag("missing"))).isEmpty();
    assertThat(client.blobExists(image, layerDigest)).isTrue();
    try (InputStream in = client.openBlob(image, layerDigest, layer.length)) {
      assertThat(in.readAllBytes()).isEqualTo(layer);
    }
  }

  @Test
  void missingManifest() {
    RegistryClient client = RegistryClient.builder().plainHttpRegistries(Set.of(hostPort)).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> client.fetchManifest(Reference.parse(hostPort + "/it/none:v1")))
        .isInstanceOf(ManifestNotFoundException.class);
  }
}
