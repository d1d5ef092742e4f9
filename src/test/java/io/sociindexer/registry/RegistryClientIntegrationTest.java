package io.sociindexer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes and reads back blobs and a manifest against a real CNCF Distribution registry, the
 * Debian {@code docker-registry} binary, started on 127.0.0.1 with filesystem storage.
 */
class RegistryClientIntegrationTest {

  private static final Path REGISTRY_BINARY = Path.of("/usr/bin/docker-registry");

  @TempDir static Path directory;
  private static Process registryProcess;
  private static String hostPort;

  @BeforeAll
  static void startRegistry() throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(REGISTRY_BINARY), "docker-registry is not installed");
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }
    hostPort = "127.0.0.1:" + port;
    Path config = directory.resolve("config.yml");
    Files.writeString(config, """
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: %s
        """.formatted(directory.resolve("storage"), hostPort));

    registryProcess = new ProcessBuilder(REGISTRY_BINARY.toString(), "serve", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(directory.resolve("registry.log").toFile())
        .start();
    waitForPort(port);
  }

  @AfterAll
  static void stopRegistry() throws InterruptedException {
    if (registryProcess != null) {
      registryProcess.destroy();
      registryProcess.waitFor();
    }
  }

  private static void waitForPort(int port) throws InterruptedException, IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!registryProcess.isAlive()) {
        throw new IllegalStateException("docker-registry exited: "
            + Files.readString(directory.resolve("registry.log")));
      }
      try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("docker-registry did not listen on " + hostPort + " within 20 s");
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
