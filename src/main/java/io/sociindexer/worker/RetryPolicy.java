package io.sociindexer.worker;

import io.sociindexer.config.SociIndexerProperties;
import io.sociindexer.indexer.LayerIndexingException;
import io.sociindexer.job.JobError;
import io.sociindexer.registry.RegistryException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Decides whether a failed job attempt is tried again and after how long. Retryable failures are
 * those {@link RegistryException#retryable()} accepts (no response, 408, 429, most 5xx) and job
 * timeouts. They wait {@code initialBackoff * 2^(attempt-1)}, capped at {@code maxBackoff}, minus
 * up to {@value #JITTER_PERCENT} percent of random jitter so that replicas do not retry in step. A
 * registry's {@code Retry-After} raises the wait to at least its value, capped at {@code
 * maxBackoff}. Every other failure, and any failure of the last attempt, is final.
 *
 * <p>Thread-safe when the random generator is.
 */
public final class RetryPolicy {

  static final int JITTER_PERCENT = 20;

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final RandomGenerator random;

  /**
   * Creates a policy.
   *
   * @param maxAttempts attempts in all, the first included; at least 1
   * @param random source of jitter, for example {@link java.util.concurrent.ThreadLocalRandom}
   */
  public RetryPolicy(
      int maxAttempts, Duration initialBackoff, Duration maxBackoff, RandomGenerator random) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "backoff durations must not be negative, got initial " + initialBackoff
              + " and max " + maxBackoff);
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Creates a policy from the {@code soci-indexer.retry} settings. */
  public static RetryPolicy from(SociIndexerProperties.Retry retry, RandomGenerator random) {
    return new RetryPolicy(
        retry.getMaxAttempts(), retry.getInitialBackoff(), retry.getMaxBackoff(), random);
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * A classified failure: the error to record and the wait the registry asked for.
   *
   * @param retryAfter the registry's {@code Retry-After}, or null
   */
  public record Failure(JobError error, Duration retryAfter) {}

  /**
   * Classifies a failure of one attempt. The cause chain is searched because the indexer wraps
   * store failures to name the image: a stop of the attempt comes first, then a registry failure,
   * then a corrupt layer. The message is the outermost one, which names the image.
   */
  public Failure classify(Throwable failure) {
    String message = String.valueOf(failure.getMessage());

    JobStoppedException stopped = find(failure, JobStoppedException.class);
    if (stopped != null) {
      boolean retryable = stopped.reason() == JobStoppedException.Reason.TIMEOUT;
      return new Failure(new JobError("run job", null, 0, null, message, retryable), null);
    }
    RegistryException registry = find(failure, RegistryException.class);
    if (registry != null) {
      JobError error = new JobError(
          registry.operation(),
          registry.registry(),
          registry.status(),
          registry.errorCode(),
          message,
          registry.retryable());
      return new Failure(error, registry.retryAfter().orElse(null));
    }
    if (find(failure, LayerIndexingException.class) != null) {
      return new Failure(new JobError("index layer", null, 0, null, message, false), null);
    }
    return new Failure(new JobError("index image", null, 0, null, message, false), null);
  }

  /**
   * Returns the wait before the next attempt, or empty when the failure is final: not retryable,
   * or {@code attempt} was the last one.
   *
   * @param attempt the number of the attempt that failed, starting at 1
   */
  public Optional<Duration> nextDelay(Failure failure, int attempt) {
    if (!failure.error().retryable() || attempt >= maxAttempts) {
      return Optional.empty();
    }

    Duration delay = backoff(attempt);
    if (failure.retryAfter() != null) {
      Duration requested = min(failure.retryAfter(), maxBackoff);
      delay = requested.compareTo(delay) > 0 ? requested : delay;
    }
    return Optional.of(delay);
  }

  /** Returns the jittered exponential wait after attempt {@code attempt}, starting at 1. */
  Duration backoff(int attempt) {
    Duration base = exponential(attempt);
    long baseMillis = base.toMillis();
    long jitterMillis = (long) (random.nextDouble() * baseMillis * JITTER_PERCENT / 100);
    return Duration.ofMillis(baseMillis - jitterMillis);
  }

  private Duration exponential(int attempt) {
    int doublings = Math.max(0, attempt - 1);
    if (doublings >= 62) {
      return maxBackoff;
    }
    long factor = 1L << doublings;
    long initialMillis = initialBackoff.toMillis();
    if (initialMillis > 0 && factor > maxBackoff.toMillis() / initialMillis) {
      return maxBackoff;
    }
    return min(Duration.ofMillis(initialMillis * factor), maxBackoff);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
