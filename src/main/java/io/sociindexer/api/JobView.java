package io.sociindexer.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobProgress;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job as the API shows it. Fields without a value are left out: {@code runAfter} appears only
 * while a failed attempt waits for its retry, {@code progress} only while the job runs,
 * {@code result} once it succeeded or was skipped, and {@code error} after a failed attempt. No
 * field carries credentials.
 *
 * @param image the image as {@code registry/repository[:tag][@digest]}
 * @param manifestDigest the digest of the pushed manifest or index, once known
 * @param state the lowercase state, such as {@code queued}
 * @param source who asked for the job: {@code distribution} or {@code api}
 * @param attempts attempts started so far
 * @param node the replica that runs the job, shown only while it runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    UUID id,
    String image,
    String registry,
    String repository,
    String tag,
    String manifestDigest,
    String state,
    String source,
    int attempts,
    String node,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant runAfter,
    Progress progress,
    Result result,
    ErrorDetails error) {

  /** Layers and compressed bytes done out of the total to index. */
  public record Progress(int layersDone, int layersTotal, long bytesDone, long bytesTotal) {}

  /**
   * The outcome of a finished job.
   *
   * @param imageIndexDigest digest of the SOCI-enabled image index, absent when nothing was pushed
   * @param outputTag the tag that points at it, absent when nothing was pushed
   * @param sociIndexDigests one SOCI index manifest digest per indexed platform
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(
      String imageIndexDigest,
      String outputTag,
      List<String> sociIndexDigests,
      List<Layer> layers,
      String message) {}

  /**
   * One layer of one platform: indexed with a zTOC, or skipped with the reason.
   *
   * @param size compressed size in bytes
   * @param reused true when the zTOC of an earlier image was reused instead of reading the
   *     layer, else null and left out of the JSON
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Layer(
      String platform,
      String layerDigest,
      long size,
      String ztocDigest,
      String skipReason,
      Boolean reused) {}

  /**
   * The failure of the last attempt.
   *
   * @param status HTTP status of the failed registry call, 0 when there was no response
   * @param registryCode the registry's error code, such as {@code MANIFEST_UNKNOWN}
   * @param retryable whether another attempt may succeed
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorDetails(
      String operation,
      String registry,
      int status,
      String registryCode,
      String message,
      boolean retryable) {}

  /** Builds the view of {@code job}. */
  public static JobView of(Job job) {
    ImageTarget image = job.image();
    boolean waitingForRetry = job.state() == JobState.QUEUED && job.attempts() > 0;
    return new JobView(
        job.id(),
        image.toString(),
        image.registry(),
        image.repository(),
        image.tag(),
        image.digest() == null ? null : image.digest().toString(),
        job.state().wireName(),
        job.source(),
        job.attempts(),
        job.state() == JobState.RUNNING ? job.leaseOwner() : null,
        job.createdAt(),
        job.startedAt(),
        job.finishedAt(),
        waitingForRetry ? job.runAfter() : null,
        job.state() == JobState.RUNNING ? progress(job.progress()) : null,
        result(job.result()),
        error(job.error()));
  }

  private static Progress progress(JobProgress progress) {
    JobProgress known = progress == null ? JobProgress.NONE : progress;
    return new Progress(
        known.layersDone(), known.layersTotal(), known.bytesDone(), known.bytesTotal());
  }

  private static Result result(JobResult result) {
    if (result == null) {
      return null;
    }
    List<Layer> layers =
        result.layers().stream()
            .map(
                l ->
                    new Layer(
                        l.platform(),
                        l.layerDigest(),
                        l.size(),
                        l.ztocDigest(),
                        l.skipReason(),
                        l.reused() ? Boolean.TRUE : null))
            .toList();
    return new Result(
        result.imageIndexDigest(),
        result.outputTag(),
        result.sociIndexDigests(),
        layers,
        result.message());
  }

  private static ErrorDetails error(JobError error) {
    if (error == null) {
      return null;
    }
    return new ErrorDetails(
        error.operation(),
        error.registry(),
        error.status(),
        error.registryCode(),
        error.message(),
        error.retryable());
  }
}
