package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fixtures: {@code github-package-published.json} follows {@code
 * payload-examples/api.github.com/package/published.docker.payload.json} of octokit/webhooks (the
 * payload GitHub documents for the {@code package} event), trimmed, with {@code package_type}
 * {@code CONTAINER} as GHCR sends it and a tag and full digests filled in. The {@code
 * registry_package} file contains the same package under the legacy field name, as in the octokit
 * example of that event.
 */
class GithubWebhookSourceTest {

  static final String SECRET = "It's a Secret to Everybody";
  static final String DIGEST =
      "sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498";
  static final String DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

  GithubSourceProperties properties = new GithubSourceProperties();
  GithubWebhookSource source = new GithubWebhookSource(properties, JsonMapper.builder().build());

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = GithubWebhookSourceTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  static WebhookRequest request(String event, byte[] body, String signature) {
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("x-github-event", List.of(event));
    headers.put("x-github-delivery", List.of(DELIVERY));
    if (signature != null) {
      headers.put("x-hub-signature-256", List.of(signature));
    }
    return new WebhookRequest(body, headers, Map.of(), "application/json");
  }

  static WebhookRequest request(String event, String body) {
    return request(event, body.getBytes(StandardCharsets.UTF_8), null);
  }

  static String packageEvent(String action, String packageType, String tagDigest, String name) {
    return """
    {"action":"%s","package":{"name":"App","package_type":"%s",
     "owner":{"login":"Some-Org"},
     "package_version":{"name":"%s","container_metadata":{"tag":{"name":"","digest":"%s"}}}}}
    """
        .formatted(action, packageType, name, tagDigest);
  }

  @Test
  void publishedContainerMapped() throws IOException {
    var mapping = source.map(request("package", fixture("github-package-published.json"), null));

    assertThat(mapping.ignored()).isEmpty();
    assertThat(mapping.images())
        .containsExactly(
            new WebhookSource.SourceImage(
                DELIVERY,
                new ImageTarget(
                    "ghcr.io", "octo-org/hello-world", "v1.2.0", Digest.parse(DIGEST))));
  }

  @Test
  void legacyRegistryPackageMapped() throws IOException {
    var body = fixture("github-registry-package-published.json");

    var mapping = source.map(request("registry_package", body, null));

    assertThat(mapping.images())
        .singleElement()
        .satisfies(
            image -> assertThat(image.target().repository()).isEqualTo("octo-org/hello-world"));
  }

  @Test
  void updatedActionMapped() {
    var mapping = source.map(request("package", packageEvent("updated", "container", DIGEST, "")));

    assertThat(mapping.images()).hasSize(1);
  }

  @Test
  void repositoryLowercased() {
    var mapping =
        source.map(request("package", packageEvent("published", "CONTAINER", DIGEST, "")));

    assertThat(mapping.images().getFirst().target().repository()).isEqualTo("some-org/app");
  }

  @Test
  void emptyTagHasDigestOnly() {
    var mapping =
        source.map(request("package", packageEvent("published", "CONTAINER", DIGEST, "")));

    assertThat(mapping.images().getFirst().target().tag()).isNull();
    assertThat(mapping.images().getFirst().target().digest()).isEqualTo(Digest.parse(DIGEST));
  }

  @Test
  void truncatedTagDigestFallsBackToVersionName() {
    String body = packageEvent("published", "CONTAINER", "sha256:6c62fb45fe66bfb1", DIGEST);

    var mapping = source.map(request("package", body));

    assertThat(mapping.images().getFirst().target().digest()).isEqualTo(Digest.parse(DIGEST));
  }

  @Test
  void noValidDigestIgnored() {
    String body = packageEvent("published", "CONTAINER", "sha256:6c62", "1.0.0");

    var mapping = source.map(request("package", body));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason()).startsWith("invalid event: no valid digest");
  }

  @Test
  void npmPackageIgnored() {
    var mapping = source.map(request("package", packageEvent("published", "npm", DIGEST, "")));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored())
        .containsExactly(
            new IgnoredEvent(DELIVERY, "not a container package: package_type is npm"));
  }

  @Test
  void deletedActionIgnored() {
    var mapping = source.map(request("package", packageEvent("deleted", "container", DIGEST, "")));

    assertThat(mapping.ignored().getFirst().reason()).isEqualTo("not a publish: action is deleted");
  }

  @Test
  void pingIgnored() {
    var mapping = source.map(request("ping", "{\"zen\":\"Keep it logically awesome.\"}"));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason()).startsWith("ping");
  }

  @Test
  void pushEventIgnored() {
    var mapping = source.map(request("push", "{}"));

    assertThat(mapping.ignored().getFirst().reason())
        .isEqualTo("not a package event: X-GitHub-Event is push");
  }

  @Test
  void missingEventHeaderRejected() {
    var request = new WebhookRequest(new byte[0], Map.of(), Map.of(), "application/json");

    assertThatThrownBy(() -> source.map(request))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("X-GitHub-Event header is missing");
  }

  @Test
  void malformedJsonRejected() {
    assertThatThrownBy(() -> source.map(request("package", "{\"action\":")))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("malformed JSON: the JSON ends early at line 1, column 11")
        .hasMessageNotContaining("REDACTED");
  }

  @Test
  void missingPackageRejected() {
    assertThatThrownBy(() -> source.map(request("package", "{\"action\":\"published\"}")))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("\"package\" is missing");
  }

  @Test
  void formEncodedBodyRejected() {
    var request =
        new WebhookRequest(
            "payload=%7B%7D".getBytes(StandardCharsets.UTF_8),
            Map.of("x-github-event", List.of("package")),
            Map.of(),
            "application/x-www-form-urlencoded");

    assertThatThrownBy(() -> source.map(request))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("application/json");
  }

  @Test
  void signatureMatchesGithubExample() {
    // The example of GitHub's "Validating webhook deliveries" page: this secret and body give
    // this signature.
    String expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    String actual =
        GithubWebhookSource.hmacSha256Hex(SECRET, "Hello, World!".getBytes(StandardCharsets.UTF_8));

    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void authenticateAcceptsSignature() throws IOException {
    properties.setSecret(SECRET);
    byte[] body = fixture("github-package-published.json");
    String signature = "sha256=" + GithubWebhookSource.hmacSha256Hex(SECRET, body);

    assertThatCode(() -> source.authenticate(request("package", body, signature)))
        .doesNotThrowAnyException();
  }

  @Test
  void authenticateRejectsChangedBody() throws IOException {
    properties.setSecret(SECRET);
    byte[] body = fixture("github-package-published.json");
    String signature = "sha256=" + GithubWebhookSource.hmacSha256Hex(SECRET, body);
    body[10] ^= 1;

    var request = request("package", body, signature);

    assertThatThrownBy(() -> source.authenticate(request))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageStartingWith("wrong signature")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void authenticateRejectsOtherSecret() {
    properties.setSecret(SECRET);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String signature = "sha256=" + GithubWebhookSource.hmacSha256Hex("other", body);

    assertThatThrownBy(() -> source.authenticate(request("package", body, signature)))
        .isInstanceOf(WebhookAuthenticationException.class);
  }

  @Test
  void authenticateRejectsMissingSignature() {
    properties.setSecret(SECRET);

    assertThatThrownBy(() -> source.authenticate(request("package", "{}")))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageStartingWith("missing header X-Hub-Signature-256");
  }

  @Test
  void authenticateRejectsSha1Signature() {
    properties.setSecret(SECRET);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> source.authenticate(request("package", body, "sha1=abc")))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageStartingWith("invalid header");
  }

  @Test
  void authenticateRejectsWhenUnconfigured() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String signature = "sha256=" + GithubWebhookSource.hmacSha256Hex("any", body);

    assertThatThrownBy(() -> source.authenticate(request("package", body, signature)))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("secret is not set");
  }
}
