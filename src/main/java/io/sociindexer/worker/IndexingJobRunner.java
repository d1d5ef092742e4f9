package io.sociindexer.worker;

import io.sociindexer.indexer.ImageIndexer;
import io.sociindexer.indexer.ImageStore.StoredManifest;
import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.LayerOutcome;
import io.sociindexer.indexer.RegistryImageStore;
import io.sociindexer.job.DuplicateJobException;
import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import io.sociindexer.job.JobStore;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.registry.RegistryException;
import io.sociindexer.worker.JobStoppedException.Reason;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one attempt of a claimed job and records its outcome in the job store:
 *
 * <ol>
 *   <li>checks the image against the {@link ImageAdmission} again, before any request, because the
 *       allow-list or the filters may have changed since the job was queued: a registry that is no
 *       longer allowed fails the job at once without a retry, and an image that a filter now leaves
 *       out is skipped;
 *   <li>fetches the manifest (by digest when the job has one, else by tag, and records the
 *       resolved digest) and skips SOCI artifacts, see {@link OwnOutput};
 *   <li>skips an image whose earlier output tag still points at the recorded image index,
 *       without reading any layer;
 *   <li>otherwise indexes the image with {@link ImageIndexer}, writing progress as it goes.
 * </ol>
 *
 * <p>A failure is classified by the {@link RetryPolicy}: the job is queued again after a backoff
 * or fails for good. An attempt that lost its lease writes nothing, because another replica may
 * run the job now. An attempt stopped for shutdown writes nothing either, and the pool puts the
 * job back in the queue.
 *
 * <p>Thread-safe: workers share one instance.
 */
public final class IndexingJobRunner implements JobRunner {

  private static final Logger log = LoggerFactory.getLogger(IndexingJobRunner.class);

  /** The outcome of an attempt. */
  public enum Outcome {
    SUCCEEDED,
    SKIPPED,
    RETRY_SCHEDULED,
    FAILED,
    /** Stopped for shutdown; nothing was written and the job is still running in the store. */
    STOPPED,
    /** The lease was lost; nothing was written. */
    LEASE_LOST
  }

  private final JobStore store;
  private final RegistryClient client;
  private final ImageIndexer indexer;
  private final ImageAdmission admission;
  private final RetryPolicy retryPolicy;
  private final String nodeId;
  private final Clock clock;
  private final JobObserver observer;

  /** Creates a runner that admits every image, for callers that check admission elsewhere. */
  public IndexingJobRunner(
      JobStore store,
      RegistryClient client,
      ImageIndexer indexer,
      RetryPolicy retryPolicy,
      String nodeId,
      Clock clock) {
    this(store, client, indexer, ImageAdmission.ALL, retryPolicy, nodeId, clock);
  }

  public IndexingJobRunner(
      JobStore store,
      RegistryClient client,
      ImageIndexer indexer,
      ImageAdmission admission,
      RetryPolicy retryPolicy,
      String nodeId,
      Clock clock) {
    this(store, client, indexer, admission, retryPolicy, nodeId, clock, JobObserver.NONE);
  }

  /** Creates a runner that reports stage timings and outcomes to {@code observer}. */
  public IndexingJobRunner(
      JobStore store,
      RegistryClient client,
      ImageIndexer indexer,
      ImageAdmission admission,
      RetryPolicy retryPolicy,
      String nodeId,
      Clock clock,
      JobObserver observer) {
    this.store = Objects.requireNonNull(store, "store");
    this.client = Objects.requireNonNull(client, "client");
    this.indexer = Objects.requireNonNull(indexer, "indexer");
    this.admission = Objects.requireNonNull(admission, "admission");
    this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /**
   * Runs the attempt and records its outcome. A failure of the job is recorded, not thrown, but a
   * failure of the job store while recording it is thrown.
   */
  @Override
  public Outcome run(JobAttempt attempt) {
    Job job = attempt.job();
    long started = System.nanoTime();
    try (MDC.MDCCloseable ignored = WorkerPool.jobContext(job)) {
      log.info(
          "starting job job.id={} registry={} repository={} tag={} manifest.digest={} attempt={}",
          job.id(),
          job.image().registry(),
          job.image().repository(),
          job.image().tag(),
          job.image().digest(),
          job.attempts());
      try {
        return runAttempt(attempt, started);
      } catch (Exception e) {
        return recordFailure(attempt, e, started);
      }
    }
  }

  private Outcome runAttempt(JobAttempt attempt, long started) throws IOException {
    Job job = attempt.job();
    if (job.attempts() > retryPolicy.maxAttempts()) {
      return failUnfinishedAttempts(attempt, started);
    }

    ImageTarget target = job.image();
    Optional<ImageAdmission.Refusal> refusal = admission.check(target, job.source());
    if (refusal.isPresent()) {
      return reject(attempt, refusal.get(), started);
    }

    RegistryImageStore images = new RegistryImageStore(client, target.toReference());

    attempt.checkContinue();
    long resolveStarted = System.nanoTime();
    StoredManifest root;
    try {
      root = images.fetchManifest(identifier(target));
    } finally {
      observeStage(JobObserver.STAGE_RESOLVE, resolveStarted);
    }
    if (target.digest() == null) {
      try {
        store.updateDigest(job.id(), nodeId, root.digest());
      } catch (DuplicateJobException e) {
        // The tag resolved to a digest another job already works on, so this one adds nothing.
        String message = "duplicate of job " + e.activeJobId() + ", which indexes the same digest";
        JobResult skipped = JobResult.message(message);
        return complete(attempt, JobState.SKIPPED, "duplicate", skipped, started);
      }
      target = target.withDigest(root.digest());
    }

    String ownOutput = OwnOutput.skipReason(root);
    if (ownOutput != null) {
      return complete(
          attempt, JobState.SKIPPED, "own_output", JobResult.message(ownOutput), started);
    }
    Optional<JobResult> earlier = earlierOutput(target);
    if (earlier.isPresent()) {
      return complete(attempt, JobState.SKIPPED, "already_indexed", earlier.get(), started);
    }

    attempt.checkContinue();
    // NOTE: the indexer checks the listener between manifests and while it reads layers, but not
    // while it pushes the SOCI artifacts, so a timeout or stop during the push takes effect after it.
    StageTimer stages = new StageTimer(new ProgressRecorder(store, nodeId, attempt), observer);
    IndexResult result;
    try {
      result = indexer.index(images, target.tag(), target.digest(), stages);
    } catch (IOException | RuntimeException e) {
      stages.failed();
      throw e;
    }
    stages.succeeded();
    observeLayers(result);
    JobState state =
        result.status() == IndexResult.Status.INDEXED ? JobState.SUCCEEDED : JobState.SKIPPED;
    return complete(attempt, state, "nothing_to_index", JobResults.of(result), started);
  }

  /**
   * Records a rejected job: failed for good when its registry is not allowed, skipped when a
   * filter leaves it out. No request has been sent.
   */
  private Outcome reject(JobAttempt attempt, ImageAdmission.Refusal refusal, long started) {
    if (!refusal.registryNotAllowed()) {
      return complete(
          attempt, JobState.SKIPPED, "filtered", JobResult.message(refusal.reason()), started);
    }

    Job job = attempt.job();
    if (attempt.stopReason() == Reason.LEASE_LOST) {
      logLeaseLost(job);
      return observe(job, Outcome.LEASE_LOST, null, null);
    }
    JobError error =
        new JobError("check registry", job.image().registry(), 0, null, refusal.reason(), false);
    if (!store.fail(job.id(), nodeId, error, null)) {
      logLeaseLost(job);
      return observe(job, Outcome.LEASE_LOST, null, null);
    }
    log.error(
        "job failed job.id={} registry={} repository={} attempt={} duration.ms={} operation={}"
            + " error={}",
        job.id(),
        job.image().registry(),
        job.image().repository(),
        job.attempts(),
        millisSince(started),
        error.operation(),
        error.message());
    return observe(job, Outcome.FAILED, null, error);
  }

  /**
   * Fails a job that was claimed more often than the retry policy allows. A failed attempt never
   * leads to such a claim, so the earlier attempts ended without a result: the process was killed
   * (for example for memory) or lost its lease while running the job, or a graceful stop released
   * it. Running it again could kill the next replica the same way, so it is not run.
   */
  private Outcome failUnfinishedAttempts(JobAttempt attempt, long started) {
    Job job = attempt.job();
    String message =
        "the job was started " + job.attempts() + " times, more than the maximum of "
            + retryPolicy.maxAttempts() + " attempts (soci-indexer.retry.max-attempts), and the"
            + " earlier attempts ended without a result because the service stopped or lost its"
            + " lease while running it; check the logs and memory limits of the replicas, then"
            + " retry the job through the API";
    JobError error = new JobError("run job", null, 0, null, message, false);
    if (!store.fail(job.id(), nodeId, error, null)) {
      logLeaseLost(job);
      return observe(job, Outcome.LEASE_LOST, null, null);
    }
    logFinalFailure(job, error, null, started);
    return observe(job, Outcome.FAILED, null, error);
  }

  private static String identifier(ImageTarget target) {
    return target.digest() != null ? target.digest().toString() : target.tag();
  }

  /**
   * Returns a skip result when a succeeded job indexed the same digest and its output tag still
   * points at the image index it recorded. A moved or deleted output tag means the image is
   * indexed again.
   */
  private Optional<JobResult> earlierOutput(ImageTarget target) throws RegistryException {
    Optional<Job> earlier =
        store.findSucceeded(target.registry(), target.repository(), target.digest());
    if (earlier.isEmpty() || earlier.get().result() == null) {
      return Optional.empty();
    }
    JobResult result = earlier.get().result();
    if (result.outputTag() == null || result.imageIndexDigest() == null) {
      return Optional.empty();
    }

    Reference outputTag =
        new Reference(target.registry(), target.repository(), result.outputTag(), null);
    Optional<Digest> current = client.headManifest(outputTag).map(Descriptor::digest);
    if (current.isEmpty() || !current.get().toString().equals(result.imageIndexDigest())) {
      log.info(
          "output of an earlier job is gone, indexing again job.id={} tag={} manifest.digest={}",
          earlier.get().id(),
          result.outputTag(),
          current.orElse(null));
      return Optional.empty();
    }
    return Optional.of(new JobResult(
        result.imageIndexDigest(),
        result.outputTag(),
        result.sociIndexDigests(),
        result.layers(),
        "already indexed as " + result.outputTag()));
  }

  /**
   * Records a succeeded or skipped job.
   *
   * @param skipReason the metrics category of a skip, ignored when {@code state} is succeeded
   */
  private Outcome complete(
      JobAttempt attempt, JobState state, String skipReason, JobResult result, long started) {
    Job job = attempt.job();
    if (attempt.stopReason() == Reason.LEASE_LOST) {
      logLeaseLost(job);
      return observe(job, Outcome.LEASE_LOST, null, null);
    }
    if (!store.complete(job.id(), nodeId, state, result)) {
      logLeaseLost(job);
      return observe(job, Outcome.LEASE_LOST, null, null);
    }

    log.info(
        "job {} job.id={} registry={} repository={} attempt={} duration.ms={} message={}",
        state.wireName(),
        job.id(),
        job.image().registry(),
        job.image().repository(),
        job.attempts(),
        millisSince(started),
        result.message());
    return state == JobState.SUCCEEDED
        ? observe(job, Outcome.SUCCEEDED, null, null)
        : observe(job, Outcome.SKIPPED, skipReason, null);
  }

  private Outcome recordFailure(JobAttempt attempt, Exception failure, long started) {
    Job job = attempt.job();
    Reason stopped = attempt.stopReason();
    if (stopped == Reason.LEASE_LOST) {
      logLeaseLost(job);
      return observe(job, Outcome.LEASE_LOST, null, null);
    }
    if (stopped == Reason.SHUTDOWN && isStop(failure)) {
      log.info("job stopped for shutdown job.id={} attempt={}", job.id(), job.attempts());
      return observe(job, Outcome.STOPPED, null, null);
    }

    RetryPolicy.Failure classified = retryPolicy.classify(failure);
    Optional<Duration> delay = retryPolicy.nextDelay(classified, job.attempts());
    Instant retryAt = delay.map(clock.instant()::plus).orElse(null);
    if (!store.fail(job.id(), nodeId, classified.error(), retryAt)) {
      logLeaseLost(job);
      return observe(job, Outcome.LEASE_LOST, null, null);
    }

    if (delay.isPresent()) {
      logRetry(job, classified.error(), delay.get(), started);
      return observe(job, Outcome.RETRY_SCHEDULED, null, classified.error());
    }
    logFinalFailure(job, classified.error(), failure, started);
    return observe(job, Outcome.FAILED, null, classified.error());
  }

  /** Reports the outcome to the observer and returns it; a failing observer is only logged. */
  private Outcome observe(Job job, Outcome outcome, String skipReason, JobError error) {
    try {
      Duration elapsed = Duration.between(job.createdAt(), clock.instant());
      observer.attemptFinished(job, outcome, skipReason, error, elapsed);
    } catch (RuntimeException e) {
      log.warn("job observer failed job.id={} outcome={}", job.id(), outcome, e);
    }
    return outcome;
  }

  /** Reports the distinct layers of an image by outcome. A failing observer is only logged. */
  private void observeLayers(IndexResult result) {
    Map<String, LayerOutcome> distinct = new HashMap<>();
    for (IndexResult.PlatformOutcome platform : result.platforms()) {
      for (LayerOutcome layer : platform.layers()) {
        distinct.putIfAbsent(layer.layer().digest().toString(), layer);
      }
    }
    int reused = 0;
    int indexed = 0;
    for (LayerOutcome layer : distinct.values()) {
      if (layer.reused()) {
        reused++;
      } else if (layer.indexed()) {
        indexed++;
      }
    }
    int skipped = distinct.size() - reused - indexed;

    try {
      observer.layersFinished(indexed, reused, skipped);
    } catch (RuntimeException e) {
      log.warn("job observer failed on layer counts", e);
    }
  }

  private void observeStage(String stage, long startedNanos) {
    try {
      observer.stageFinished(stage, Duration.ofNanos(System.nanoTime() - startedNanos));
    } catch (RuntimeException e) {
      log.warn("job observer failed stage={}", stage, e);
    }
  }

  private static boolean isStop(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof JobStoppedException) {
        return true;
      }
    }
    return false;
  }

  private void logRetry(Job job, JobError error, Duration delay, long started) {
    log.warn(
        "job attempt failed, retrying job.id={} registry={} repository={} manifest.digest={}"
            + " attempt={} max.attempts={} retry.in.ms={} duration.ms={} operation={} status={}"
            + " error={}",
        job.id(),
        job.image().registry(),
        job.image().repository(),
        job.image().digest(),
        job.attempts(),
        retryPolicy.maxAttempts(),
        delay.toMillis(),
        millisSince(started),
        error.operation(),
        error.status(),
        error.message());
  }

  /** Logs the final failure, with the stack trace only for failures outside registry calls. */
  private void logFinalFailure(Job job, JobError error, Exception failure, long started) {
    Object[] arguments = {
      job.id(),
      job.image().registry(),
      job.image().repository(),
      job.image().digest(),
      job.attempts(),
      millisSince(started),
      error.operation(),
      error.status(),
      error.registryCode(),
      error.message(),
      error.registry() == null && !isStop(failure) ? failure : null
    };
    log.error(
        "job failed job.id={} registry={} repository={} manifest.digest={} attempt={}"
            + " duration.ms={} operation={} status={} registry.code={} error={}",
        arguments);
  }

  private void logLeaseLost(Job job) {
    log.warn(
        "job lost its lease, result not written job.id={} registry={} repository={} attempt={}",
        job.id(),
        job.image().registry(),
        job.image().repository(),
        job.attempts());
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
