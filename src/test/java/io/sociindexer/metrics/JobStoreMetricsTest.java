package io.sociindexer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.job.ImageTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobStoreMetricsTest {

  private final InMemoryJobStore store = new InMemoryJobStore();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:01:00Z"));

  @BeforeEach
  void bind() {
    new JobStoreMetrics(store, clock, Duration.ofSeconds(5)).bindTo(registry);
  }

  @Test
  void emptyStoreReportsZero() {
    assertThat(gauge(JobStoreMetrics.QUEUE_DEPTH)).isZero();
    assertThat(gauge(JobStoreMetrics.QUEUE_OLDEST_AGE)).isZero();
    assertThat(registry.get(JobStoreMetrics.JOBS).tag("state", "queued").gauge().value()).isZero();
  }

  @Test
  void queueDepthAndOldestAge() {
    store.enqueue(image("a"), "api");
    store.enqueue(image("b"), "api");

    assertThat(gauge(JobStoreMetrics.QUEUE_DEPTH)).isEqualTo(2.0);
    assertThat(registry.get(JobStoreMetrics.JOBS).tag("state", "queued").gauge().value())
        .isEqualTo(2.0);
    // The in-memory store stamps the first job 2026-01-01T00:00:01Z, 59 seconds before the clock.
    assertThat(gauge(JobStoreMetrics.QUEUE_OLDEST_AGE)).isEqualTo(59.0);
  }

  @Test
  void readsStoreAtMostOncePerInterval() {
    assertThat(gauge(JobStoreMetrics.QUEUE_DEPTH)).isZero();
    store.enqueue(image("a"), "api");

    assertThat(gauge(JobStoreMetrics.QUEUE_DEPTH)).as("within the interval").isZero();
    clock.advance(Duration.ofSeconds(5));
    assertThat(gauge(JobStoreMetrics.QUEUE_DEPTH)).as("after the interval").isEqualTo(1.0);
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private static ImageTarget image(String repository) {
    return new ImageTarget("ghcr.io", repository, "1.0", null);
  }

  /** A clock that tests move forward by hand. */
  private static final class MutableClock extends Clock {

    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
