package io.sociindexer.worker;

/**
 * Runs one attempt of a claimed job and records its outcome in the job store. The
 * {@link WorkerPool} calls it from a worker thread; {@link IndexingJobRunner} is the runner of
 * the service.
 */
@FunctionalInterface
public interface JobRunner {

  /** Runs the attempt. A failure of the job is recorded in the store, not thrown. */
  IndexingJobRunner.Outcome run(JobAttempt attempt);
}
