package io.sociindexer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.sociindexer.cli.IndexCommand;
import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.RegistryReader;
import io.sociindexer.testing.SociOutputChecks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the service image that Jib writes to {@code target/jib-image.tar} in the
 * pre-integration-test phase: skopeo pushes it to Debian's docker-registry, soci-indexer indexes
 * it, and, when the test runs as root, the image's entrypoint starts the service in a chroot as
 * the image's user until the readiness probe returns UP.
 */
class ContainerImageIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path IMAGE_TAR = Path.of("target", "jib-image.tar");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path work;

  private LocalRegistry registry;

  @BeforeEach
  void startRegistry() throws Exception {
    assertThat(IMAGE_TAR)
        .as("the Jib image archive; build it with ./mvnw verify or ./mvnw package jib:buildTar")
        .isRegularFile();
    registry = LocalRegistry.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void imageIsIndexed() throws Exception {
    String tag = imageTag();
    Commands.run(
        List.of(
            "skopeo",
            "copy",
            "--dest-tls-verify=false",
            "oci-archive:" + IMAGE_TAR,
            "docker://" + registry.host() + "/soci-indexer:" + tag));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new IndexCommand(new PrintStream(out, true), new PrintStream(err, true))
            .run(List.of(registry.host() + "/soci-indexer:" + tag, "--plain-http"));

    assertThat(status).as("index output: %s %s", out, err).isZero();
    SociOutputChecks.Checked checked =
        SociOutputChecks.verify(new RegistryReader(registry.host(), "soci-indexer"), tag + "-soci");
    assertThat(checked.ztocs()).as("zTOCs of the runtime and dependency layers").isEqualTo(2);
  }

  @Test
  void imageStartsAsServiceUser() throws Exception {
    assumeThat(System.getProperty("user.name")).as("chroot needs root").isEqualTo("root");
    JsonNode manifest = manifest();
    JsonNode config = JSON.readTree(blob(manifest.get("config").get("digest").asString()));
    Path rootfs = unpack(manifest);
    assertThat(writableByServiceUser(rootfs))
        .as("paths that user 10001 can write, so the only ones a read-only root must mount")
        .containsExactlyInAnyOrder("tmp", "var/lib/soci-indexer");

    int port = LocalRegistry.freePort();
    Process service = startInChroot(rootfs, config.get("config"), port, work.resolve("image.log"));
    try {
      awaitReady(service, port, work.resolve("image.log"));
      assertThat(rootfs.resolve("var/lib/soci-indexer/jobs.mv.db"))
          .as("the job store in the data directory, written as user 10001")
          .isRegularFile();
    } finally {
      stop(service);
    }
    assertThat(config.get("config").get("User").asString()).isEqualTo("10001:10001");
  }

  /**
   * Stops the service and everything under it. chroot's --userspec changes the user, which clears
   * the parent-death signal that unshare's --kill-child sets, so the service would outlive unshare.
   */
  private static void stop(Process service) throws InterruptedException {
    List<ProcessHandle> descendants = service.descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    service.destroy();
    for (ProcessHandle process : descendants) {
      process.onExit().completeOnTimeout(process, 30, TimeUnit.SECONDS).join();
      process.destroyForcibly();
    }
    if (!service.waitFor(30, TimeUnit.SECONDS)) {
      service.destroyForcibly();
    }
  }

  private static String imageTag() throws IOException {
    JsonNode index = JSON.readTree(archiveEntry("index.json"));
    String name =
        index.get("manifests").get(0).get("annotations").get("org.opencontainers.image.ref.name").asString();
    return name.substring(name.lastIndexOf(':') + 1);
  }

  private static JsonNode manifest() throws IOException {
    JsonNode index = JSON.readTree(archiveEntry("index.json"));
    return JSON.readTree(blob(index.get("manifests").get(0).get("digest").asString()));
  }

  private static byte[] blob(String digest) throws IOException {
    return archiveEntry("blobs/sha256/" + digest.substring("sha256:".length()));
  }

  private static byte[] archiveEntry(String name) throws IOException {
    Process tar = new ProcessBuilder("tar", "-xOf", IMAGE_TAR.toString(), name).start();
    byte[] bytes = tar.getInputStream().readAllBytes();
    try {
      if (tar.waitFor() != 0) {
        throw new IOException("cannot read " + name + " from " + IMAGE_TAR + ": tar failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + name + " from " + IMAGE_TAR, e);
    }
    return bytes;
  }

  private Path unpack(JsonNode manifest) throws Exception {
    Path layers = Files.createDirectories(work.resolve("layers"));
    Path rootfs = Files.createDirectories(work.resolve("rootfs"));
    Commands.run(List.of("tar", "-xf", IMAGE_TAR.toString(), "-C", layers.toString(), "blobs"));
    for (JsonNode layer : manifest.get("layers")) {
      String hex = layer.get("digest").asString().substring("sha256:".length());
      Path blob = layers.resolve("blobs/sha256").resolve(hex);
      Commands.run(
          List.of("tar", "--warning=no-unknown-keyword", "-xzf", blob.toString(), "-C", rootfs.toString()));
    }
    Files.createDirectories(rootfs.resolve("proc"));
    return rootfs;
  }

  /**
   * Returns the paths of the unpacked image that the service user 10001 can write: those it owns
   * and those writable by others. Symbolic links are left out, because their mode is not used.
   */
  private static List<String> writableByServiceUser(Path rootfs) throws IOException {
    List<String> writable = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(rootfs)) {
      for (Path path : paths.filter(p -> !Files.isSymbolicLink(p)).toList()) {
        int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> permissions =
            Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (uid == 10001 || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
          writable.add(rootfs.relativize(path).toString());
        }
      }
    }
    return writable;
  }

  private static Process startInChroot(Path rootfs, JsonNode config, int port, Path log)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "--mount-proc=" + rootfs.resolve("proc"),
                "/usr/sbin/chroot",
                "--userspec=" + config.get("User").asString(),
                rootfs.toString()));
    config.get("Entrypoint").forEach(arg -> command.add(arg.asString()));
    command.add("--server.address=127.0.0.1");
    command.add("--server.port=" + port);

    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment.clear();
    config
        .get("Env")
        .forEach(
            entry -> {
              String[] pair = entry.asString().split("=", 2);
              environment.put(pair[0], pair[1]);
            });
    return builder.start();
  }

  private static void awaitReady(Process service, int port, Path log) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      assertThat(service.isAlive()).as("service in the image exited: %s", tail(log)).isTrue();
      try {
        HttpResponse<String> response =
            client.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("UP")) {
          return;
        }
      } catch (IOException notYet) {
        // The service is still starting.
      }
      Thread.sleep(500);
    }
    throw new AssertionError("service in the image not ready after " + START_TIMEOUT + ": " + tail(log));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
