package io.sociindexer.worker;

import java.io.IOException;

/**
 * Thrown from {@link io.sociindexer.indexer.IndexListener#checkContinue()} to stop a job attempt
 * before it ends on its own. The indexer may wrap it in another {@link IOException}, so callers
 * look for it in the cause chain.
 */
public final class JobStoppedException extends IOException {

  /** The cause of a stop. */
  public enum Reason {
    /** The attempt ran longer than the job timeout; the job is retried like a network failure. */
    TIMEOUT,
    /** Another replica may hold the job now, so this attempt must write nothing. */
    LEASE_LOST,
    /** The service shuts down; the job goes back to the queue. */
    SHUTDOWN
  }

  private final Reason reason;

  public JobStoppedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
