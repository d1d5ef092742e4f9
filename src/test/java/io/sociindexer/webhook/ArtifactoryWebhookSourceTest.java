package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fixture: {@code artifactory-docker-pushed.json} contains the "Docker Tag was Pushed" example of
 * JFrog's "Domain: Docker" webhook page as {@code data}, inside the envelope that page's "Domain:
 * Artifact" examples show ({@code domain}, {@code event_type}, {@code subscription_key}, {@code
 * jpd_origin}, {@code source}) and that Kargo's Artifactory receiver parses.
 */
class ArtifactoryWebhookSourceTest {

  static final String SECRET = "tell no one";
  static final String DIGEST =
      "sha256:35c4a2c15539c6c1e4e5fa4e554dac323ad0107d8eb5c582d6ff386b383b7dce";

  ArtifactorySourceProperties properties = new ArtifactorySourceProperties();
  ArtifactoryWebhookSource source =
      new ArtifactoryWebhookSource(properties, JsonMapper.builder().build());

  static byte[] fixture() throws IOException {
    try (InputStream in =
        ArtifactoryWebhookSourceTest.class.getResourceAsStream("artifactory-docker-pushed.json")) {
      return in.readAllBytes();
    }
  }

  static WebhookRequest request(byte[] body, String auth) {
    Map<String, List<String>> headers =
        auth == null ? Map.of() : Map.of("x-jfrog-event-auth", List.of(auth));
    return new WebhookRequest(body, headers, Map.of(), "application/json");
  }

  static WebhookRequest request(String body) {
    return request(body.getBytes(StandardCharsets.UTF_8), null);
  }

  @Test
  void pushMappedWithConfiguredHost() throws IOException {
    properties.getRegistries().put("docker-remote-cache", "example.jfrog.io");

    var mapping = source.map(request(fixture(), null));

    assertThat(mapping.ignored()).isEmpty();
    assertThat(mapping.images())
        .containsExactly(
            new WebhookSource.SourceImage(
                "docker-remote-cache/library/ubuntu/latest/list.manifest.json",
                new ImageTarget(
                    "example.jfrog.io", "library/ubuntu", "latest", Digest.parse(DIGEST))));
  }

  @Test
  void repositoryPathPrefixApplied() throws IOException {
    properties
        .getRegistries()
        .put("docker-remote-cache", "artifactory.example:8443/docker-remote-cache");

    var mapping = source.map(request(fixture(), null));

    ImageTarget target = mapping.images().getFirst().target();
    assertThat(target.registry()).isEqualTo("artifactory.example:8443");
    assertThat(target.repository()).isEqualTo("docker-remote-cache/library/ubuntu");
  }

  @Test
  void flatLegacyFormMapped() {
    properties.getRegistries().put("docker-local", "example.jfrog.io");
    String body =
        """
        {"repo_key":"docker-local","event_type":"pushed","path":"app/1.0/manifest.json",
         "name":"manifest.json","sha256":"%s","size":1206,"image_name":"app","tag":"1.0"}
        """
            .formatted(DIGEST.substring("sha256:".length()));

    var mapping = source.map(request(body));

    assertThat(mapping.images())
        .singleElement()
        .satisfies(image -> assertThat(image.target().tag()).isEqualTo("1.0"));
  }

  @Test
  void unknownRepoKeyIgnored() throws IOException {
    var mapping = source.map(request(fixture(), null));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason())
        .startsWith("unknown Artifactory repository docker-remote-cache");
  }

  @Test
  void deletedEventIgnored() {
    String body =
        """
        {"domain":"docker","event_type":"deleted","data":{"repo_key":"docker-local",
         "path":"app/1.0/manifest.json","image_name":"app","tag":"1.0","sha256":"x"}}
        """;

    var mapping = source.map(request(body));

    assertThat(mapping.ignored())
        .containsExactly(
            new IgnoredEvent(
                "docker-local/app/1.0/manifest.json", "not a push: event_type is deleted"));
  }

  @Test
  void artifactDomainIgnored() {
    String body =
        """
        {"domain":"artifact","event_type":"deployed","data":{"repo_key":"generic-local",
         "path":"dir/file.txt","name":"file.txt","sha256":"x","size":0}}
        """;

    var mapping = source.map(request(body));

    assertThat(mapping.ignored().getFirst().reason())
        .isEqualTo("not a Docker event: domain is artifact");
  }

  @Test
  void invalidChecksumIgnored() {
    properties.getRegistries().put("docker-local", "example.jfrog.io");
    String body =
        """
        {"domain":"docker","event_type":"pushed","data":{"repo_key":"docker-local",
         "path":"app/1.0/manifest.json","image_name":"app","tag":"1.0","sha256":"sample_checksum"}}
        """;

    var mapping = source.map(request(body));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason())
        .startsWith("invalid event: invalid sha256 digest");
  }

  @Test
  void missingTagRejected() {
    String body =
        """
        {"domain":"docker","event_type":"pushed","data":{"repo_key":"docker-local",
         "image_name":"app","sha256":"%s"}}
        """
            .formatted(DIGEST.substring(7));

    assertThatThrownBy(() -> source.map(request(body)))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("data.tag is missing");
  }

  @Test
  void malformedJsonRejected() {
    assertThatThrownBy(() -> source.map(request("not json")))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("malformed JSON: invalid JSON syntax at line 1, column")
        .hasMessageNotContaining("REDACTED");
  }

  @Test
  void authenticateAcceptsPlainSecret() {
    properties.setSecret(SECRET);

    assertThatCode(() -> source.authenticate(request(new byte[0], SECRET)))
        .doesNotThrowAnyException();
  }

  @Test
  void authenticateRejectsWrongSecret() {
    properties.setSecret(SECRET);

    assertThatThrownBy(() -> source.authenticate(request(new byte[0], "guess")))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageStartingWith("wrong secret")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void authenticateAcceptsSignature() throws IOException {
    properties.setSecret(SECRET);
    properties.setUseSecretForSigning(true);
    byte[] body = fixture();

    var request = request(body, ArtifactoryWebhookSource.hmacSha256Hex(SECRET, body));

    assertThatCode(() -> source.authenticate(request)).doesNotThrowAnyException();
  }

  @Test
  void signatureMatchesOpensslHmac() {
    // Computed with: printf '{"a":1}' | openssl sha256 -hmac 'tell no one'
    String expected = "e91535f37a3b845144017f99086c0cbc75a350c3866115f041e35f8dc8c566a7";

    String actual =
        ArtifactoryWebhookSource.hmacSha256Hex(
            SECRET, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void authenticateRejectsChangedBody() throws IOException {
    properties.setSecret(SECRET);
    properties.setUseSecretForSigning(true);
    byte[] body = fixture();
    String signature = ArtifactoryWebhookSource.hmacSha256Hex(SECRET, body);
    body[5] ^= 1;

    assertThatThrownBy(() -> source.authenticate(request(body, signature)))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageStartingWith("wrong signature");
  }

  @Test
  void authenticateRejectsSecretWhenSigning() {
    properties.setSecret(SECRET);
    properties.setUseSecretForSigning(true);

    assertThatThrownBy(() -> source.authenticate(request(new byte[0], SECRET)))
        .isInstanceOf(WebhookAuthenticationException.class);
  }

  @Test
  void authenticateRejectsMissingHeader() {
    properties.setSecret(SECRET);

    assertThatThrownBy(() -> source.authenticate(request(new byte[0], null)))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageStartingWith("missing header X-JFrog-Event-Auth");
  }

  @Test
  void authenticateRejectsWhenUnconfigured() {
    assertThatThrownBy(() -> source.authenticate(request(new byte[0], "")))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("secret is not set");
  }
}
