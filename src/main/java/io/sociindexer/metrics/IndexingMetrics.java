package io.sociindexer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.registry.RegistryRequestListener;
import io.sociindexer.worker.IndexingJobRunner.Outcome;
import io.sociindexer.worker.JobObserver;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Records the indexing metrics of this replica in a Micrometer {@link MeterRegistry}: job
 * outcomes, retries, end-to-end latency, stage durations, layer bytes read and registry requests.
 * Every tag value comes from a fixed set or is a registry host, so the number of series stays
 * bounded; digests and repositories never become tags.
 *
 * <p>Thread-safe.
 */
public final class IndexingMetrics implements JobObserver, RegistryRequestListener {

  /** Counter of finished attempts, tagged {@code outcome} and {@code reason}. */
  public static final String JOB_OUTCOMES = "soci.jobs.outcomes";

  /** Counter of failed attempts that were queued again, tagged {@code reason}. */
  public static final String JOB_RETRIES = "soci.jobs.retries";

  /** Timer from event received (the job's creation) to SOCI tag pushed, as a histogram. */
  public static final String INDEXING_LATENCY = "soci.indexing.latency";

  /** Timer of the {@code resolve}, {@code index} and {@code push} stages, tagged {@code stage}. */
  public static final String STAGE_DURATION = "soci.stage.duration";

  /** Counter of compressed layer bytes read from registries; its rate is the throughput. */
  public static final String LAYER_BYTES_READ = "soci.layer.read";

  /**
   * Counter of the distinct layers of indexed images, tagged {@code outcome}: {@code indexed},
   * {@code reused} or {@code skipped}.
   */
  public static final String LAYERS = "soci.layers";

  /** Counter of registry HTTP requests, tagged {@code registry}, {@code operation}, {@code status}. */
  public static final String REGISTRY_REQUESTS = "soci.registry.requests";

  private static final Duration MIN_EXPECTED_LATENCY = Duration.ofMillis(50);
  private static final Duration MAX_EXPECTED_LATENCY = Duration.ofHours(2);

  private final MeterRegistry registry;
  private final Timer latency;
  private final Counter layerBytes;

  public IndexingMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.latency = Timer.builder(INDEXING_LATENCY)
        .description("Time from the event that created a job to the push of its SOCI index")
        .publishPercentileHistogram()
        .minimumExpectedValue(MIN_EXPECTED_LATENCY)
        .maximumExpectedValue(MAX_EXPECTED_LATENCY)
        .register(registry);
    this.layerBytes = Counter.builder(LAYER_BYTES_READ)
        .description("Compressed layer bytes read from registries")
        .baseUnit("bytes")
        .register(registry);
    registerKnownSeries();
  }

  /**
   * Registers the stage timers and the failure and retry counters of every category at zero, so
   * that a dashboard shows 0 rather than no data before the first failure.
   */
  private void registerKnownSeries() {
    for (String stage : new String[] {STAGE_RESOLVE, STAGE_INDEX, STAGE_PUSH}) {
      stageTimer(stage);
    }
    for (String category : FailureCategory.ALL) {
      outcomeCounter(Outcome.FAILED, category);
      retryCounter(category);
    }
    outcomeCounter(Outcome.SUCCEEDED, "none");
    for (String outcome : new String[] {"indexed", "reused", "skipped"}) {
      layerCounter(outcome);
    }
  }

  @Override
  public void stageFinished(String stage, Duration duration) {
    stageTimer(stage).record(duration);
  }

  @Override
  public void layerBytesRead(long bytes) {
    layerBytes.increment(bytes);
  }

  @Override
  public void layersFinished(int indexed, int reused, int skipped) {
    layerCounter("indexed").increment(indexed);
    layerCounter("reused").increment(reused);
    layerCounter("skipped").increment(skipped);
  }

  @Override
  public void attemptFinished(
      Job job, Outcome outcome, String skipReason, JobError error, Duration elapsed) {
    String reason = switch (outcome) {
      case SKIPPED -> skipReason != null ? skipReason : "unknown";
      case FAILED, RETRY_SCHEDULED -> FailureCategory.of(error);
      default -> "none";
    };
    outcomeCounter(outcome, reason).increment();

    if (outcome == Outcome.RETRY_SCHEDULED) {
      retryCounter(reason).increment();
    }
    if (outcome == Outcome.SUCCEEDED) {
      latency.record(elapsed.isNegative() ? Duration.ZERO : elapsed);
    }
  }

  @Override
  public void requestFinished(String registryHost, String operation, int status) {
    Counter.builder(REGISTRY_REQUESTS)
        .description("HTTP requests sent to registries")
        .tag("registry", registryHost)
        .tag("operation", operation.replace(' ', '_'))
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  private Timer stageTimer(String stage) {
    return Timer.builder(STAGE_DURATION)
        .description("Duration of one stage of a job attempt")
        .tag("stage", stage)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(MAX_EXPECTED_LATENCY)
        .register(registry);
  }

  private Counter outcomeCounter(Outcome outcome, String reason) {
    return Counter.builder(JOB_OUTCOMES)
        .description("Finished job attempts by outcome and reason category")
        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
        .tag("reason", reason)
        .register(registry);
  }

  private Counter layerCounter(String outcome) {
    return Counter.builder(LAYERS)
        .description("Distinct layers of indexed images by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter retryCounter(String reason) {
    return Counter.builder(JOB_RETRIES)
        .description("Failed job attempts that were queued again, by reason category")
        .tag("reason", reason)
        .register(registry);
  }
}
