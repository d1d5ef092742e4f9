package io.sociindexer.api;

import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobState;
import io.sociindexer.job.JobEnqueuedEvent;
import io.sociindexer.job.JobStore;
import io.sociindexer.oci.Reference;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The on-demand job API under {@code /api/v1/jobs}: create a job for an image, read one job or a
 * page of them, retry a failed or cancelled job and cancel a queued one. Errors are RFC 9457
 * problem details (see {@link ApiExceptionHandler}). It reads and writes only the {@link JobStore}
 * and never contacts a registry. Every request needs an API token, which {@link
 * ApiAuthenticationFilter} checks before this controller runs.
 *
 * <p>A new job must pass the {@link ImageAdmission} with the source {@code api} before anything is
 * stored: a registry outside the allow-list is rejected with 403, and an image that the filters
 * leave out with 422. Both problems name the setting that rejects the image.
 */
@RestController
@RequestMapping("/api/v1/jobs")
public class JobController {

  /** The {@code source} of the jobs this API creates. */
  public static final String SOURCE = "api";

  static final int MAX_PAGE_SIZE = 200;

  private static final Logger log = LoggerFactory.getLogger(JobController.class);

  private final JobStore jobStore;
  private final ImageAdmission admission;
  private final ApplicationEventPublisher events;

  public JobController(
      JobStore jobStore, ImageAdmission admission, ApplicationEventPublisher events) {
    this.jobStore = jobStore;
    this.admission = admission;
    this.events = events;
  }

  @Operation(summary = "Create a job for an image")
  @ApiResponse(responseCode = "202", description = "the new job", useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "200",
      description =
          "the queued or running job for the same repository and digest, when the image names"
              + " a digest",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "400",
      description = "the body is not JSON, or \"image\" is missing or not a valid reference")
  @ApiResponse(
      responseCode = "403",
      description = "the registry is not in soci-indexer.registries.allowed")
  @ApiResponse(
      responseCode = "413",
      description = "the body exceeds soci-indexer.api.max-body-size")
  @ApiResponse(responseCode = "415", description = "the Content-Type is not application/json")
  @ApiResponse(
      responseCode = "422",
      description = "an include or exclude filter leaves the image out")
  @PostMapping(consumes = "application/json")
  public ResponseEntity<JobView> create(@RequestBody(required = false) CreateJobRequest request) {
    ImageTarget target = ImageTarget.of(parseImage(request));
    checkAdmission(target);
    JobStore.Enqueued enqueued = jobStore.enqueue(target, SOURCE);
    Job job = enqueued.job();
    if (enqueued.created()) {
      events.publishEvent(new JobEnqueuedEvent(job));
      log.info(
          "job accepted job.id={} source={} registry={} repository={} tag={} manifest.digest={}",
          job.id(),
          SOURCE,
          target.registry(),
          target.repository(),
          target.tag(),
          target.digest());
    }

    HttpStatus status = enqueued.created() ? HttpStatus.ACCEPTED : HttpStatus.OK;
    return ResponseEntity.status(status).location(location(job)).body(JobView.of(job));
  }

  @Operation(summary = "Get a job")
  @ApiResponse(responseCode = "200", description = "the job", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "400", description = "the id is not a UUID")
  @ApiResponse(responseCode = "404", description = "no job has this id")
  @GetMapping("/{id}")
  public JobView get(@PathVariable UUID id) {
    return JobView.of(findOrThrow(id));
  }

  @Operation(
      summary = "List jobs, newest first",
      description =
          "Filters by state (queued, running, succeeded, skipped, failed, cancelled) and by a"
              + " substring of the image reference.")
  @ApiResponse(responseCode = "200", description = "a page of jobs", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "400", description = "state, page or size is invalid")
  @GetMapping
  public JobPageView list(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String image,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    JobState requestedState = parseState(state);
    if (page < 0) {
      throw Problems.badRequest("invalid page " + page + ": expected 0 or more");
    }
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw Problems.badRequest(
          "invalid page size " + size + ": expected 1 to " + MAX_PAGE_SIZE);
    }

    String imageFilter = image == null || image.isBlank() ? null : image;
    JobStore.Page found = jobStore.list(requestedState, imageFilter, page, size);
    return new JobPageView(
        found.jobs().stream().map(JobView::of).toList(), page, size, found.total());
  }

  @Operation(summary = "Retry a failed or cancelled job")
  @ApiResponse(
      responseCode = "202",
      description = "the job, queued again",
      useReturnTypeSchema = true)
  @ApiResponse(responseCode = "400", description = "the id is not a UUID")
  @ApiResponse(responseCode = "404", description = "no job has this id")
  @ApiResponse(
      responseCode = "409",
      description = "the job is queued, running, succeeded or skipped")
  @PostMapping("/{id}/retry")
  public ResponseEntity<JobView> retry(@PathVariable UUID id) {
    Job before = findOrThrow(id);
    Job retried =
        jobStore
            .retry(id)
            .orElseThrow(
                () ->
                    Problems.conflict(
                        "job " + id + " is " + currentState(id, before)
                            + ": only failed or cancelled jobs can be retried"));

    log.info("job requeued job.id={} source={}", retried.id(), SOURCE);
    return ResponseEntity.accepted().location(location(retried)).body(JobView.of(retried));
  }

  @Operation(summary = "Cancel a queued job")
  @ApiResponse(responseCode = "200", description = "the cancelled job", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "400", description = "the id is not a UUID")
  @ApiResponse(responseCode = "404", description = "no job has this id")
  @ApiResponse(responseCode = "409", description = "the job is running or already finished")
  @DeleteMapping("/{id}")
  public JobView cancel(@PathVariable UUID id) {
    Job before = findOrThrow(id);
    Job cancelled =
        jobStore
            .cancel(id)
            .orElseThrow(
                () ->
                    Problems.conflict(
                        "job " + id + " is " + currentState(id, before)
                            + ": only queued jobs can be cancelled"));

    log.info("job cancelled job.id={}", cancelled.id());
    return JobView.of(cancelled);
  }

  private static Reference parseImage(CreateJobRequest request) {
    if (request == null || request.image() == null || request.image().isBlank()) {
      throw Problems.badRequest(
          "missing \"image\": expected a reference such as registry.example:5000/app:1.0");
    }
    try {
      return Reference.parse(request.image());
    } catch (IllegalArgumentException e) {
      throw Problems.badRequest(e.getMessage());
    }
  }

  private void checkAdmission(ImageTarget target) {
    ImageAdmission.Refusal refusal = admission.check(target, SOURCE).orElse(null);
    if (refusal == null) {
      return;
    }

    log.info(
        "job rejected source={} registry={} repository={} tag={} reason={}",
        SOURCE,
        target.registry(),
        target.repository(),
        target.tag(),
        refusal.reason());
    throw refusal.registryNotAllowed()
        ? Problems.forbidden(refusal.reason())
        : Problems.unprocessable(refusal.reason());
  }

  private static JobState parseState(String state) {
    if (state == null || state.isBlank()) {
      return null;
    }
    try {
      return JobState.fromWireName(state);
    } catch (IllegalArgumentException e) {
      throw Problems.badRequest(e.getMessage());
    }
  }

  private Job findOrThrow(UUID id) {
    return jobStore.find(id).orElseThrow(() -> Problems.notFound("job " + id + " not found"));
  }

  /** Returns the state after a rejected change, which may differ from the state before it. */
  private String currentState(UUID id, Job before) {
    return jobStore.find(id).orElse(before).state().wireName();
  }

  private static URI location(Job job) {
    return URI.create("/api/v1/jobs/" + job.id());
  }
}
