package io.sociindexer.worker;

import io.sociindexer.job.Job;
import io.sociindexer.worker.JobStoppedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt of a claimed job: the job as claimed, the time the attempt must end by, and a stop
 * flag that the lease renewer and a shutdown set from other threads. The indexing thread calls
 * {@link #checkContinue()} often, and it throws once the attempt must stop.
 *
 * <p>Thread-safe.
 */
public final class JobAttempt {

  private final Job job;
  private final Instant deadline;
  private final Duration timeout;
  private final Clock clock;
  private volatile Reason stopReason;

  public JobAttempt(Job job, Duration timeout, Clock clock) {
    this.job = Objects.requireNonNull(job, "job");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.deadline = clock.instant().plus(timeout);
  }

  public Job job() {
    return job;
  }

  public Instant deadline() {
    return deadline;
  }

  /** Asks the attempt to stop at its next {@link #checkContinue()}; the first reason wins. */
  public void stop(Reason reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
  }

  /** Returns the reason the attempt was asked to stop, or null while it may go on. */
  public Reason stopReason() {
    return stopReason;
  }

  /**
   * Throws when the attempt was stopped or its deadline passed.
   *
   * @throws JobStoppedException with the reason, and a message that names the job
   */
  public void checkContinue() throws JobStoppedException {
    if (stopReason == null && clock.instant().isAfter(deadline)) {
      stop(Reason.TIMEOUT);
    }
    Reason reason = stopReason;
    if (reason == null) {
      return;
    }

    String message = switch (reason) {
      case TIMEOUT -> "job " + job.id() + " attempt timed out after " + timeout
          + "; raise soci-indexer.workers.job-timeout for very large images";
      case LEASE_LOST -> "job " + job.id() + " lost its lease, so another replica may run it";
      case SHUTDOWN -> "job " + job.id() + " was stopped because the service shuts down";
    };
    throw new JobStoppedException(reason, message);
  }
}
