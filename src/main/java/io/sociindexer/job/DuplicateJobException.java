package io.sociindexer.job;

import java.util.UUID;

/**
 * Thrown when a change would give an image a second active job: another job for the same
 * registry, repository and manifest digest is already queued or running.
 */
public class DuplicateJobException extends IllegalStateException {

  private final UUID activeJobId;

  public DuplicateJobException(UUID jobId, ImageTarget image, UUID activeJobId) {
    super(
        "job " + jobId + " cannot take image " + image + ": job " + activeJobId
            + " is already queued or running for it");
    this.activeJobId = activeJobId;
  }

  /** Returns the id of the job that is already active for the image. */
  public UUID activeJobId() {
    return activeJobId;
  }
}
