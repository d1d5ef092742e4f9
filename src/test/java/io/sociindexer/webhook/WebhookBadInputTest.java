package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.api.IntakeServiceTest;
import io.sociindexer.job.ImageAdmission;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forged and replayed deliveries of the signing sources, and image names that no registry
 * accepts, posted to the running service. A replayed delivery is not rejected by its delivery id:
 * while the job of the first delivery is queued or running, the replay counts as a duplicate and
 * stores nothing.
 */
@IntakeServiceTest
class WebhookBadInputTest {

  static final String GITHUB_SECRET = "github-secret-for-bad-input";
  static final String ARTIFACTORY_SECRET = "artifactory-secret-for-bad-input";
  static final String JSON = "application/json";
  static final String EVENTS_V2 = "application/vnd.docker.distribution.events.v2+json";
  static final KeyPair GAR_KEYS = generateKeys();
  static final KeyPair FORGER_KEYS = generateKeys();

  /** Admits every image, so that a replay reaches the job store. */
  @TestConfiguration(proxyBeanMethods = false)
  static class AdmitAll {

    @Bean
    @Primary
    ImageAdmission admitAll() {
      return ImageAdmission.ALL;
    }
  }

  @DynamicPropertySource
  static void sources(DynamicPropertyRegistry registry) throws IOException {
    Path jwks = Files.createTempFile("gar-jwks", ".json");
    jwks.toFile().deleteOnExit();
    RSAPublicKey key = (RSAPublicKey) GAR_KEYS.getPublic();
    Files.writeString(
        jwks,
        "{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"key-1\",\"n\":\""
            + GarWebhookSourceTest.base64Url(key.getModulus())
            + "\",\"e\":\""
            + GarWebhookSourceTest.base64Url(key.getPublicExponent())
            + "\"}]}");

    registry.add("soci-indexer.webhook.sources.github.secret", () -> GITHUB_SECRET);
    registry.add("soci-indexer.webhook.sources.artifactory.secret", () -> ARTIFACTORY_SECRET);
    registry.add("soci-indexer.webhook.sources.artifactory.use-secret-for-signing", () -> "true");
    registry.add(
        "soci-indexer.webhook.sources.artifactory.registries.docker-remote-cache",
        () -> "example.jfrog.io");
    registry.add("soci-indexer.webhook.sources.gar.audience", () -> GarWebhookSourceTest.AUDIENCE);
    registry.add(
        "soci-indexer.webhook.sources.gar.service-account-email", () -> GarWebhookSourceTest.EMAIL);
    registry.add("soci-indexer.webhook.sources.gar.jwks-path", jwks::toString);
  }

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired JsonMapper json;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    store.clear();
  }

  static KeyPair generateKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an RSA key pair for the GAR tokens", e);
    }
  }

  static byte[] fixture(String name) {
    try (InputStream in = WebhookBadInputTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("cannot read the fixture " + name, e);
    }
  }

  HttpResponse<String> post(String path, String contentType, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", contentType);
    headers.forEach(request::header);
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while posting to " + path, e);
    }
  }

  HttpResponse<String> postGithub(byte[] body, String signature) {
    return post(
        "/webhooks/github",
        JSON,
        body,
        Map.of(
            GithubWebhookSource.EVENT_HEADER, "package",
            GithubWebhookSource.DELIVERY_HEADER, "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            GithubWebhookSource.SIGNATURE_HEADER, signature));
  }

  HttpResponse<String> postArtifactory(byte[] body, String signature) {
    return post(
        "/webhooks/artifactory", JSON, body, Map.of(ArtifactoryWebhookSource.AUTH_HEADER, signature));
  }

  void assertRejected(HttpResponse<String> response, int status, String detailPart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json.readTree(response.body()).get("detail").asString()).contains(detailPart);
    assertThat(store.all()).isEmpty();
  }

  JsonNode summary(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
    return json.readTree(response.body());
  }

  @Test
  void githubForgedSignatureRejected() {
    byte[] body = fixture("github-package-published.json");
    String forged = "sha256=" + GithubWebhookSource.hmacSha256Hex("guessed-secret", body);

    assertRejected(postGithub(body, forged), 401, "wrong signature");
  }

  @Test
  void githubChangedBodyRejected() {
    byte[] body = fixture("github-package-published.json");
    String signature = "sha256=" + GithubWebhookSource.hmacSha256Hex(GITHUB_SECRET, body);
    byte[] changed =
        new String(body, StandardCharsets.UTF_8)
            .replace("\"v1.2.0\"", "\"v6.6.6\"")
            .getBytes(StandardCharsets.UTF_8);

    assertRejected(postGithub(changed, signature), 401, "wrong signature");
  }

  @Test
  void githubReplayCountsDuplicate() {
    byte[] body = fixture("github-package-published.json");
    String signature = "sha256=" + GithubWebhookSource.hmacSha256Hex(GITHUB_SECRET, body);

    JsonNode first = summary(postGithub(body, signature));
    JsonNode replay = summary(postGithub(body, signature));

    assertThat(first.get("accepted").asInt()).isEqualTo(1);
    assertThat(replay.get("accepted").asInt()).isZero();
    assertThat(replay.get("duplicates").asInt()).isEqualTo(1);
    assertThat(store.all()).hasSize(1);
  }

  @Test
  void artifactoryForgedSignatureRejected() {
    byte[] body = fixture("artifactory-docker-pushed.json");
    String forged = ArtifactoryWebhookSource.hmacSha256Hex("guessed-secret", body);

    assertRejected(postArtifactory(body, forged), 401, "");
    assertRejected(postArtifactory(body, ARTIFACTORY_SECRET), 401, "");
  }

  @Test
  void artifactoryReplayCountsDuplicate() {
    byte[] body = fixture("artifactory-docker-pushed.json");
    String signature = ArtifactoryWebhookSource.hmacSha256Hex(ARTIFACTORY_SECRET, body);

    JsonNode first = summary(postArtifactory(body, signature));
    JsonNode replay = summary(postArtifactory(body, signature));

    assertThat(first.get("accepted").asInt()).isEqualTo(1);
    assertThat(replay.get("duplicates").asInt()).isEqualTo(1);
    assertThat(store.all()).hasSize(1);
  }

  @Test
  void garForgedTokenRejected() throws Exception {
    String claims =
        GarWebhookSourceTest.claims(
            GarWebhookSourceTest.AUDIENCE, GarWebhookSourceTest.EMAIL, Instant.now().plusSeconds(600));
    String forged = GarWebhookSourceTest.jwt("key-1", FORGER_KEYS, claims);
    byte[] body =
        GarWebhookSourceTest.pushBody(
                GarWebhookSourceTest.insert(GarWebhookSourceTest.DIGEST, "latest"))
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response =
        post("/webhooks/gar", JSON, body, Map.of("Authorization", "Bearer " + forged));

    assertRejected(response, 401, "");
  }

  @Test
  void oddRepositoryNamesIgnoredWithReason() {
    Map<String, String> repositories = new HashMap<>();
    repositories.put("unicode", "team/caf\u00e9");
    repositories.put("space", "team/my app");
    repositories.put("dot-dot", "team/../admin");
    repositories.put("uppercase", "Team/App");
    repositories.put("too-long", "a/" + "b".repeat(300));
    StringBuilder events = new StringBuilder();
    for (Map.Entry<String, String> entry : repositories.entrySet()) {
      events.append(events.isEmpty() ? "" : ",");
      events.append(
          DistributionWebhookControllerTest.manifestPush(
              entry.getKey(), entry.getValue(), "1.0", GarWebhookSourceTest.DIGEST));
    }
    String envelope = "{\"events\":[" + events + "]}";

    JsonNode summary =
        summary(post("/webhooks/distribution", EVENTS_V2, envelope.getBytes(StandardCharsets.UTF_8), Map.of()));

    assertThat(summary.get("accepted").asInt()).isZero();
    Map<String, String> reasons = new HashMap<>();
    summary
        .get("ignored")
        .forEach(event -> reasons.put(event.get("event").asString(), event.get("reason").asString()));
    assertThat(reasons).containsOnlyKeys(repositories.keySet());
    repositories.forEach(
        (id, repository) ->
            assertThat(reasons.get(id)).as(id).contains("invalid repository name"));
    assertThat(store.all()).isEmpty();
  }
}
