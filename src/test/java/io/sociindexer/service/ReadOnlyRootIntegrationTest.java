package io.sociindexer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.ServiceProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the packaged jar with every file system read-only except one directory, as a container
 * with {@code readOnlyRootFilesystem: true} and volumes on {@code /tmp} and the data directory
 * runs it. A private mount namespace ({@code unshare --mount}, so root only) remounts {@code /}
 * read-only after bind-mounting the writable directory onto itself, so the host is unaffected.
 * The working directory is the read-only directory of the jar, {@code java.io.tmpdir} and the
 * data directory are in the writable one, and the service indexes an image from a local registry.
 */
class ReadOnlyRootIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path work;

  private LocalRegistry registry;
  private ServiceProcess service;

  @AfterEach
  void stopAll() throws Exception {
    if (service != null) {
      service.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void serviceRunsOnReadOnlyRoot() throws Exception {
    assumeThat(System.getProperty("user.name")).as("unshare --mount needs root").isEqualTo("root");
    registry = LocalRegistry.start();
    Path app = Files.createDirectories(work.resolve("app"));
    Path jar = Files.copy(Path.of("target/soci-indexer.jar"), app.resolve("soci-indexer.jar"));
    Path writable = Files.createDirectories(work.resolve("writable"));
    Path tmp = Files.createDirectories(writable.resolve("tmp"));
    Path data = writable.resolve("data");

    service =
        ServiceProcess.start(
            readOnlyLauncher(writable, app),
            jar,
            List.of("-Djava.io.tmpdir=" + tmp),
            LocalRegistry.freePort(),
            work.resolve("service.log"),
            List.of(
                "--soci-indexer.data-dir=" + data,
                "--soci-indexer.plain-http-registries=" + registry.host(),
                "--soci-indexer.min-layer-size=1MB",
                "--soci-indexer.workers.poll-interval=200ms"));

    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer python = image.layerFromDirectory(Path.of("/usr/lib/python3"), "pigz -c");
    image.tag(image.manifest("linux", "amd64", List.of(python)), "1.0");
    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/app:1.0");
    HttpResponse<String> created =
        service.postJson("/api/v1/jobs", "{\"image\":\"" + registry.host() + "/app:1.0\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);

    JsonNode job = awaitFinal(JSON.readTree(created.body()).get("id").asString());
    assertThat(job.get("state").asString()).as("%s\n%s", job, service.tail()).isEqualTo("succeeded");
    assertThat(job.get("result").get("layers").get(0).has("ztocDigest")).isTrue();
    assertThat(service.get("/")).startsWith("<!DOCTYPE html>");
    assertThat(data.resolve("jobs.mv.db")).as("the H2 job store").isRegularFile();
    assertThat(childNames(tmp)).as("Tomcat's base directory").anyMatch(name -> name.startsWith("tomcat."));
    assertThat(childNames(app)).containsExactly("soci-indexer.jar");
    assertThat(service.tail()).doesNotContain("Read-only file system");
  }

  /**
   * Returns the command that starts its arguments in a new mount namespace where only {@code
   * writable} can be written, with {@code workingDirectory} as the working directory. It exits
   * with 3 before starting anything when a probe file can still be written outside.
   */
  private static List<String> readOnlyLauncher(Path writable, Path workingDirectory) {
    String script =
        String.join(
            "\n",
            "set -e",
            "mount --make-rprivate /",
            "mount --bind '" + writable + "' '" + writable + "'",
            "mount -o remount,bind,ro /",
            "if touch '" + workingDirectory + "/write-probe' 2>/dev/null; then",
            "  echo 'the root file system is still writable' >&2",
            "  exit 3",
            "fi",
            "cd '" + workingDirectory + "'",
            "exec \"$@\"");
    return List.of("/usr/bin/unshare", "--mount", "--fork", "--kill-child", "--", "sh", "-c", script, "sh");
  }

  private JsonNode awaitFinal(String id) throws Exception {
    Instant deadline = Instant.now().plus(JOB_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      JsonNode job = JSON.readTree(service.get("/api/v1/jobs/" + id));
      String state = job.get("state").asString();
      if (!state.equals("queued") && !state.equals("running")) {
        return job;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + id + " not final within " + JOB_TIMEOUT + ":\n" + service.tail());
  }

  private static List<String> childNames(Path directory) throws Exception {
    try (Stream<Path> children = Files.list(directory)) {
      return children.map(child -> child.getFileName().toString()).toList();
    }
  }
}
