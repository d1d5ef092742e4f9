package io.sociindexer.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLException;

/**
 * The request-level retry budget of a {@link RegistryClient}: how often one operation is tried
 * before it fails, and how long it waits in between. It covers seconds, not minutes. Longer
 * outages belong to the job-level retry of the worker, which starts the whole job again later.
 *
 * <p>A failure is transient when no response arrived (connection refused or reset, timeout), or
 * when the registry returned 408, 429, 500, 502, 503 or 504. Every other status, such as 400, 401,
 * 403 or 404, fails the operation at once. The wait before attempt {@code n + 1} is the registry's
 * {@code Retry-After} when it sent one, else an exponential backoff of {@code initialBackoff * 2^(n-1)},
 * capped at {@code maxBackoff}, of which a random half is waited (equal jitter).
 *
 * @param maxAttempts attempts per operation, including the first; 1 disables retries
 * @param initialBackoff the backoff before the second attempt
 * @param maxBackoff the largest backoff between two attempts
 * @param maxRetryAfter the longest {@code Retry-After} that is waited inside the operation. When a
 *     registry requests a longer wait, the operation fails at once and the exception carries the
 *     wait for the job-level retry
 * @param maxResumes how many times a blob download reopens after its body failed mid-stream
 */
public record RequestRetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    int maxResumes) {

  /** The statuses that report a temporary condition of the registry or a proxy in front of it. */
  private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

  /**
   * Four attempts over about two seconds of backoff, and five resumes per blob download. The
   * service takes its values from {@code soci-indexer.registry-requests.*}, with these defaults.
   */
  public static final RequestRetryPolicy DEFAULT = new RequestRetryPolicy(
      4, Duration.ofMillis(250), Duration.ofSeconds(4), Duration.ofSeconds(10), 5);

  /** A policy that tries each operation once and never resumes a download. */
  public static final RequestRetryPolicy NONE =
      new RequestRetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);

  public RequestRetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    if (maxAttempts < 1 || maxResumes < 0) {
      throw new IllegalArgumentException("invalid retry policy: maxAttempts " + maxAttempts
          + " must be at least 1 and maxResumes " + maxResumes + " must not be negative");
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("invalid retry policy: durations must not be negative");
    }
  }

  /** Returns true when {@code failure} may pass if the same request is sent again soon. */
  public static boolean isTransient(RegistryException failure) {
    if (failure instanceof DigestMismatchException || failure instanceof RegistryAuthException) {
      return false;
    }
    if (failure.status() == 0) {
      Throwable cause = failure.getCause();
      return cause instanceof IOException && !(cause instanceof SSLException);
    }
    return TRANSIENT_STATUSES.contains(failure.status());
  }

  /**
   * Returns the wait before attempt {@code attempt + 1} after {@code failure}, or empty when the
   * operation must fail now: the budget is spent, or the registry asked to wait longer than
   * {@link #maxRetryAfter()}.
   *
   * @param attempt the number of the attempt that failed, starting at 1
   * @param random a source of numbers in [0, 1) for the jitter
   */
  Optional<Duration> delayAfter(int attempt, RegistryException failure, DoubleSupplier random) {
    if (attempt >= maxAttempts) {
      return Optional.empty();
    }
    Optional<Duration> retryAfter = failure.retryAfter();
    if (retryAfter.isPresent()) {
      Duration wait = retryAfter.get();
      return wait.compareTo(maxRetryAfter) > 0 ? Optional.empty() : Optional.of(wait);
    }
    return Optional.of(backoff(attempt, random));
  }

  /** Returns the jittered exponential backoff after attempt {@code attempt} (from 1). */
  Duration backoff(int attempt, DoubleSupplier random) {
    long initial = initialBackoff.toMillis();
    long max = maxBackoff.toMillis();
    int shift = Math.min(attempt - 1, 30);
    long base = Math.min(max, initial << shift);
    if (base < 0 || (initial << shift) >>> shift != initial) {
      base = max;
    }
    long half = base / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (base - half)));
  }
}
