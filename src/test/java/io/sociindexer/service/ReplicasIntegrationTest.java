package io.sociindexer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalPostgres;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.RegistryReader;
import io.sociindexer.testing.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas of the packaged service share one PostgreSQL queue and both receive every registry
 * notification. Each image must be indexed exactly once, and a replica killed in the middle of a
 * job must have that job finished by the other once its lease expires.
 */
class ReplicasIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int IMAGES = 20;
  private static final Duration TIMEOUT = Duration.ofSeconds(240);

  @TempDir Path work;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void twoReplicasShareOneQueue() throws Exception {
    assumeTrue(LocalPostgres.isInstalled(), "PostgreSQL 15 is not installed");
    LocalPostgres postgres = LocalPostgres.start();
    resources.add(postgres);
    int portA = LocalRegistry.freePort();
    int portB = LocalRegistry.freePort();
    LocalRegistry registry =
        LocalRegistry.start(
            List.of(
                "http://127.0.0.1:" + portA + "/webhooks/distribution",
                "http://127.0.0.1:" + portB + "/webhooks/distribution"));
    resources.add(registry);
    Map<String, ServiceProcess> replicas = new HashMap<>();
    replicas.put("replica-a", startReplica("replica-a", portA, postgres, registry));
    replicas.put("replica-b", startReplica("replica-b", portB, postgres, registry));

    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer jdk = image.layerFromDirectory(Path.of(System.getProperty("java.home")), "pigz -c");
    OciImageBuilder.Layer jdk17 = image.layerFromDirectory(Path.of("/usr/lib/jvm/java-17-openjdk-amd64"), "pigz -c");
    image.tag(image.manifest("linux", "amd64", List.of(jdk, jdk17)), "big");
    Commands.skopeoPush(image.layout(), "big", registry.host() + "/big:big");

    JsonNode running = awaitRunning(replicas.get("replica-a"), "big:big");
    String victim = running.get("node").asString();
    replicas.remove(victim).kill();
    ServiceProcess survivor = replicas.values().iterator().next();

    OciImageBuilder.Layer small = image.layerFromDirectory(Path.of("/usr/share/i18n"), "gzip -c -n");
    for (int i = 0; i < IMAGES; i++) {
      image.tag(image.manifest("linux", "amd64", List.of(small), "IMAGE=" + i), "v" + i);
      Commands.skopeoPush(image.layout(), "v" + i, registry.host() + "/fleet:v" + i);
    }

    JsonNode big = awaitFinal(survivor, "big:big");
    assertThat(big.get("state").asString()).as(survivor.tail()).isEqualTo("succeeded");
    assertThat(big.get("attempts").asInt()).as("the killed replica's attempt and the takeover").isEqualTo(2);

    RegistryReader fleet = new RegistryReader(registry.host(), "fleet");
    for (int i = 0; i < IMAGES; i++) {
      JsonNode job = awaitFinal(survivor, "fleet:v" + i);
      assertThat(job.get("state").asString()).as("job of fleet:v%d", i).isEqualTo("succeeded");
      // The twenty images share one layer, so replicas push the same SOCI index manifest at once.
      // docker-registry's filesystem storage can then return DIGEST_INVALID, which is retried.
      assertThat(job.get("attempts").asInt()).as("attempts of fleet:v%d", i).isBetween(1, 2);
      assertThat(fleet.manifest("v" + i + "-soci")).as("fleet:v%d-soci", i).isPresent();
    }
    JsonNode all = JSON.readTree(survivor.get("/api/v1/jobs?size=200"));
    assertThat(all.get("total").asLong()).as("one job per image: %s", all).isEqualTo(IMAGES + 1);
  }

  private ServiceProcess startReplica(String name, int port, LocalPostgres postgres, LocalRegistry registry)
      throws Exception {
    ServiceProcess service =
        ServiceProcess.start(
            port,
            work.resolve(name + ".log"),
            List.of(
                "--spring.datasource.url=" + postgres.jdbcUrl(),
                "--spring.datasource.username=" + postgres.username(),
                "--spring.datasource.password=",
                "--soci-indexer.node-id=" + name,
                "--soci-indexer.data-dir=" + work.resolve(name),
                "--soci-indexer.plain-http-registries=" + registry.host(),
                "--soci-indexer.min-layer-size=1MB",
                "--soci-indexer.workers.count=2",
                "--soci-indexer.workers.lease=6s",
                "--soci-indexer.workers.poll-interval=200ms"));
    resources.add(service);
    return service;
  }

  private static JsonNode awaitRunning(ServiceProcess service, String repositoryAndTag) throws Exception {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      JsonNode job = find(service, repositoryAndTag);
      if (job != null && job.get("state").asString().equals("running") && job.has("node")) {
        return job;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the job of " + repositoryAndTag + " never ran:\n" + service.tail());
  }

  private static JsonNode awaitFinal(ServiceProcess service, String repositoryAndTag) throws Exception {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      JsonNode job = find(service, repositoryAndTag);
      if (job != null && !job.get("state").asString().equals("queued")
          && !job.get("state").asString().equals("running")) {
        return job;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no final job for " + repositoryAndTag + ":\n" + service.tail());
  }

  private static JsonNode find(ServiceProcess service, String repositoryAndTag) throws Exception {
    JsonNode page = JSON.readTree(service.get("/api/v1/jobs?size=200"));
    for (JsonNode job : page.get("jobs")) {
      if (names(job, repositoryAndTag)) {
        return job;
      }
    }
    return null;
  }

  /** Returns true when the job's repository and tag are {@code repository:tag}. */
  private static boolean names(JsonNode job, String repositoryAndTag) {
    JsonNode tag = job.get("tag");
    return tag != null && (job.get("repository").asString() + ":" + tag.asString()).equals(repositoryAndTag);
  }
}
