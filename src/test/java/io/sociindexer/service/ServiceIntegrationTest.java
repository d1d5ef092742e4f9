package io.sociindexer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.RegistryReader;
import io.sociindexer.testing.ServiceProcess;
import io.sociindexer.testing.SociOutputChecks;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the packaged service against Debian's docker-registry whose notifications point at it:
 * skopeo pushes an image, the registry calls the webhook, a worker indexes the image, and the
 * output is read back from the registry.
 */
class ServiceIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path work;

  private int port;
  private LocalRegistry registry;
  private final List<ServiceProcess> services = new ArrayList<>();

  @BeforeEach
  void startRegistry() throws Exception {
    port = LocalRegistry.freePort();
    registry = LocalRegistry.start("http://127.0.0.1:" + port + "/webhooks/distribution");
  }

  @AfterEach
  void stopAll() throws Exception {
    for (ServiceProcess service : services) {
      service.close();
    }
    registry.close();
  }

  @Test
  void pushIsIndexedThroughWebhook() throws Exception {
    ServiceProcess service = startService(2);
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer python = image.layerFromDirectory(Path.of("/usr/lib/python3"), "pigz -c");
    image.tag(image.manifest("linux", "amd64", List.of(python)), "1.0");

    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/app:1.0");
    JsonNode job = awaitFinalJob(service, "app:1.0");

    assertThat(job.get("state").asString()).as(service.tail()).isEqualTo("succeeded");
    assertThat(job.get("source").asString()).isEqualTo("distribution");
    assertThat(job.get("result").get("outputTag").asString()).isEqualTo("1.0-soci");
    RegistryReader reader = new RegistryReader(registry.host(), "app");
    SociOutputChecks.verify(reader, "1.0-soci");

    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/app:other");
    JsonNode second = awaitFinalJob(service, "app:other");
    assertThat(second.get("state").asString()).isEqualTo("skipped");
    assertThat(second.get("result").get("message").asString()).contains("already indexed");
    assertThat(reader.manifest("other-soci")).isEmpty();

    Thread.sleep(3000);
    JsonNode all = JSON.readTree(service.get("/api/v1/jobs?size=200"));
    assertThat(all.get("total").asLong()).as("jobs: %s", all).isEqualTo(2);
  }

  @Test
  void queuedJobsSurviveRestart() throws Exception {
    // Jobs come from the API only here, so the registry must not notify the service as well.
    registry.close();
    registry = LocalRegistry.start();
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer layer = image.layerFromDirectory(Path.of("/usr/share/i18n"), "gzip -c -n");
    List<String> repositories = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      image.tag(image.manifest("linux", "amd64", List.of(layer), "IMAGE=" + i), "v" + i);
      Commands.skopeoPush(image.layout(), "v" + i, registry.host() + "/restart" + i + ":v" + i);
      repositories.add("restart" + i);
    }

    ServiceProcess intakeOnly = startService(0);
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> response =
          intakeOnly.postJson("/api/v1/jobs", "{\"image\":\"" + registry.host() + "/restart" + i + ":v" + i + "\"}");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
    intakeOnly.stop();
    services.remove(intakeOnly);

    ServiceProcess restarted = startService(2);
    for (int i = 0; i < 4; i++) {
      JsonNode job = awaitFinalJob(restarted, "restart" + i + ":v" + i);
      assertThat(job.get("state").asString()).as(restarted.tail()).isEqualTo("succeeded");
      SociOutputChecks.verify(new RegistryReader(registry.host(), repositories.get(i)), "v" + i + "-soci");
    }
  }

  private ServiceProcess startService(int workers) throws Exception {
    ServiceProcess service =
        ServiceProcess.start(
            port,
            work.resolve("service.log"),
            List.of(
                "--soci-indexer.data-dir=" + work.resolve("data"),
                "--soci-indexer.plain-http-registries=" + registry.host(),
                "--soci-indexer.min-layer-size=1MB",
                "--soci-indexer.workers.count=" + workers,
                "--soci-indexer.workers.poll-interval=200ms"));
    services.add(service);
    return service;
  }

  /** Waits until the job for {@code repositoryAndTag} is final and returns its view. */
  private JsonNode awaitFinalJob(ServiceProcess service, String repositoryAndTag) throws Exception {
    Instant deadline = Instant.now().plus(JOB_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      JsonNode page = JSON.readTree(service.get("/api/v1/jobs?size=200"));
      for (JsonNode job : page.get("jobs")) {
        String state = job.get("state").asString();
        if (names(job, repositoryAndTag) && !state.equals("queued") && !state.equals("running")) {
          return job;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no final job for " + repositoryAndTag + " within " + JOB_TIMEOUT + ":\n" + service.tail());
  }

  /** Returns true when the job's repository and tag are {@code repository:tag}. */
  private static boolean names(JsonNode job, String repositoryAndTag) {
    JsonNode tag = job.get("tag");
    return tag != null && (job.get("repository").asString() + ":" + tag.asString()).equals(repositoryAndTag);
  }
}
