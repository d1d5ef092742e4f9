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
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitHub Packages container pushes to {@code ghcr.io}, served at {@code /webhooks/github}.
 *
 * <p>GitHub sends the {@code package} event ({@code registry_package} for webhooks installed
 * through a GitHub App, with the package under {@code registry_package}). Actions {@code published}
 * and {@code updated} of packages whose {@code package_type} is {@code container} start jobs; other
 * actions, other package types, {@code ping} and other events are ignored.
 *
 * <p>The repository is {@code package.owner.login/package.name} in lowercase, because GHCR image
 * names are lowercase and {@code package.namespace} does not reliably name the owner in GitHub's
 * own payload examples. When either is missing, the path of {@code package_version.package_url} is
 * used. The tag is {@code container_metadata.tag.name} (absent for pushes by digest), and the
 * digest is {@code container_metadata.tag.digest}, or {@code package_version.name} when that field
 * is not a valid digest. The event id is the {@code X-GitHub-Delivery} GUID.
 *
 * <p>The sender proves itself with {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
 * body>}, keyed with the webhook secret and compared in constant time.
 *
 * <p>Instances are thread-safe.
 */
@Component
public class GithubWebhookSource implements WebhookSource {

  /** The path segment after {@code /webhooks/}. */
  public static final String NAME = "github";

  /** The host of the GitHub Container registry, the only registry GitHub packages name here. */
  static final String REGISTRY = "ghcr.io";

  static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
  static final String EVENT_HEADER = "X-GitHub-Event";
  static final String DELIVERY_HEADER = "X-GitHub-Delivery";

  private static final String SIGNATURE_PREFIX = "sha256=";
  private static final Set<String> PUSH_ACTIONS = Set.of("published", "updated");

  private final GithubSourceProperties properties;
  private final JsonMapper jsonMapper;

  public GithubWebhookSource(GithubSourceProperties properties, JsonMapper jsonMapper) {
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
          "the github source rejects every delivery because"
              + " soci-indexer.webhook.sources.github.secret is not set: set it to the webhook"
              + " secret entered in GitHub");
    }

    Optional<String> signature = request.header(SIGNATURE_HEADER);
    if (signature.isEmpty()) {
      throw new WebhookAuthenticationException(
          "missing header " + SIGNATURE_HEADER + ": set a secret on the GitHub webhook");
    }
    if (!signature.get().startsWith(SIGNATURE_PREFIX)) {
      throw new WebhookAuthenticationException(
          "invalid header " + SIGNATURE_HEADER + ": expected sha256=<hex HMAC-SHA256>");
    }

    String expected = SIGNATURE_PREFIX + hmacSha256Hex(secret, request.body());
    byte[] actualBytes = signature.get().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(actualBytes, expected.getBytes(StandardCharsets.UTF_8))) {
      throw new WebhookAuthenticationException(
          "wrong signature in header "
              + SIGNATURE_HEADER
              + ": the body was changed or the secret differs from the one in GitHub");
    }
  }

  @Override
  public SourceMapping map(WebhookRequest request) {
    String event =
        request
            .header(EVENT_HEADER)
            .orElseThrow(() -> invalid("the " + EVENT_HEADER + " header is missing"));
    String delivery = request.header(DELIVERY_HEADER).filter(d -> !d.isBlank()).orElse("delivery");
    checkContentType(request.contentType());

    if (!event.equals("package") && !event.equals("registry_package")) {
      String reason =
          event.equals("ping")
              ? "ping: GitHub confirms that the webhook reaches soci-indexer"
              : "not a package event: " + EVENT_HEADER + " is " + event;
      return ignored(delivery, reason);
    }

    // The payload contains the package under a field named like the event.
    JsonNode root = parse(request.body());
    return mapPackageEvent(root, event, delivery);
  }

  private SourceMapping mapPackageEvent(JsonNode root, String packageField, String delivery) {
    String action = text(root, "action");
    if (!PUSH_ACTIONS.contains(action == null ? "" : action)) {
      return ignored(delivery, "not a publish: action is " + action);
    }

    JsonNode pkg = root.path(packageField);
    if (!pkg.isObject()) {
      throw invalid("\"" + packageField + "\" is missing");
    }
    String packageType = text(pkg, "package_type");
    if (packageType == null || !packageType.equalsIgnoreCase("container")) {
      return ignored(delivery, "not a container package: package_type is " + packageType);
    }

    JsonNode version = pkg.path("package_version");
    if (!version.isObject()) {
      throw invalid(packageField + ".package_version is missing");
    }

    try {
      ImageTarget target = toTarget(pkg, version, packageField);
      return new SourceMapping(List.of(new SourceImage(delivery, target)), List.of());
    } catch (IllegalArgumentException e) {
      return ignored(delivery, "invalid event: " + e.getMessage());
    }
  }

  private static ImageTarget toTarget(JsonNode pkg, JsonNode version, String packageField) {
    String repository = repository(pkg, version, packageField);
    JsonNode tagNode = version.path("container_metadata").path("tag");
    String tag = text(tagNode, "name");
    Digest digest = digest(text(tagNode, "digest"), text(version, "name"));

    Reference validated =
        new Reference(REGISTRY, repository, tag == null || tag.isBlank() ? null : tag, digest);
    return ImageTarget.of(validated);
  }

  private static String repository(JsonNode pkg, JsonNode version, String packageField) {
    String owner = text(pkg.path("owner"), "login");
    String name = text(pkg, "name");
    if (!isBlank(owner) && !isBlank(name)) {
      return (owner + "/" + name).toLowerCase(Locale.ROOT);
    }

    String packageUrl = text(version, "package_url");
    if (!isBlank(packageUrl) && packageUrl.startsWith(REGISTRY + "/")) {
      String path = packageUrl.substring(REGISTRY.length() + 1);
      int colon = path.indexOf(':');
      return (colon < 0 ? path : path.substring(0, colon)).toLowerCase(Locale.ROOT);
    }
    throw invalid(
        packageField
            + ".owner.login or "
            + packageField
            + ".name is missing, and"
            + " package_version.package_url names no ghcr.io image");
  }

  /** Returns the first of the candidates that parses as a digest. */
  private static Digest digest(String tagDigest, String versionName) {
    for (String candidate : new String[] {tagDigest, versionName}) {
      if (isBlank(candidate)) {
        continue;
      }
      try {
        return Digest.parse(candidate);
      } catch (IllegalArgumentException e) {
        // NOTE: GitHub's own payload examples carry a truncated tag.digest, so the version name is
        // tried next; the loop ends in an error naming both values.
      }
    }
    throw new IllegalArgumentException(
        "no valid digest in container_metadata.tag.digest ('"
            + tagDigest
            + "') or package_version.name ('"
            + versionName
            + "')");
  }

  private static void checkContentType(String contentType) {
    if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
      throw invalid(
          "the body is form-encoded: set the content type of the GitHub webhook to"
              + " application/json");
    }
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

  private static SourceMapping ignored(String delivery, String reason) {
    return new SourceMapping(List.of(), List.of(new IgnoredEvent(delivery, reason)));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() ? value.stringValue() : null;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static InvalidNotificationException invalid(String detail) {
    return new InvalidNotificationException("invalid GitHub package notification: " + detail);
  }
}
