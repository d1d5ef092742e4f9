package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.JobEnqueuedEvent;
import io.sociindexer.job.JobStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives CNCF Distribution notifications at {@code POST /webhooks/distribution} and stores one
 * job per pushed image manifest or index. The reply (202 with a {@link WebhookSummary}) is sent
 * only after every job is stored, and no registry is contacted while the request runs, because a
 * registry gives its notification endpoints a few seconds at most.
 *
 * <p>Errors are problem details: 400 for malformed JSON, a wrong content type or a missing field,
 * with nothing stored; 413 for a body over {@code soci-indexer.webhook.max-body-size}.
 */
@RestController
public class DistributionWebhookController {

  /** The {@code source} of the jobs this endpoint stores. */
  public static final String SOURCE = "distribution";

  /**
   * Content types of a notification. Distribution 3.0 and later send the v2 envelope type, 2.x
   * releases the v1 type ({@code EventsMediaType} in {@code notifications/event.go}), and other
   * senders of the same format send plain JSON.
   */
  static final Set<MediaType> CONTENT_TYPES =
      Set.of(
          MediaType.parseMediaType("application/vnd.docker.distribution.events.v1+json"),
          MediaType.parseMediaType("application/vnd.docker.distribution.events.v2+json"),
          MediaType.APPLICATION_JSON);

  private static final Logger log = LoggerFactory.getLogger(DistributionWebhookController.class);

  private final JobStore jobStore;
  private final ApplicationEventPublisher events;
  private final JsonMapper jsonMapper;
  private final DistributionEventMapper eventMapper;
  private final long maxBodySize;

  public DistributionWebhookController(
      JobStore jobStore,
      JsonMapper jsonMapper,
      SociIndexerProperties properties,
      ApplicationEventPublisher events) {
    this.jobStore = jobStore;
    this.events = events;
    this.jsonMapper = jsonMapper;
    this.eventMapper =
        new DistributionEventMapper(
            properties.getTagSuffix(), properties.isInPlace(), properties.isIndexUntaggedPushes());
    this.maxBodySize = properties.getWebhook().getMaxBodySize().toBytes();
  }

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
  @PostMapping("/webhooks/distribution")
  public ResponseEntity<WebhookSummary> receive(HttpServletRequest request) throws IOException {
    checkContentType(request.getContentType());
    byte[] body = readBody(request);
    DistributionEnvelope envelope = parse(body);
    DistributionEventMapper.Mapping mapping = map(envelope);

    int accepted = 0;
    int duplicates = 0;
    for (DistributionEventMapper.Accepted event : mapping.accepted()) {
      if (enqueue(event.target())) {
        accepted++;
      } else {
        duplicates++;
      }
    }

    log.debug(
        "notification received events={} accepted={} duplicates={} ignored={}",
        envelope.events().size(),
        accepted,
        duplicates,
        mapping.ignored().size());
    return ResponseEntity.accepted().body(new WebhookSummary(accepted, duplicates, mapping.ignored()));
  }

  /** Stores a job for {@code target} and returns false when an active job already covers it. */
  private boolean enqueue(ImageTarget target) {
    JobStore.Enqueued enqueued = jobStore.enqueue(target, SOURCE);
    if (!enqueued.created()) {
      log.debug(
          "job already active job.id={} registry={} repository={} manifest.digest={}",
          enqueued.job().id(),
          target.registry(),
          target.repository(),
          target.digest());
      return false;
    }
    events.publishEvent(new JobEnqueuedEvent(enqueued.job()));

    log.info(
        "job accepted job.id={} source={} registry={} repository={} tag={} manifest.digest={}",
        enqueued.job().id(),
        SOURCE,
        target.registry(),
        target.repository(),
        target.tag(),
        target.digest());
    return true;
  }

  private static void checkContentType(String header) {
    if (header == null || header.isBlank()) {
      throw badRequest(
          "missing Content-Type: expected application/vnd.docker.distribution.events.v2+json");
    }

    MediaType type;
    try {
      type = MediaType.parseMediaType(header);
    } catch (InvalidMediaTypeException e) {
      throw badRequest("invalid Content-Type '" + header + "': " + e.getMessage());
    }
    boolean supported = CONTENT_TYPES.stream().anyMatch(t -> t.equalsTypeAndSubtype(type));
    if (!supported) {
      throw badRequest(
          "unsupported Content-Type '"
              + header
              + "': expected application/vnd.docker.distribution.events.v2+json, the v1 type or"
              + " application/json");
    }
  }

  /** Reads the body, rejecting it with 413 as soon as it is known to exceed the limit. */
  private byte[] readBody(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBodySize) {
      throw tooLarge(declared + " bytes");
    }

    int readLimit = (int) Math.min(maxBodySize + 1, Integer.MAX_VALUE - 8);
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(readLimit);
    }
    if (body.length > maxBodySize) {
      throw tooLarge("more than " + maxBodySize + " bytes");
    }
    return body;
  }

  private DistributionEnvelope parse(byte[] body) {
    try {
      return jsonMapper.readValue(body, DistributionEnvelope.class);
    } catch (JacksonException e) {
      throw badRequest("malformed notification JSON: " + e.getOriginalMessage());
    }
  }

  private DistributionEventMapper.Mapping map(DistributionEnvelope envelope) {
    try {
      return eventMapper.map(envelope);
    } catch (InvalidNotificationException e) {
      throw badRequest(e.getMessage());
    }
  }

  private static ErrorResponseException badRequest(String detail) {
    return problem(HttpStatus.BAD_REQUEST, detail);
  }

  private ErrorResponseException tooLarge(String size) {
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
