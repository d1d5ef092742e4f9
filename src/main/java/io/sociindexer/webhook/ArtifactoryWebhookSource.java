package io.sociindexer.webhook;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.json.JsonReadErrors;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JFrog Artifactory Docker tag pushes, served at {@code /webhooks/artifactory}.
 *
 * <p>Artifactory's predefined webhooks send {@code {"domain","event_type","data",
 * "subscription_key","jpd_origin","source"}}; older releases documented the {@code data} fields at
 * the top level, and both forms are read. Only domain {@code docker} with event {@code pushed}
 * starts a job. The image is {@code data.image_name} with tag {@code data.tag}, and the digest is
 * {@code sha256:<data.sha256>}, the checksum of the stored manifest file ({@code manifest.json} or
 * {@code list.manifest.json}), which is the manifest digest.
 *
 * <p>The payload names no registry host, so {@link ArtifactorySourceProperties#getRegistries()}
 * maps each {@code repo_key} to one, and events of unmapped repositories are ignored.
 *
 * <p>The sender proves itself in {@code X-JFrog-Event-Auth}: the secret itself, or with "use secret
 * for signing" the lowercase hex HMAC-SHA256 of the raw body keyed with the secret. Both are
 * compared in constant time.
 *
 * <p>Instances are thread-safe.
 */
@Component
public class ArtifactoryWebhookSource implements WebhookSource {

  /** The path segment after {@code /webhooks/}. */
  public static final String NAME = "artifactory";

  static final String AUTH_HEADER = "X-JFrog-Event-Auth";

  private final ArtifactorySourceProperties properties;
  private final JsonMapper jsonMapper;

  public ArtifactoryWebhookSource(ArtifactorySourceProperties properties, JsonMapper jsonMapper) {
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

    String secret = properties.getSecret();
    if (secret == null || secret.isEmpty()) {
      throw new WebhookAuthenticationException(
          "the artifactory source rejects every delivery because"
              + " soci-indexer.webhook.sources.artifactory.secret is not set: set it to the"
              + " secret token of the Artifactory webhook");
    }

    Optional<String> header = request.header(AUTH_HEADER);
    if (header.isEmpty() || header.get().isEmpty()) {
      throw new WebhookAuthenticationException(
          "missing header " + AUTH_HEADER + ": set a secret token on the Artifactory webhook");
    }

    if (properties.isUseSecretForSigning()) {
      String expected = hmacSha256Hex(secret, request.body());
      if (!constantTimeEquals(header.get().toLowerCase(Locale.ROOT), expected)) {
        throw new WebhookAuthenticationException(
            "wrong signature in header "
                + AUTH_HEADER
                + ": the body was changed, the secret differs, or \"use secret for signing\" is"
                + " off in Artifactory");
      }
    } else if (!constantTimeEquals(header.get(), secret)) {
      throw new WebhookAuthenticationException(
          "wrong secret in header "
              + AUTH_HEADER
              + " (if \"use secret for signing\" is on in Artifactory, set"
              + " soci-indexer.webhook.sources.artifactory.use-secret-for-signing=true)");
    }
  }

  @Override
  public SourceMapping map(WebhookRequest request) {
    JsonNode root = parse(request.body());
    if (!root.isObject()) {
      throw invalid("the body is not a JSON object");
    }

    JsonNode data = root.path("data").isObject() ? root.path("data") : root;
    String domain = text(root, "domain");
    String eventType = text(root, "event_type");
    String repoKey = text(data, "repo_key");
    String event = eventId(repoKey, text(data, "path"));

    if (domain != null && !domain.equals("docker")) {
      return ignored(event, "not a Docker event: domain is " + domain);
    }
    if (!"pushed".equals(eventType)) {
      return ignored(event, "not a push: event_type is " + eventType);
    }
    return mapPush(data, repoKey, event);
  }

  private SourceMapping mapPush(JsonNode data, String repoKey, String event) {
    if (isBlank(repoKey)) {
      throw invalid("data.repo_key is missing");
    }
    String imageName = required(data, "image_name");
    String tag = required(data, "tag");
    String sha256 = required(data, "sha256");

    String registry = properties.getRegistries().get(repoKey);
    if (isBlank(registry)) {
      return ignored(
          event,
          "unknown Artifactory repository "
              + repoKey
              + ": map it with soci-indexer.webhook.sources.artifactory.registries."
              + repoKey
              + "=<registry host>");
    }

    try {
      ImageTarget target = toTarget(registry, imageName, tag, sha256);
      return new SourceMapping(List.of(new SourceImage(event, target)), List.of());
    } catch (IllegalArgumentException e) {
      return ignored(event, "invalid event: " + e.getMessage());
    }
  }

  /** Splits a configured {@code host[:port][/prefix]} and builds the validated target. */
  private static ImageTarget toTarget(
      String registry, String imageName, String tag, String sha256) {
    int slash = registry.indexOf('/');
    String host = slash < 0 ? registry : registry.substring(0, slash);
    String prefix = slash < 0 ? "" : registry.substring(slash + 1);
    String repository = prefix.isEmpty() ? imageName : prefix + "/" + imageName;

    Digest digest = new Digest("sha256", sha256.toLowerCase(Locale.ROOT));
    return ImageTarget.of(new Reference(host, repository, tag, digest));
  }

  private static String eventId(String repoKey, String path) {
    if (isBlank(repoKey) || isBlank(path)) {
      return "event";
    }
    return repoKey + "/" + path;
  }

  private JsonNode parse(byte[] body) {
    try {
      return jsonMapper.readTree(body);
    } catch (JacksonException e) {
      throw invalid("malformed JSON: " + JsonReadErrors.describe(e));
    }
  }

  static String hmacSha256Hex(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("the JDK cannot compute HmacSHA256", e);
    }
  }

  private static boolean constantTimeEquals(String actual, String expected) {
    return MessageDigest.isEqual(
        actual.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static SourceMapping ignored(String event, String reason) {
    return new SourceMapping(List.of(), List.of(new IgnoredEvent(event, reason)));
  }

  private static String required(JsonNode data, String field) {
    String value = text(data, field);
    if (isBlank(value)) {
      throw invalid("data." + field + " is missing");
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() ? value.stringValue() : null;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static InvalidNotificationException invalid(String detail) {
    return new InvalidNotificationException("invalid Artifactory notification: " + detail);
  }
}
