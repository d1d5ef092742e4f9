package io.sociindexer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.ServiceProcess;
import io.sociindexer.testing.WebhookLoadDriver;
import io.sociindexer.testing.WebhookLoadDriver.ImageTally;
import io.sociindexer.testing.WebhookLoadDriver.Result;
import io.sociindexer.testing.WebhookLoadDriver.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends Distribution notifications to the packaged service at a steady rate while two workers
 * run the jobs, then checks that no accepted event was lost: every {@code accepted} in a 2xx reply
 * is a job row of that image, and every {@code duplicates} names an image that has a job.
 *
 * <p>The events name a registry on a closed port of 127.0.0.1, so the workers' attempts fail and
 * are retried while the load runs. A job that reaches its final failure lets a later repeat of
 * its image create a new job, so the checks count per image instead of assuming that every
 * repeat is a duplicate. No check depends on timing: the rate is moderate, and only the
 * accounting is asserted.
 */
class WebhookLoadIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int PAGE_SIZE = 200;

  @TempDir Path work;

  private ServiceProcess service;

  @AfterEach
  void stopService() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void loadLosesNoAcceptedEvent() throws Exception {
    String registry = "127.0.0.1:" + LocalRegistry.freePort();
    service =
        ServiceProcess.start(
            LocalRegistry.freePort(),
            work.resolve("service.log"),
            List.of(
                "--soci-indexer.data-dir=" + work.resolve("data"),
                "--soci-indexer.plain-http-registries=" + registry,
                "--soci-indexer.workers.count=2",
                "--soci-indexer.workers.poll-interval=200ms"));
    Settings settings =
        new Settings(
            URI.create(service.baseUrl()), 300, Duration.ofSeconds(15), 8, 0.3, registry, null, "it");

    Result result = WebhookLoadDriver.run(settings);
    System.out.println("webhook load: " + result.summary());

    assertThat(result.errors()).as("errors, first: %s", result.firstError()).isZero();
    assertThat(result.rejected4xx()).as("4xx, first: %s", result.firstError()).isZero();
    assertThat(result.answered2xx()).isEqualTo(result.sent());
    assertThat(result.jobsAccepted() + result.duplicates()).isEqualTo(result.answered2xx());
    assertThat(result.duplicates()).as("repeats answered as duplicates").isPositive();

    Map<String, Integer> jobsByRepository = jobsByRepository("load-" + settings.runId() + "/");
    assertThat(jobsByRepository.values().stream().mapToLong(Integer::longValue).sum())
        .as("job rows of the run")
        .isEqualTo(result.jobsAccepted());
    for (ImageTally tally : result.images().values()) {
      int jobs = jobsByRepository.getOrDefault(tally.repository(), 0);
      assertThat(jobs).as("job rows of %s", tally).isEqualTo(tally.accepted());
      if (tally.duplicates() > 0) {
        assertThat(jobs).as("a duplicate of %s names a stored job", tally).isPositive();
      }
    }
    assertThat(jobsByRepository.keySet()).isSubsetOf(result.images().keySet());
  }

  /** Reads every job page and counts the distribution jobs per repository under {@code prefix}. */
  private Map<String, Integer> jobsByRepository(String prefix) throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    for (int page = 0; ; page++) {
      JsonNode found =
          JSON.readTree(
              service.get("/api/v1/jobs?image=" + prefix + "&size=" + PAGE_SIZE + "&page=" + page));
      for (JsonNode job : found.get("jobs")) {
        assertThat(job.get("source").asString()).isEqualTo("distribution");
        counts.merge(job.get("repository").asString(), 1, Integer::sum);
      }
      if ((long) (page + 1) * PAGE_SIZE >= found.get("total").asLong()) {
        return counts;
      }
    }
  }
}
