package io.sociindexer.job;

import java.time.Duration;
import java.time.Instant;
import io.sociindexer.oci.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Durable storage of jobs, shared by every replica that uses the same database. Every method
 * commits before it returns, so a job it reports as stored survives a crash.
 *
 * <p>Implementations are thread-safe.
 */
public interface JobStore {

  /**
   * Stores a queued job, unless an active job (queued or running) exists for the same registry,
   * repository and manifest digest; then returns that one. Jobs without a digest are never
   * deduplicated, because their digest is only known once the tag is resolved.
   */
  Enqueued enqueue(ImageTarget image, String source);

  /** The outcome of {@link #enqueue}: the job, and whether it was created by this call. */
  record Enqueued(Job job, boolean created) {}

  Optional<Job> find(UUID id);

  /** Returns a page of jobs, newest first, optionally filtered by state and image substring. */
  Page list(JobState state, String imageContains, int page, int size);

  /** A page of jobs with the total count of matching jobs. */
  record Page(List<Job> jobs, long total, int page, int size) {}

  /**
   * Claims the oldest job that is queued and due, or running with an expired lease, for
   * {@code owner}: sets it running, counts an attempt and leases it until now plus {@code lease}.
   * Exactly one caller wins each job, across replicas.
   *
   * @param excludedRegistries registries whose concurrency limit is reached on this replica
   */
  Optional<Job> claim(String owner, Duration lease, Set<String> excludedRegistries);

  /** Extends the lease; returns false when {@code owner} no longer holds the job. */
  boolean renewLease(UUID id, String owner, Duration lease);

  /** Records progress of a running job held by {@code owner}. */
  void updateProgress(UUID id, String owner, JobProgress progress);

  /**
   * Records the resolved manifest digest of a job that was queued by tag.
   *
   * @throws DuplicateJobException when another job is already queued or running for the image
   *     with that digest
   */
  void updateDigest(UUID id, String owner, Digest digest);

  /** Ends a job held by {@code owner} as succeeded or skipped; false when the lease was lost. */
  boolean complete(UUID id, String owner, JobState finalState, JobResult result);

  /**
   * Records a failed attempt of a job held by {@code owner}: queued again to run after
   * {@code retryAt}, or failed for good when {@code retryAt} is null. False when the lease was lost.
   */
  boolean fail(UUID id, String owner, JobError error, Instant retryAt);

  /**
   * Queues a failed or cancelled job again with a new budget of attempts, so the retry policy
   * and the limit on claims count from zero. Empty when the job is missing or still active.
   */
  Optional<Job> retry(UUID id);

  /** Cancels a queued job; empty when the job is missing, running or already final. */
  Optional<Job> cancel(UUID id);

  /** Puts the running jobs of {@code owner} back in the queue, for a graceful shutdown. */
  int release(String owner);

  /**
   * Returns the newest succeeded job for the same registry, repository and manifest digest, which
   * shows whether an image was indexed before.
   */
  Optional<Job> findSucceeded(String registry, String repository, Digest digest);

  /** Counts jobs in each state, for metrics and the status page. */
  Map<JobState, Long> countByState();
}
