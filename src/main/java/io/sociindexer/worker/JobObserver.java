package io.sociindexer.worker;

import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.worker.IndexingJobRunner.Outcome;
import java.time.Duration;

/**
 * Receives timings and outcomes of job attempts from {@link IndexingJobRunner}, for metrics.
 * Calls come from worker threads, so implementations must be quick and thread-safe, and they
 * must not throw.
 */
public interface JobObserver {

  /** An observer that ignores everything. */
  JobObserver NONE = new JobObserver() {};

  /** Name of the stage that fetches the manifest and decides whether the image needs indexing. */
  String STAGE_RESOLVE = "resolve";

  /** Name of the stage that streams the layers from the registry and builds the zTOCs. */
  String STAGE_INDEX = "index";

  /** Name of the stage that pushes the SOCI artifacts and the output tag. */
  String STAGE_PUSH = "push";

  /** Called when a stage of an attempt ended, whether it succeeded or not. */
  default void stageFinished(String stage, Duration duration) {}

  /** Called as compressed layer bytes are read, with the bytes read since the previous call. */
  default void layerBytesRead(long bytes) {}

  /**
   * Called once per indexed image with its distinct layers by outcome: zTOC built, zTOC of an
   * earlier image reused, or skipped (too small, or not a layer media type that gets a zTOC).
   */
  default void layersFinished(int indexed, int reused, int skipped) {}

  /**
   * Called once per attempt with its outcome.
   *
   * @param job the job as claimed; {@link Job#createdAt()} is when its event was received
   * @param skipReason a fixed category such as {@code filtered} when the outcome is {@code
   *     SKIPPED}, else null
   * @param error the recorded failure when the outcome is {@code FAILED} or {@code
   *     RETRY_SCHEDULED}, else null
   * @param elapsed time from {@link Job#createdAt()} to the end of the attempt
   */
  default void attemptFinished(
      Job job, Outcome outcome, String skipReason, JobError error, Duration elapsed) {}
}
