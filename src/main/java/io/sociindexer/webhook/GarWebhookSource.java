package io.sociindexer.webhook;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.json.JsonReadErrors;
import io.sociindexer.oci.Reference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Google Artifact Registry pushes, served at {@code /webhooks/gar}, as a Pub/Sub push subscription
 * to the {@code gcr} topic delivers them.
 *
 * <p>The body is the push envelope {@code {"message":{"data":<base64>,"messageId",...},
 * "subscription"}}, or with payload unwrapping the message data itself. The data is {@code
 * {"action":"INSERT","digest":"<host>/<project>/<repository>/<image>@sha256:...",
 * "tag":"<host>/...:<tag>"}}; {@code tag} is present only for tagged pushes. The registry is the
 * first path segment of those names, such as {@code us-docker.pkg.dev}. {@code DELETE} messages are
 * ignored. A message with a tag and no digest yields a target without a digest, which the worker
 * resolves.
 *
 * <p>The sender proves itself with the OIDC token of an authenticated push subscription in {@code
 * Authorization: Bearer}, checked by {@link GarTokenVerifier}, or, for subscriptions that cannot
 * send one, with the shared {@code token} query parameter.
 *
 * <p>Instances are thread-safe.
 */
@Component
public class GarWebhookSource implements WebhookSource {

  /** The path segment after {@code /webhooks/}. */
  public static final String NAME = "gar";

  /** Header with the message id when payload unwrapping writes metadata to headers. */
  static final String MESSAGE_ID_HEADER = "x-goog-pubsub-message-id";

  private static final String BEARER = "Bearer ";

  private final GarSourceProperties properties;
  private final JsonMapper jsonMapper;
  private final GarTokenVerifier verifier;

  @Autowired
  public GarWebhookSource(GarSourceProperties properties, JsonMapper jsonMapper) {
    this(properties, jsonMapper, Clock.systemUTC());
  }

  GarWebhookSource(GarSourceProperties properties, JsonMapper jsonMapper, Clock clock) {
    this.properties = properties;
    this.jsonMapper = jsonMapper;
    this.verifier = new GarTokenVerifier(properties, jsonMapper, clock);
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

    Optional<String> authorization = request.header("Authorization");
    if (authorization.isPresent()) {
      authenticateBearer(authorization.get());
      return;
    }

    String expectedToken = properties.getToken();
    Optional<String> token = request.queryParameter("token");
    if (!expectedToken.isEmpty() && token.isPresent()) {
      if (!constantTimeEquals(token.get(), expectedToken)) {
        throw new WebhookAuthenticationException("wrong value in query parameter token");
      }
      return;
    }

    if (!verifier.isConfigured() && expectedToken.isEmpty()) {
      throw new WebhookAuthenticationException(
          "the gar source rejects every delivery because neither OIDC verification"
              + " (soci-indexer.webhook.sources.gar.audience, service-account-email and jwks-path"
              + " or public-keys) nor soci-indexer.webhook.sources.gar.token is set");
    }
    throw new WebhookAuthenticationException(
        "missing credentials: enable authentication on the Pub/Sub push subscription, or add"
            + " ?token= to its endpoint URL");
  }

  private void authenticateBearer(String authorization) throws WebhookAuthenticationException {
    if (!authorization.startsWith(BEARER)) {
      throw new WebhookAuthenticationException(
          "invalid Authorization header: expected Bearer <OIDC token>");
    }
    if (!verifier.isConfigured()) {
      throw new WebhookAuthenticationException(
          "cannot check the bearer token: set soci-indexer.webhook.sources.gar.audience,"
              + " service-account-email and jwks-path or public-keys");
    }
    verifier.verify(authorization.substring(BEARER.length()).trim());
  }

  @Override
  public SourceMapping map(WebhookRequest request) {
    JsonNode root = parse(request.body(), "body");
    if (!root.isObject()) {
      throw invalid("the body is not a JSON object");
    }

    JsonNode message = root.path("message");
    if (message.isObject()) {
      String id = orDefault(text(message, "messageId"), text(message, "message_id"));
      return mapData(decodeData(message), orDefault(id, "message"));
    }
    String id = request.header(MESSAGE_ID_HEADER).orElse("message");
    return mapData(root, id);
  }

  private JsonNode decodeData(JsonNode message) {
    String data = text(message, "data");
    if (data == null || data.isEmpty()) {
      throw invalid("message.data is missing");
    }

    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw invalid("message.data is not base64: " + e.getMessage());
    }
    JsonNode payload = parse(decoded, "message.data");
    if (!payload.isObject()) {
      throw invalid("message.data is not a JSON object");
    }
    return payload;
  }

  private SourceMapping mapData(JsonNode data, String id) {
    String action = text(data, "action");
    if (action == null) {
      throw invalid("action is missing");
    }
    if (!action.equals("INSERT")) {
      return ignored(id, "not an upload: action is " + action);
    }

    String digestName = text(data, "digest");
    String tagName = text(data, "tag");
    if (isBlank(digestName) && isBlank(tagName)) {
      throw invalid("both digest and tag are missing");
    }

    try {
      ImageTarget target = toTarget(digestName, tagName);
      return new SourceMapping(List.of(new SourceImage(id, target)), List.of());
    } catch (IllegalArgumentException e) {
      return ignored(id, "invalid event: " + e.getMessage());
    }
  }

  /** Combines {@code host/path@digest} and {@code host/path:tag}, which must name one image. */
  private static ImageTarget toTarget(String digestName, String tagName) {
    Reference byDigest = isBlank(digestName) ? null : Reference.parse(digestName);
    Reference byTag = isBlank(tagName) ? null : Reference.parse(tagName);
    if (byDigest != null && byDigest.digest() == null) {
      throw new IllegalArgumentException("digest '" + digestName + "' has no @sha256: part");
    }
    if (byTag != null && byTag.tag() == null) {
      throw new IllegalArgumentException("tag '" + tagName + "' has no :tag part");
    }
    if (byDigest != null
        && byTag != null
        && !byDigest.repositoryName().equals(byTag.repositoryName())) {
      throw new IllegalArgumentException(
          "digest '" + digestName + "' and tag '" + tagName + "' name different images");
    }

    Reference base = byDigest != null ? byDigest : byTag;
    return new ImageTarget(
        base.registry(),
        base.repository(),
        byTag == null ? null : byTag.tag(),
        byDigest == null ? null : byDigest.digest());
  }

  private JsonNode parse(byte[] json, String position) {
    try {
      return jsonMapper.readTree(json);
    } catch (JacksonException e) {
      throw invalid("malformed JSON in " + position + ": " + JsonReadErrors.describe(e));
    }
  }

  private static SourceMapping ignored(String id, String reason) {
    return new SourceMapping(List.of(), List.of(new IgnoredEvent(id, reason)));
  }

  private static boolean constantTimeEquals(String actual, String expected) {
    return MessageDigest.isEqual(
        actual.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

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

  private static InvalidNotificationException invalid(String detail) {
    return new InvalidNotificationException("invalid Artifact Registry notification: " + detail);
  }
}
