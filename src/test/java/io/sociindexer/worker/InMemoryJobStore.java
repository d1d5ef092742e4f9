package io.sociindexer.worker;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobProgress;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import io.sociindexer.job.JobStore;
import io.sociindexer.oci.Digest;
import java.time.Clock;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A {@link JobStore} in memory for worker tests, with the same rules as the durable store:
 * claims take the oldest due job, and writes of a job need its current lease owner. Tests can
 * take a lease away with {@link #stealLease} and read every progress write.
 */
public final class InMemoryJobStore implements JobStore {

  private final Clock clock;
  private final Map<UUID, Job> jobs = new LinkedHashMap<>();
  private final List<JobProgress> progressWrites = new ArrayList<>();
  private final AtomicInteger sequence = new AtomicInteger();

  public InMemoryJobStore(Clock clock) {
    this.clock = clock;
  }

  /** Stores {@code job} as given, replacing a job with the same id. */
  synchronized Job put(Job job) {
    jobs.put(job.id(), job);
    return job;
  }

  synchronized Job get(UUID id) {
    return jobs.get(id);
  }

  synchronized List<Job> all() {
    return List.copyOf(jobs.values());
  }

  synchronized List<JobProgress> progressWrites() {
    return List.copyOf(progressWrites);
  }

  /** Gives the lease of a running job to another owner, as when this replica stalled. */
  synchronized void stealLease(UUID id, String owner) {
    update(id, job -> copy(job, JobState.RUNNING, job.attempts(), owner, job.leaseUntil()));
  }

  @Override
  public synchronized Enqueued enqueue(ImageTarget image, String source) {
    if (image.digest() != null) {
      for (Job job : jobs.values()) {
        if (job.state().isActive() && sameImage(job.image(), image)) {
          return new Enqueued(job, false);
        }
      }
    }
    // The sequence keeps creation times distinct under a clock that stands still.
    Instant created = clock.instant().plusNanos(sequence.incrementAndGet());
    Job job = new Job(UUID.randomUUID(), image, JobState.QUEUED, source, 0, created, null, null,
        clock.instant(), null, null, null, null, null);
    jobs.put(job.id(), job);
    return new Enqueued(job, true);
  }

  @Override
  public synchronized Optional<Job> find(UUID id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public synchronized Page list(JobState state, String imageContains, int page, int size) {
    List<Job> matching = jobs.values().stream()
        .filter(job -> state == null || job.state() == state)
        .filter(job -> imageContains == null || job.image().toString().contains(imageContains))
        .sorted(Comparator.comparing(Job::createdAt).reversed())
        .toList();
    int from = Math.min(page * size, matching.size());
    int to = Math.min(from + size, matching.size());
    return new Page(matching.subList(from, to), matching.size(), page, size);
  }

  @Override
  public synchronized Optional<Job> claim(
      String owner, Duration lease, Set<String> excludedRegistries) {
    Instant now = clock.instant();
    Optional<Job> due = jobs.values().stream()
        .filter(job -> isDue(job, now))
        .filter(job -> !excludedRegistries.contains(job.image().registry()))
        .min(Comparator.comparing(Job::createdAt));
    if (due.isEmpty()) {
      return Optional.empty();
    }
    Job job = due.get();
    Job claimed = new Job(job.id(), job.image(), JobState.RUNNING, job.source(),
        job.attempts() + 1, job.createdAt(), now, null, job.runAfter(), owner, now.plus(lease),
        JobProgress.NONE, null, job.error());
    jobs.put(job.id(), claimed);
    return Optional.of(claimed);
  }

  @Override
  public synchronized boolean renewLease(UUID id, String owner, Duration lease) {
    if (!holds(id, owner)) {
      return false;
    }
    update(id, job -> copy(job, job.state(), job.attempts(), owner, clock.instant().plus(lease)));
    return true;
  }

  @Override
  public synchronized void updateProgress(UUID id, String owner, JobProgress progress) {
    if (holds(id, owner)) {
      progressWrites.add(progress);
      update(id, job -> new Job(job.id(), job.image(), job.state(), job.source(), job.attempts(),
          job.createdAt(), job.startedAt(), job.finishedAt(), job.runAfter(), job.leaseOwner(),
          job.leaseUntil(), progress, job.result(), job.error()));
    }
  }

  @Override
  public synchronized void updateDigest(UUID id, String owner, Digest digest) {
    if (holds(id, owner)) {
      update(id, job -> new Job(job.id(), job.image().withDigest(digest), job.state(),
          job.source(), job.attempts(), job.createdAt(), job.startedAt(), job.finishedAt(),
          job.runAfter(), job.leaseOwner(), job.leaseUntil(), job.progress(), job.result(),
          job.error()));
    }
  }

  @Override
  public synchronized boolean complete(UUID id, String owner, JobState finalState, JobResult result) {
    if (!holds(id, owner)) {
      return false;
    }
    update(id, job -> new Job(job.id(), job.image(), finalState, job.source(), job.attempts(),
        job.createdAt(), job.startedAt(), clock.instant(), job.runAfter(), null, null,
        job.progress(), result, null));
    return true;
  }

  @Override
  public synchronized boolean fail(UUID id, String owner, JobError error, Instant retryAt) {
    if (!holds(id, owner)) {
      return false;
    }
    JobState state = retryAt != null ? JobState.QUEUED : JobState.FAILED;
    Instant finished = retryAt != null ? null : clock.instant();
    update(id, job -> new Job(job.id(), job.image(), state, job.source(), job.attempts(),
        job.createdAt(), job.startedAt(), finished, retryAt != null ? retryAt : job.runAfter(),
        null, null, job.progress(), null, error));
    return true;
  }

  @Override
  public synchronized Optional<Job> retry(UUID id) {
    Job job = jobs.get(id);
    if (job == null || (job.state() != JobState.FAILED && job.state() != JobState.CANCELLED)) {
      return Optional.empty();
    }
    return Optional.of(update(id, j -> copy(j, JobState.QUEUED, 0, null, null)));
  }

  @Override
  public synchronized Optional<Job> cancel(UUID id) {
    Job job = jobs.get(id);
    if (job == null || job.state() != JobState.QUEUED) {
      return Optional.empty();
    }
    return Optional.of(update(id, j -> copy(j, JobState.CANCELLED, j.attempts(), null, null)));
  }

  @Override
  public synchronized int release(String owner) {
    int released = 0;
    for (Job job : List.copyOf(jobs.values())) {
      if (job.state() == JobState.RUNNING && owner.equals(job.leaseOwner())) {
        update(job.id(), j -> copy(j, JobState.QUEUED, j.attempts(), null, null));
        released++;
      }
    }
    return released;
  }

  @Override
  public synchronized Optional<Job> findSucceeded(
      String registry, String repository, Digest digest) {
    return jobs.values().stream()
        .filter(job -> job.state() == JobState.SUCCEEDED)
        .filter(job -> job.image().registry().equals(registry))
        .filter(job -> job.image().repository().equals(repository))
        .filter(job -> Objects.equals(job.image().digest(), digest))
        .max(Comparator.comparing(Job::finishedAt));
  }

  @Override
  public synchronized Map<JobState, Long> countByState() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    jobs.values().forEach(job -> counts.merge(job.state(), 1L, Long::sum));
    return counts;
  }

  private boolean isDue(Job job, Instant now) {
    if (job.state() == JobState.QUEUED) {
      return !job.runAfter().isAfter(now);
    }
    return job.state() == JobState.RUNNING && job.leaseUntil().isBefore(now);
  }

  private boolean holds(UUID id, String owner) {
    Job job = jobs.get(id);
    return job != null && job.state() == JobState.RUNNING && owner.equals(job.leaseOwner());
  }

  private Job update(UUID id, UnaryOperator<Job> change) {
    Job changed = change.apply(jobs.get(id));
    jobs.put(id, changed);
    return changed;
  }

  private static Job copy(Job job, JobState state, int attempts, String owner, Instant leaseUntil) {
    return new Job(job.id(), job.image(), state, job.source(), attempts, job.createdAt(),
        job.startedAt(), job.finishedAt(), job.runAfter(), owner, leaseUntil, job.progress(),
        job.result(), job.error());
  }

  private static boolean sameImage(ImageTarget a, ImageTarget b) {
    return a.registry().equals(b.registry())
        && a.repository().equals(b.repository())
        && Objects.equals(a.digest(), b.digest());
  }
}
