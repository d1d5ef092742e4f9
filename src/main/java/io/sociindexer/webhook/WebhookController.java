package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobEnqueuedEvent;
import io.sociindexer.job.JobStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives registry notifications at {@code POST /webhooks/{source}} and stores one job per image
 * they name. Each {@link WebhookSource} bean serves the path segment of its {@link
 * WebhookSource#name()}. The steps, in order: find the source (404 when unknown or disabled), read
 * the body up to {@code soci-indexer.webhook.max-body-size} (413 beyond), check the sender's
 * credentials (401, nothing stored), map the payload (400 when malformed, nothing stored), ask the
 * {@link ImageAdmission} bean about each image (a refused image is listed as ignored with the
 * reason), and store the jobs.
 *
 * <p>The reply is a {@link WebhookSummary}, sent only after every job is stored: 202 when the
 * delivery named at least one admitted image (stored now or already queued), else 200, as for a
 * test delivery or one with only deletes. No registry is contacted while the request runs,
 * because registries give their notification endpoints a few seconds at most.
 *
 * <p>Workers are woken with a {@link JobEnqueuedEvent} published on a thread of this controller,
 * not on the request thread, because a listener may wait for a lock that a worker holds while it
 * claims a job from the database. Wake-ups are coalesced: while one is pending, further jobs add
 * none, so a burst of deliveries wakes the workers once and the event names one of its jobs.
 */
@RestController
public class WebhookController implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

  private final Map<String, WebhookSource> sources;
  private final JobStore jobStore;
  private final ObjectProvider<ImageAdmission> admission;
  private final SociIndexerProperties.Webhook settings;
  private final ApplicationEventPublisher events;
  private final RejectionLog rejections = new RejectionLog();
  private final PushPolicy pushPolicy;
  private final AtomicBoolean wakeUpPending = new AtomicBoolean();
  private final ExecutorService wakeUps =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("soci-webhook-wakeup").daemon(true).factory());

  /**
   * @throws IllegalStateException when two sources share a name
   */
  public WebhookController(
      List<WebhookSource> sources,
      JobStore jobStore,
      ObjectProvider<ImageAdmission> admission,
      SociIndexerProperties properties,
      ApplicationEventPublisher events) {
    this.sources = index(sources);
    this.jobStore = jobStore;
    this.admission = admission;
    this.settings = properties.getWebhook();
    this.events = events;
    this.pushPolicy = PushPolicy.from(properties);
    warnAboutUnknownSettings();
  }

  /** Logs settings under {@code soci-indexer.webhook.sources} that name no source, such as typos. */
  private void warnAboutUnknownSettings() {
    for (String configured : settings.getSources().keySet()) {
      if (!sources.containsKey(configured)) {
        log.warn(
            "settings for an unknown webhook source are unused"
                + " setting=soci-indexer.webhook.sources.{} known.sources={}",
            configured,
            new TreeMap<>(sources).keySet());
      }
    }
  }

  private static Map<String, WebhookSource> index(List<WebhookSource> sources) {
    try {
      return sources.stream()
          .collect(Collectors.toUnmodifiableMap(WebhookSource::name, Function.identity()));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "two webhook sources share one name; each needs its own /webhooks/{name}: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Receives a notification of any source. The reply is described in the class documentation.
   */
  @Operation(
      summary = "Receive a registry notification",
      description =
          "Checks the sender's credentials, stores a job for each pushed image the payload names"
              + " and replies with what was accepted, deduplicated and ignored. The source is one"
              + " of distribution, gitlab, harbor, dockerhub, quay, acr and the other configured"
              + " sources.")
  @ApiResponse(
      responseCode = "200",
      description = "no admitted image, as in a test delivery or one with only deletes",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "202",
      description = "at least one admitted image, its job stored now or already queued",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "400",
      description = "the payload or its Content-Type is invalid for this source")
  @ApiResponse(
      responseCode = "401",
      description = "the sender's credentials are missing or invalid for this source")
  @ApiResponse(responseCode = "404", description = "the source is unknown or disabled")
  @ApiResponse(
      responseCode = "413",
      description = "the body exceeds soci-indexer.webhook.max-body-size")
  @PostMapping("/webhooks/{source}")
  public ResponseEntity<WebhookSummary> receive(
      @PathVariable("source") String sourceName, HttpServletRequest request) throws IOException {
    WebhookSource source = findSource(sourceName);
    byte[] body = readBody(request);
    WebhookRequest delivery = WebhookRequests.of(body, request);

    authenticate(source, delivery, request.getRemoteAddr());
    WebhookSource.SourceMapping mapping = map(source, delivery);
    WebhookSummary summary = store(source.name(), mapping);

    log.debug(
        "notification received source={} images={} accepted={} duplicates={} ignored={}",
        source.name(),
        mapping.images().size(),
        summary.accepted(),
        summary.duplicates(),
        summary.ignored().size());
    HttpStatus status =
        summary.accepted() + summary.duplicates() > 0 ? HttpStatus.ACCEPTED : HttpStatus.OK;
    return ResponseEntity.status(status).body(summary);
  }

  /**
   * Receives a CNCF Distribution notification. It behaves as {@link #receive} with the source
   * {@code distribution}, and exists so that the API description lists the envelope's types.
   */
  @Operation(
      summary = "Receive a CNCF Distribution notification",
      description =
          "Stores a job for each pushed image manifest or index and replies with what was"
              + " accepted, deduplicated and ignored.",
      requestBody =
          @RequestBody(
              content = {
                @Content(
                    mediaType = "application/vnd.docker.distribution.events.v2+json",
                    schema = @Schema(implementation = DistributionEnvelope.class)),
                @Content(
                    mediaType = "application/vnd.docker.distribution.events.v1+json",
                    schema = @Schema(implementation = DistributionEnvelope.class)),
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = DistributionEnvelope.class))
              }))
  @ApiResponse(
      responseCode = "200",
      description = "no admitted image, as in a test delivery or one with only deletes",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "202",
      description = "at least one admitted image, its job stored now or already queued",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "400",
      description = "the payload or its Content-Type is invalid for this source")
  @ApiResponse(
      responseCode = "401",
      description = "the sender's credentials are missing or invalid for this source")
  @ApiResponse(responseCode = "404", description = "the source is disabled")
  @ApiResponse(
      responseCode = "413",
      description = "the body exceeds soci-indexer.webhook.max-body-size")
  @PostMapping("/webhooks/" + DistributionSource.NAME)
  public ResponseEntity<WebhookSummary> receiveDistribution(HttpServletRequest request)
      throws IOException {
    return receive(DistributionSource.NAME, request);
  }

  private WebhookSource findSource(String name) {
    WebhookSource source = sources.get(name);
    if (source == null) {
      throw problem(
          HttpStatus.NOT_FOUND,
          "unknown webhook source '"
              + name
              + "': expected one of "
              + new TreeMap<>(sources).keySet());
    }
    if (!settings.source(name).isEnabled()) {
      throw problem(
          HttpStatus.NOT_FOUND,
          "webhook source '"
              + name
              + "' is disabled: set soci-indexer.webhook.sources."
              + name
              + ".enabled=true to receive its notifications");
    }
    return source;
  }

  /** Reads the body, rejecting it with 413 as soon as it is known to exceed the limit. */
  private byte[] readBody(HttpServletRequest request) throws IOException {
    long maxBodySize = settings.getMaxBodySize().toBytes();
    long declared = request.getContentLengthLong();
    if (declared > maxBodySize) {
      throw tooLarge(declared + " bytes", maxBodySize);
    }

    // With a declared length, readNBytes allocates the body once at its size; without, it reads
    // in chunks up to one byte past the limit.
    int readLimit =
        declared >= 0 ? (int) declared : (int) Math.min(maxBodySize + 1, Integer.MAX_VALUE - 8);
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(readLimit);
    }
    if (body.length > maxBodySize) {
      throw tooLarge("more than " + maxBodySize + " bytes", maxBodySize);
    }
    return body;
  }

  private void authenticate(WebhookSource source, WebhookRequest delivery, String remoteAddress) {
    try {
      source.authenticate(delivery);
    } catch (WebhookAuthenticationException e) {
      rejections.record(source.name(), remoteAddress, e.getMessage());
      throw problem(HttpStatus.UNAUTHORIZED, e.getMessage());
    }
  }

  private static WebhookSource.SourceMapping map(WebhookSource source, WebhookRequest delivery) {
    try {
      return source.map(delivery);
    } catch (InvalidNotificationException e) {
      throw problem(HttpStatus.BAD_REQUEST, e.getMessage());
    }
  }

  /** Admits and stores each image of {@code mapping} and returns the reply. */
  private WebhookSummary store(String sourceName, WebhookSource.SourceMapping mapping) {
    ImageAdmission imageAdmission = admission.getIfAvailable(() -> ImageAdmission.ALL);
    List<IgnoredEvent> ignored = new ArrayList<>(mapping.ignored());
    int accepted = 0;
    int duplicates = 0;

    for (WebhookSource.SourceImage image : mapping.images()) {
      // Every source gets the same tag rules (untagged pushes, our own output, signature tags),
      // whether or not its mapping applied them already.
      String pushIgnored = pushPolicy.ignoreReason(image.target().tag());
      if (pushIgnored != null) {
        ignored.add(new IgnoredEvent(image.event(), pushIgnored));
        continue;
      }
      Optional<ImageAdmission.Refusal> refusal =
          imageAdmission.check(image.target(), sourceName);
      if (refusal.isPresent()) {
        logRefusal(sourceName, image.target(), refusal.get());
        ignored.add(new IgnoredEvent(image.event(), refusal.get().reason()));
      } else if (enqueue(image.target(), sourceName)) {
        accepted++;
      } else {
        duplicates++;
      }
    }
    return new WebhookSummary(accepted, duplicates, ignored);
  }

  private static void logRefusal(
      String sourceName, ImageTarget target, ImageAdmission.Refusal refusal) {
    if (refusal.registryNotAllowed()) {
      log.warn(
          "notification names a registry outside the allow-list source={} registry={}"
              + " repository={} reason={}",
          sourceName,
          target.registry(),
          target.repository(),
          refusal.reason());
    } else {
      log.debug(
          "image left out by a filter source={} image={} reason={}",
          sourceName,
          target,
          refusal.reason());
    }
  }

  /** Stores a job for {@code target} and returns false when an active job already covers it. */
  private boolean enqueue(ImageTarget target, String sourceName) {
    JobStore.Enqueued enqueued = jobStore.enqueue(target, sourceName);
    if (!enqueued.created()) {
      log.debug(
          "job already active job.id={} registry={} repository={} manifest.digest={}",
          enqueued.job().id(),
          target.registry(),
          target.repository(),
          target.digest());
      return false;
    }
    wakeWorkers(enqueued.job());

    log.info(
        "job accepted job.id={} source={} registry={} repository={} tag={} manifest.digest={}",
        enqueued.job().id(),
        sourceName,
        target.registry(),
        target.repository(),
        target.tag(),
        target.digest());
    return true;
  }

  /** Publishes a {@link JobEnqueuedEvent} for {@code job} unless a wake-up is pending already. */
  private void wakeWorkers(Job job) {
    if (!wakeUpPending.compareAndSet(false, true)) {
      return;
    }
    wakeUps.execute(
        () -> {
          // Cleared before publishing, so a job stored while listeners run sends another event.
          wakeUpPending.set(false);
          try {
            events.publishEvent(new JobEnqueuedEvent(job));
          } catch (RuntimeException e) {
            log.warn(
                "failed to wake the workers for job.id={}, so they find the job at their next poll",
                job.id(),
                e);
          }
        });
  }

  /** Stops the wake-up thread; workers still find stored jobs when they poll. */
  @Override
  public void destroy() {
    wakeUps.shutdownNow();
  }

  private static ErrorResponseException tooLarge(String size, long maxBodySize) {
    return problem(
        HttpStatus.CONTENT_TOO_LARGE,
        "notification body of "
            + size
            + " exceeds soci-indexer.webhook.max-body-size ("
            + maxBodySize
            + " bytes); raise the limit if such notifications are expected");
  }

  private static ErrorResponseException problem(HttpStatus status, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    return new ErrorResponseException(status, problem, null);
  }
}
