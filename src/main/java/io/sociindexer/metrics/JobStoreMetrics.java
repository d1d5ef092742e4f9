package io.sociindexer.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobState;
import io.sociindexer.job.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges over the shared {@link JobStore}: jobs in each state, the queue depth and the age of the
 * oldest queued job. Every replica that uses the same database reports the same values, so
 * dashboards take {@code max} over instances rather than {@code sum}.
 *
 * <p>A scrape reads the store at most once per {@code refreshInterval} and otherwise returns the
 * values of the last read, so frequent scrapes do not load the database. A failed read is logged
 * and keeps the last values.
 *
 * <p>Thread-safe.
 */
public final class JobStoreMetrics implements MeterBinder {

  /** Gauge of jobs in each state, tagged {@code state}. */
  public static final String JOBS = "soci.jobs";

  /** Gauge of queued jobs, including those that wait for a retry. */
  public static final String QUEUE_DEPTH = "soci.queue.depth";

  /** Gauge of the age of the oldest queued job, 0 when the queue is empty. */
  public static final String QUEUE_OLDEST_AGE = "soci.queue.oldest.age";

  private static final Logger log = LoggerFactory.getLogger(JobStoreMetrics.class);

  private final JobStore store;
  private final Clock clock;
  private final Duration refreshInterval;

  private Snapshot snapshot;
  private boolean failureLogged;

  /** The values of one read of the store. */
  private record Snapshot(Map<JobState, Long> counts, Instant oldestQueued, Instant readAt) {}

  public JobStoreMetrics(JobStore store, Clock clock, Duration refreshInterval) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
    this.snapshot = new Snapshot(Map.of(), null, Instant.MIN);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (JobState state : JobState.values()) {
      Gauge.builder(JOBS, this, metrics -> metrics.count(state))
          .description("Jobs in each state, across all replicas that share the job store")
          .tag("state", state.wireName())
          .register(registry);
    }
    Gauge.builder(QUEUE_DEPTH, this, metrics -> metrics.count(JobState.QUEUED))
        .description("Queued jobs, including jobs that wait for a retry")
        .register(registry);
    Gauge.builder(QUEUE_OLDEST_AGE, this, JobStoreMetrics::oldestQueuedAgeSeconds)
        .description("Age of the oldest queued job, 0 when the queue is empty")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Returns the number of jobs in {@code state} as of the last read. */
  double count(JobState state) {
    return current().counts().getOrDefault(state, 0L);
  }

  /** Returns the seconds since the oldest queued job was created, as of now. */
  double oldestQueuedAgeSeconds() {
    Instant oldest = current().oldestQueued();
    if (oldest == null) {
      return 0;
    }
    Duration age = Duration.between(oldest, clock.instant());
    return age.isNegative() ? 0 : age.toMillis() / 1000.0;
  }

  private synchronized Snapshot current() {
    Instant now = clock.instant();
    if (Duration.between(snapshot.readAt(), now).compareTo(refreshInterval) < 0) {
      return snapshot;
    }

    try {
      snapshot = read(now);
      failureLogged = false;
    } catch (RuntimeException e) {
      if (!failureLogged) {
        log.warn("cannot read job counts for metrics; the gauges keep their last values", e);
        failureLogged = true;
      }
      snapshot = new Snapshot(snapshot.counts(), snapshot.oldestQueued(), now);
    }
    return snapshot;
  }

  /**
   * Reads the counts and the oldest queued job. The store lists newest first, so the oldest job
   * is the last entry of a listing with page size 1.
   */
  private Snapshot read(Instant now) {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    counts.putAll(store.countByState());

    long queued = counts.getOrDefault(JobState.QUEUED, 0L);
    Instant oldest = null;
    if (queued > 0 && queued <= Integer.MAX_VALUE) {
      List<Job> last = store.list(JobState.QUEUED, null, (int) (queued - 1), 1).jobs();
      oldest = last.isEmpty() ? null : last.getFirst().createdAt();
    }
    return new Snapshot(Map.copyOf(counts), oldest, now);
  }
}
