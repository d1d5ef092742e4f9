package io.sociindexer.backfill;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.JobEnqueuedEvent;
import io.sociindexer.job.JobStore;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.registry.RegistryException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/backfill}: lists the tags of a repository that match a glob and queues a
 * job for each one not indexed yet (see {@link BackfillPlanner} for what is left out). Unlike the
 * job API, this call contacts the registry, so it first checks the repository with the {@link
 * ImageAdmission} bean, when there is one. A registry outside the allow-list is rejected with
 * 403 before any request. Each tag then passes the admission filters
 * like any other job. Errors are RFC 9457 problem details. Requests need an API token, which
 * {@code ApiAuthenticationFilter} checks before this controller runs.
 */
@RestController
@RequestMapping("/api/v1/backfill")
public class BackfillController {

  /** The {@code source} of the jobs a backfill queues. */
  public static final String SOURCE = "backfill";

  /** Source name passed to {@link ImageAdmission}, whose sources are the webhooks and the API. */
  static final String ADMISSION_SOURCE = "api";

  /**
   * A digest that stands for "any manifest" when the repository is checked before its tags are
   * known, because an {@link ImageTarget} needs a tag or a digest.
   */
  private static final Digest ANY_MANIFEST = Digest.sha256(new byte[0]);

  private static final Logger log = LoggerFactory.getLogger(BackfillController.class);

  private final JobStore jobStore;
  private final ApplicationEventPublisher events;
  private final BackfillPlanner planner;
  private final ObjectProvider<ImageAdmission> admission;

  public BackfillController(
      JobStore jobStore,
      ApplicationEventPublisher events,
      RegistryClient registryClient,
      IndexOptions indexOptions,
      ObjectProvider<ImageAdmission> admission) {
    this.jobStore = jobStore;
    this.events = events;
    this.planner = new BackfillPlanner(registryClient, indexOptions);
    this.admission = admission;
  }

  @Operation(
      summary = "Queue jobs for the tags of a repository",
      description =
          "Lists the tags that match tagGlob and queues a job for each one not indexed yet.")
  @ApiResponse(
      responseCode = "202",
      description = "the number of jobs queued, and the skipped tags with reasons",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "400",
      description =
          "the body is not JSON, or \"repository\" is missing, invalid or has a tag or digest")
  @ApiResponse(
      responseCode = "403",
      description = "the registry is not in soci-indexer.registries.allowed")
  @ApiResponse(responseCode = "404", description = "the repository is not found in the registry")
  @ApiResponse(
      responseCode = "413",
      description = "the body exceeds soci-indexer.api.max-body-size")
  @ApiResponse(responseCode = "415", description = "the Content-Type is not application/json")
  @ApiResponse(
      responseCode = "502",
      description = "the registry failed or could not be reached while listing or checking tags")
  @PostMapping(consumes = "application/json")
  public ResponseEntity<BackfillResponse> backfill(@RequestBody(required = false) BackfillRequest request) {
    Reference repository = parseRepository(request);
    TagGlob glob = parseGlob(request);
    requireRegistryAllowed(repository);

    BackfillPlanner.Plan plan = plan(repository, glob);
    List<BackfillResponse.SkippedTag> skipped = new ArrayList<>();
    for (BackfillPlanner.Skipped tag : plan.skipped()) {
      skipped.add(new BackfillResponse.SkippedTag(tag.tag(), tag.reason()));
    }
    int queued = 0;
    for (String tag : plan.toIndex()) {
      ImageTarget target = new ImageTarget(repository.registry(), repository.repository(), tag, null);
      Optional<ImageAdmission.Refusal> refusal = check(target);
      if (refusal.isPresent()) {
        skipped.add(new BackfillResponse.SkippedTag(tag, refusal.get().reason()));
        continue;
      }
      queued += enqueue(target) ? 1 : 0;
    }

    log.info(
        "backfill queued registry={} repository={} tag.glob={} queued={} skipped={}",
        repository.registry(),
        repository.repository(),
        glob,
        queued,
        skipped.size());
    return ResponseEntity.accepted().body(new BackfillResponse(queued, skipped));
  }

  /**
   * Refuses a registry outside the allow-list before any network call. A filter refusal is not
   * final here, because the filters may concern tags, which are checked one by one later.
   */
  private void requireRegistryAllowed(Reference repository) {
    ImageTarget any =
        new ImageTarget(repository.registry(), repository.repository(), null, ANY_MANIFEST);
    Optional<ImageAdmission.Refusal> refusal = check(any);
    if (refusal.isPresent() && refusal.get().registryNotAllowed()) {
      throw problem(HttpStatus.FORBIDDEN, refusal.get().reason());
    }
  }

  private Optional<ImageAdmission.Refusal> check(ImageTarget target) {
    ImageAdmission bean = admission.getIfAvailable(() -> ImageAdmission.ALL);
    return bean.check(target, ADMISSION_SOURCE);
  }

  private BackfillPlanner.Plan plan(Reference repository, TagGlob glob) {
    try {
      return planner.plan(repository, glob);
    } catch (RegistryException e) {
      // The registry's own message already names the operation and the repository.
      HttpStatus status =
          e.status() == 404 || "NAME_UNKNOWN".equals(e.errorCode())
              ? HttpStatus.NOT_FOUND
              : HttpStatus.BAD_GATEWAY;
      throw problem(status, e.getMessage());
    }
  }

  private boolean enqueue(ImageTarget target) {
    JobStore.Enqueued enqueued = jobStore.enqueue(target, SOURCE);
    if (enqueued.created()) {
      events.publishEvent(new JobEnqueuedEvent(enqueued.job()));
      log.info(
          "job accepted job.id={} source={} registry={} repository={} tag={}",
          enqueued.job().id(),
          SOURCE,
          target.registry(),
          target.repository(),
          target.tag());
    }
    return enqueued.created();
  }

  private static Reference parseRepository(BackfillRequest request) {
    if (request == null || request.repository() == null || request.repository().isBlank()) {
      throw problem(
          HttpStatus.BAD_REQUEST,
          "missing \"repository\": expected a repository such as registry.example:5000/app");
    }
    String text = request.repository().strip();
    String lastSegment = text.substring(text.lastIndexOf('/') + 1);
    if (text.contains("@") || lastSegment.contains(":")) {
      throw problem(
          HttpStatus.BAD_REQUEST,
          "invalid \"repository\" '" + text + "': give it without tag or digest, such as"
              + " registry.example:5000/app, and select tags with \"tagGlob\"");
    }
    try {
      return Reference.parse(text);
    } catch (IllegalArgumentException e) {
      throw problem(HttpStatus.BAD_REQUEST, e.getMessage());
    }
  }

  private static TagGlob parseGlob(BackfillRequest request) {
    return TagGlob.orAll(request.tagGlob());
  }

  private static ErrorResponseException problem(HttpStatus status, String detail) {
    return new ErrorResponseException(
        status, ProblemDetail.forStatusAndDetail(status, detail), null);
  }
}
