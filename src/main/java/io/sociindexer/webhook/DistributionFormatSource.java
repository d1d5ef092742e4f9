package io.sociindexer.webhook;

import io.sociindexer.json.JsonReadErrors;
import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A source that receives CNCF Distribution notifications: the registry itself and products built
 * on it that send the same envelope, such as GitLab's container registry. Senders authenticate
 * with a static header that the registry's {@code notifications.endpoints[].headers} setting adds
 * to every delivery.
 *
 * <p>Instances are immutable and thread-safe.
 */
public abstract class DistributionFormatSource implements WebhookSource {

  /**
   * Content types of a notification. Distribution 3.0 and later send the v2 envelope type, 2.x
   * releases the v1 type ({@code EventsMediaType} in {@code notifications/event.go}), and other
   * senders of the same format send plain JSON.
   */
  static final List<MediaType> CONTENT_TYPES =
      List.of(
          MediaType.parseMediaType("application/vnd.docker.distribution.events.v2+json"),
          MediaType.parseMediaType("application/vnd.docker.distribution.events.v1+json"),
          MediaType.APPLICATION_JSON);

  /** The accepted types for messages, so that every Content-Type error names all of them. */
  private static final String EXPECTED_CONTENT_TYPES = expectedContentTypes();

  private final String name;
  private final SenderCredentials credentials;
  /** Reads envelopes without looking up their deserializer for each notification. */
  private final ObjectReader envelopeReader;
  private final DistributionEventMapper eventMapper;

  protected DistributionFormatSource(
      String name, SenderCredentials credentials, JsonMapper jsonMapper, PushPolicy pushPolicy) {
    this.name = name;
    this.credentials = credentials;
    this.envelopeReader = jsonMapper.readerFor(DistributionEnvelope.class);
    this.eventMapper = new DistributionEventMapper(pushPolicy);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void authenticate(WebhookRequest request) throws WebhookAuthenticationException {
    credentials.check(request);
  }

  /**
   * Maps every manifest push of the envelope; see {@link DistributionEventMapper} for the rules.
   *
   * @throws InvalidNotificationException for a wrong content type, malformed JSON or a missing
   *     field
   */
  @Override
  public SourceMapping map(WebhookRequest request) {
    checkContentType(request.contentType());
    DistributionEnvelope envelope = parse(request.body());
    DistributionEventMapper.Mapping mapping = eventMapper.map(envelope);

    List<SourceImage> images =
        mapping.accepted().stream()
            .map(accepted -> new SourceImage(accepted.event(), accepted.target()))
            .toList();
    return new SourceMapping(images, mapping.ignored());
  }

  private static void checkContentType(String header) {
    if (header == null || header.isBlank()) {
      throw new InvalidNotificationException("missing Content-Type: " + EXPECTED_CONTENT_TYPES);
    }

    MediaType type;
    try {
      type = MediaType.parseMediaType(header);
    } catch (InvalidMediaTypeException e) {
      throw new InvalidNotificationException(
          "invalid Content-Type '" + header + "': " + EXPECTED_CONTENT_TYPES, e);
    }
    boolean supported = CONTENT_TYPES.stream().anyMatch(t -> t.equalsTypeAndSubtype(type));
    if (!supported) {
      throw new InvalidNotificationException(
          "unsupported Content-Type '" + header + "': " + EXPECTED_CONTENT_TYPES);
    }
  }

  private static String expectedContentTypes() {
    List<String> names = CONTENT_TYPES.stream().map(MediaType::toString).toList();
    String allButLast = String.join(", ", names.subList(0, names.size() - 1));
    return "expected " + allButLast + " or " + names.getLast();
  }

  private DistributionEnvelope parse(byte[] body) {
    try {
      return envelopeReader.readValue(body);
    } catch (MismatchedInputException e) {
      // Jackson's message names the Java target type, which means nothing to a sender.
      throw new InvalidNotificationException(
          "malformed notification JSON: expected an object with an \"events\" array", e);
    } catch (JacksonException e) {
      throw new InvalidNotificationException(
          "malformed notification JSON: " + JsonReadErrors.describe(e), e);
    }
  }
}
