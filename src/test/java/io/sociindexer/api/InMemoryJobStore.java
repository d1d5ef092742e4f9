package io.sociindexer.api;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobProgress;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import io.sociindexer.job.JobStore;
import io.sociindexer.oci.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link JobStore} test double that keeps jobs in a map. It implements what intake and the job
 * API call (enqueue with deduplication, find, list, retry, cancel, counts); the worker methods
 * throw {@link UnsupportedOperationException}. Tests put jobs in any state with {@link #put}.
 * All methods are synchronized.
 */
public class InMemoryJobStore implements JobStore {

  private final Map<UUID, Job> jobs = new LinkedHashMap<>();
  private Instant clock = Instant.parse("2026-01-01T00:00:00Z");
  private RuntimeException enqueueFailure;

  @Override
  public synchronized Enqueued enqueue(ImageTarget image, String source) {
    if (enqueueFailure != null) {
      throw enqueueFailure;
    }
    if (image.digest() != null) {
      Optional<Job> active =
          jobs.values().stream()
              .filter(job -> job.state().isActive())
              .filter(job -> sameManifest(job.image(), image))
              .findFirst();
      if (active.isPresent()) {
        return new Enqueued(active.get(), false);
      }
    }

    Instant now = tick();
    Job job =
        new Job(
            UUID.randomUUID(), image, JobState.QUEUED, source, 0, now, null, null, now, null, null,
            null, null, null);
    jobs.put(job.id(), job);
    return new Enqueued(job, true);
  }

  @Override
  public synchronized Optional<Job> find(UUID id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public synchronized Page list(JobState state, String imageContains, int page, int size) {
    List<Job> matching =
        jobs.values().stream()
            .filter(job -> state == null || job.state() == state)
            .filter(job -> imageContains == null || job.image().toString().contains(imageContains))
            .sorted(Comparator.comparing(Job::createdAt).reversed())
            .toList();
    int from = (int) Math.min((long) page * size, matching.size());
    int to = Math.min(from + size, matching.size());
    return new Page(matching.subList(from, to), matching.size(), page, size);
  }

  @Override
  public synchronized Optional<Job> retry(UUID id) {
    Job job = jobs.get(id);
    if (job == null || (job.state() != JobState.FAILED && job.state() != JobState.CANCELLED)) {
      return Optional.empty();
    }
    Job retried =
        new Job(
            job.id(), job.image(), JobState.QUEUED, job.source(), 0, job.createdAt(),
            job.startedAt(), null, tick(), null, null, job.progress(), job.result(), job.error());
    jobs.put(retried.id(), retried);
    return Optional.of(retried);
  }

  @Override
  public synchronized Optional<Job> cancel(UUID id) {
    Job job = jobs.get(id);
    if (job == null || job.state() != JobState.QUEUED) {
      return Optional.empty();
    }
    return Optional.of(
        replace(job, JobState.CANCELLED, tick(), job.runAfter(), null, null, job.error()));
  }

  @Override
  public synchronized Map<JobState, Long> countByState() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      counts.put(state, jobs.values().stream().filter(job -> job.state() == state).count());
    }
    return counts;
  }

  @Override
  public synchronized Optional<Job> findSucceeded(
      String registry, String repository, Digest digest) {
    return jobs.values().stream()
        .filter(job -> job.state() == JobState.SUCCEEDED)
        .filter(job -> sameManifest(job.image(), new ImageTarget(registry, repository, null, digest)))
        .max(Comparator.comparing(Job::createdAt));
  }

  /** Stores {@code job} as it is, replacing a job with the same id. */
  public synchronized Job put(Job job) {
    jobs.put(job.id(), job);
    return job;
  }

  /** Returns every stored job in insertion order. */
  public synchronized List<Job> all() {
    return new ArrayList<>(jobs.values());
  }

  /** Removes every job and any failure set with {@link #failEnqueue}. */
  public synchronized void clear() {
    jobs.clear();
    enqueueFailure = null;
  }

  /** Makes every later {@link #enqueue} throw {@code failure}, as an unreachable database would. */
  public synchronized void failEnqueue(RuntimeException failure) {
    enqueueFailure = failure;
  }

  @Override
  public Optional<Job> claim(String owner, Duration lease, Set<String> excludedRegistries) {
    throw workerMethod();
  }

  @Override
  public boolean renewLease(UUID id, String owner, Duration lease) {
    throw workerMethod();
  }

  @Override
  public void updateProgress(UUID id, String owner, JobProgress progress) {
    throw workerMethod();
  }

  @Override
  public void updateDigest(UUID id, String owner, Digest digest) {
    throw workerMethod();
  }

  @Override
  public boolean complete(UUID id, String owner, JobState finalState, JobResult result) {
    throw workerMethod();
  }

  @Override
  public boolean fail(UUID id, String owner, JobError error, Instant retryAt) {
    throw workerMethod();
  }

  @Override
  public int release(String owner) {
    throw workerMethod();
  }

  private Job replace(
      Job job,
      JobState state,
      Instant finishedAt,
      Instant runAfter,
      JobProgress progress,
      JobResult result,
      JobError error) {
    Job changed =
        new Job(
            job.id(), job.image(), state, job.source(), job.attempts(), job.createdAt(),
            job.startedAt(), finishedAt, runAfter, null, null, progress, result, error);
    jobs.put(changed.id(), changed);
    return changed;
  }

  /** Returns strictly increasing times, so that "newest first" is well defined. */
  private Instant tick() {
    clock = clock.plusSeconds(1);
    return clock;
  }

  private static boolean sameManifest(ImageTarget a, ImageTarget b) {
    return a.registry().equals(b.registry())
        && a.repository().equals(b.repository())
        && Objects.equals(a.digest(), b.digest());
  }

  private static UnsupportedOperationException workerMethod() {
    return new UnsupportedOperationException(
        "InMemoryJobStore implements only the intake and API methods; use the JDBC store to test workers");
  }
}
