package io.sociindexer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobState;
import io.sociindexer.worker.IndexingJobRunner.Outcome;
import io.sociindexer.worker.JobObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IndexingMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final IndexingMetrics metrics = new IndexingMetrics(registry);

  @Test
  void succeededRecordsLatency() {
    metrics.attemptFinished(job(), Outcome.SUCCEEDED, null, null, Duration.ofSeconds(3));

    var latency = registry.get(IndexingMetrics.INDEXING_LATENCY).timer();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
    assertThat(outcomes("succeeded", "none")).isEqualTo(1.0);
  }

  @Test
  void skippedCountsReasonWithoutLatency() {
    metrics.attemptFinished(job(), Outcome.SKIPPED, "filtered", null, Duration.ofSeconds(1));

    assertThat(outcomes("skipped", "filtered")).isEqualTo(1.0);
    assertThat(registry.get(IndexingMetrics.INDEXING_LATENCY).timer().count()).isZero();
  }

  @Test
  void retryCountsCategory() {
    JobError error = new JobError("fetch manifest", "ghcr.io", 503, null, "unavailable", true);

    metrics.attemptFinished(job(), Outcome.RETRY_SCHEDULED, null, error, Duration.ofSeconds(1));

    assertThat(outcomes("retry_scheduled", "registry_server_error")).isEqualTo(1.0);
    double retries = registry.get(IndexingMetrics.JOB_RETRIES)
        .tag("reason", "registry_server_error").counter().count();
    assertThat(retries).isEqualTo(1.0);
  }

  @Test
  void failureCountersStartAtZero() {
    for (String category : FailureCategory.ALL) {
      assertThat(outcomes("failed", category)).as(category).isZero();
    }
  }

  @Test
  void stagesRecordDurations() {
    metrics.stageFinished(JobObserver.STAGE_INDEX, Duration.ofMillis(250));

    var index = registry.get(IndexingMetrics.STAGE_DURATION).tag("stage", "index").timer();
    assertThat(index.count()).isEqualTo(1);
    assertThat(index.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
    var push = registry.get(IndexingMetrics.STAGE_DURATION).tag("stage", "push").timer();
    assertThat(push.count()).isZero();
  }

  @Test
  void layerBytesAddUp() {
    metrics.layerBytesRead(1000);
    metrics.layerBytesRead(24);

    assertThat(registry.get(IndexingMetrics.LAYER_BYTES_READ).counter().count()).isEqualTo(1024.0);
  }

  @Test
  void layersCountedByOutcome() {
    metrics.layersFinished(2, 1, 3);
    metrics.layersFinished(1, 0, 0);

    assertThat(registry.get(IndexingMetrics.LAYERS).tag("outcome", "indexed").counter().count())
        .isEqualTo(3.0);
    assertThat(registry.get(IndexingMetrics.LAYERS).tag("outcome", "reused").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get(IndexingMetrics.LAYERS).tag("outcome", "skipped").counter().count())
        .isEqualTo(3.0);
  }

  @Test
  void registryRequestsTaggedByHostOperationStatus() {
    metrics.requestFinished("ghcr.io", "fetch manifest", 200);
    metrics.requestFinished("ghcr.io", "fetch manifest", 200);
    metrics.requestFinished("ghcr.io", "push blob", 0);

    var fetched = registry.get(IndexingMetrics.REGISTRY_REQUESTS)
        .tags("registry", "ghcr.io", "operation", "fetch_manifest", "status", "200").counter();
    assertThat(fetched.count()).isEqualTo(2.0);
    var unreachable = registry.get(IndexingMetrics.REGISTRY_REQUESTS)
        .tags("registry", "ghcr.io", "operation", "push_blob", "status", "0").counter();
    assertThat(unreachable.count()).isEqualTo(1.0);
  }

  private double outcomes(String outcome, String reason) {
    return registry.get(IndexingMetrics.JOB_OUTCOMES)
        .tags("outcome", outcome, "reason", reason).counter().count();
  }

  private static Job job() {
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    ImageTarget image = new ImageTarget("ghcr.io", "org/app", "1.0", null);
    return new Job(UUID.randomUUID(), image, JobState.RUNNING, "api", 1, created, created, null,
        created, "node", null, null, null, null);
  }
}
