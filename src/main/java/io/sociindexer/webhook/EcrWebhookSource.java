package io.sociindexer.webhook;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.json.JsonReadErrors;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Amazon ECR image pushes, served at {@code /webhooks/ecr}, as EventBridge delivers them.
 *
 * <p>The body is one of these forms:
 *
 * <ul>
 *   <li>the EventBridge event itself, as an API destination sends it;
 *   <li>an SNS notification whose {@code Message} is the event, as an SNS HTTPS subscription sends
 *       it, or as a forwarder relays the body of an SQS message fed by that topic;
 *   <li>a JSON array of either form, as a batching forwarder such as EventBridge Pipes sends it.
 * </ul>
 *
 * <p>Only {@code ECR Image Action} events with {@code action-type=PUSH} and {@code result=SUCCESS}
 * start jobs. Deletes, failed pushes and the other ECR detail types (referrer, replication, scan,
 * pull through cache) are ignored with a reason. A push by digest has no {@code image-tag}; its
 * target then carries only the digest, and the intake decides by the untagged-push setting whether
 * it becomes a job. The registry is {@code <account>.dkr.ecr.<region>.amazonaws.com}, with {@code
 * .cn} added for the {@code cn-} regions.
 *
 * <p>The source never fetches a URL: SNS signatures are not checked because that needs the signing
 * certificate from AWS, so the shared header of {@link EcrSourceProperties} is required for every
 * form, and an SNS subscription confirmation is logged for the operator to confirm.
 *
 * <p>Instances are thread-safe.
 */
@Component
public class EcrWebhookSource implements WebhookSource {

  /** The path segment after {@code /webhooks/}. */
  public static final String NAME = "ecr";

  static final String IMAGE_ACTION = "ECR Image Action";

  private static final Logger log = LoggerFactory.getLogger(EcrWebhookSource.class);

  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}");
  private static final Pattern CONTROL_CHARACTERS = Pattern.compile("\\p{Cntrl}");

  private final EcrSourceProperties properties;
  private final JsonMapper jsonMapper;

  public EcrWebhookSource(EcrSourceProperties properties, JsonMapper jsonMapper) {
    this.properties = properties;
    this.jsonMapper = jsonMapper;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void authenticate(WebhookRequest request) throws WebhookAuthenticationException {
    if (properties.isAllowUnauthenticated()) {
      return;
    }

    String headerName = properties.getHeaderName();
    String expected = properties.getHeaderValue();
    if (expected == null || expected.isEmpty() || headerName == null || headerName.isBlank()) {
      throw new WebhookAuthenticationException(
          "the ecr source rejects every delivery because"
              + " soci-indexer.webhook.sources.ecr.header-value is not set: set it to the header"
              + " value the EventBridge Connection or SNS subscription sends");
    }

    Optional<String> actual = request.header(headerName);
    if (actual.isEmpty()) {
      throw new WebhookAuthenticationException(
          "missing header " + headerName + ": add it in the EventBridge Connection");
    }
    if (!constantTimeEquals(actual.get(), expected)) {
      throw new WebhookAuthenticationException("wrong value in header " + headerName);
    }
  }

  @Override
  public SourceMapping map(WebhookRequest request) {
    JsonNode root = parse(request.bodyText(), "body");

    List<SourceImage> images = new ArrayList<>();
    List<IgnoredEvent> ignored = new ArrayList<>();
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        mapEnvelope(root.get(i), "[" + i + "]", images, ignored);
      }
    } else {
      mapEnvelope(root, "body", images, ignored);
    }
    return new SourceMapping(images, ignored);
  }

  private void mapEnvelope(
      JsonNode node, String position, List<SourceImage> images, List<IgnoredEvent> ignored) {
    if (node == null || !node.isObject()) {
      throw invalid(position + " is not a JSON object");
    }

    if (node.has("detail-type")) {
      mapEvent(node, position, images, ignored);
    } else if (node.has("Type")) {
      mapSnsMessage(node, position, images, ignored);
    } else {
      throw invalid(
          position
              + " is neither an EventBridge event (no \"detail-type\") nor an SNS message (no"
              + " \"Type\")");
    }
  }

  private void mapSnsMessage(
      JsonNode message, String position, List<SourceImage> images, List<IgnoredEvent> ignored) {
    String type = text(message, "Type");
    String id = orDefault(text(message, "MessageId"), position);

    switch (type == null ? "" : type) {
      case "Notification" -> {
        String body = text(message, "Message");
        if (body == null) {
          throw invalid(position + ".Message is missing");
        }
        JsonNode event = parse(body, position + ".Message");
        if (!event.isObject() || !event.has("detail-type")) {
          ignored.add(new IgnoredEvent(id, "SNS message is not an EventBridge event"));
          return;
        }
        mapEvent(event, position + ".Message", images, ignored);
      }
      case "SubscriptionConfirmation" -> {
        logSubscriptionConfirmation(message);
        ignored.add(
            new IgnoredEvent(
                id,
                "SNS subscription confirmation: soci-indexer fetches no URLs, so confirm the"
                    + " subscription with the SubscribeURL in the service log"));
      }
      case "UnsubscribeConfirmation" ->
          ignored.add(new IgnoredEvent(id, "SNS unsubscribe confirmation"));
      default -> ignored.add(new IgnoredEvent(id, "unknown SNS message type " + type));
    }
  }

  private void mapEvent(
      JsonNode event, String position, List<SourceImage> images, List<IgnoredEvent> ignored) {
    String id = orDefault(text(event, "id"), position);
    String reason = ignoreReason(event, position);
    if (reason != null) {
      ignored.add(new IgnoredEvent(id, reason));
      return;
    }

    JsonNode detail = event.path("detail");
    String repository = required(detail, "repository-name", position + ".detail");
    String digest = required(detail, "image-digest", position + ".detail");
    String tag = text(detail, "image-tag");
    try {
      String registry = registryHost(event, position);
      Reference validated =
          new Reference(registry, repository, isBlank(tag) ? null : tag, Digest.parse(digest));
      images.add(new SourceImage(id, ImageTarget.of(validated)));
    } catch (IllegalArgumentException e) {
      ignored.add(new IgnoredEvent(id, "invalid event: " + e.getMessage()));
    }
  }

  /** Returns why {@code event} starts no job, or null when it is a successful image push. */
  private static String ignoreReason(JsonNode event, String position) {
    String source = text(event, "source");
    if (!"aws.ecr".equals(source)) {
      return "not an Amazon ECR event: source is " + source;
    }
    String detailType = text(event, "detail-type");
    if (!IMAGE_ACTION.equals(detailType)) {
      return "not an image action: detail-type is " + detailType;
    }

    JsonNode detail = event.path("detail");
    if (!detail.isObject()) {
      throw invalid(position + ".detail is missing");
    }
    String action = text(detail, "action-type");
    if (!"PUSH".equals(action)) {
      return "not a push: action-type is " + action;
    }
    String result = text(detail, "result");
    if (!"SUCCESS".equals(result)) {
      return "push did not succeed: result is " + result;
    }
    return notImageReason(detail);
  }

  /**
   * Returns why the pushed manifest is not a container image, or null when it is one or the event
   * does not tell. Signatures, SBOMs, Helm charts and SOCI indexes carry their own config media
   * types in {@code artifact-media-type}.
   *
   * <p>NOTE: reading {@code artifact-media-type} as the config media type of a manifest follows the
   * field name in the EventBridge schema and is not checked against a live ECR event. An index is
   * accepted whatever the field contains.
   */
  private static String notImageReason(JsonNode detail) {
    String manifestType = text(detail, "manifest-media-type");
    if (!isBlank(manifestType) && !MediaType.of(manifestType).isManifestOrIndex()) {
      return "not an image manifest or index: manifest-media-type is " + manifestType;
    }
    if (!isBlank(manifestType) && MediaType.of(manifestType).isIndex()) {
      return null;
    }

    String artifactType = text(detail, "artifact-media-type");
    if (isBlank(artifactType)) {
      return null;
    }
    MediaType artifact = MediaType.of(artifactType);
    if (artifact.equals(MediaType.OCI_CONFIG) || artifact.equals(MediaType.DOCKER_CONFIG)) {
      return null;
    }
    return "not a container image: artifact-media-type is " + artifactType;
  }

  /** Builds {@code <account>.dkr.ecr.<region>.amazonaws.com[.cn]} from the event envelope. */
  static String registryHost(JsonNode event, String position) {
    String account = required(event, "account", position);
    String region = required(event, "region", position);
    if (!ACCOUNT.matcher(account).matches()) {
      throw new IllegalArgumentException(
          "invalid AWS account '" + account + "': expected 12 digits");
    }
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException(
          "invalid AWS region '" + region + "': expected a name such as us-west-2");
    }

    String host = account + ".dkr.ecr." + region + ".amazonaws.com";
    return region.startsWith("cn-") ? host + ".cn" : host;
  }

  private static void logSubscriptionConfirmation(JsonNode message) {
    log.warn(
        "SNS subscription confirmation received for the ecr webhook source topic={}"
            + " subscribeUrl={}: open the URL or run aws sns confirm-subscription to confirm it",
        printable(text(message, "TopicArn")),
        printable(text(message, "SubscribeURL")));
  }

  private JsonNode parse(String json, String position) {
    try {
      return jsonMapper.readTree(json);
    } catch (JacksonException e) {
      throw invalid("malformed JSON in " + position + ": " + JsonReadErrors.describe(e));
    }
  }

  private static String required(JsonNode node, String field, String position) {
    String value = text(node, field);
    if (isBlank(value)) {
      throw invalid(position + "." + field + " is missing");
    }
    return value;
  }

  /** Returns the string value of {@code field}, or null when it is absent or not a string. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() ? value.stringValue() : null;
  }

  private static String orDefault(String value, String fallback) {
    return isBlank(value) ? fallback : value;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /** Removes control characters so that a value from the body cannot forge log lines. */
  private static String printable(String value) {
    return value == null ? null : CONTROL_CHARACTERS.matcher(value).replaceAll("?");
  }

  private static boolean constantTimeEquals(String actual, String expected) {
    return MessageDigest.isEqual(
        actual.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static InvalidNotificationException invalid(String detail) {
    return new InvalidNotificationException("invalid Amazon ECR notification: " + detail);
  }
}
