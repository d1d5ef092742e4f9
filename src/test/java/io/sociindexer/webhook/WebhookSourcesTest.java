package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.api.IntakeServiceTest;
import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Posts each source's notifications to the running service, with the secrets below configured.
 *
 * <p>Where the fixtures come from (values replaced, shapes kept):
 *
 * <ul>
 *   <li>{@code harbor-*.json}: the Default and CloudEvents payloads described on goharbor.io
 *       "Configure Webhook Notifications" (2.8 and later) and sent by Harbor's
 *       {@code src/pkg/notifier/formats/{default,cloudevents}.go}; the digest-as-tag and the
 *       cosign {@code .sig} resource show a push by digest and a signature.
 *   <li>{@code dockerhub-push.json}: the example payload of docs.docker.com "Webhooks".
 *   <li>{@code quay-push.json} and {@code quay-build-queued.json}: the "Repository Push" and
 *       "Dockerfile Build Queued" examples of Red Hat Quay "Repository Notifications";
 *       {@code quay-push-legacy.json}: the older quay.io example with {@code updated_tags} as an
 *       object of tag to image id.
 *   <li>{@code acr-*.json}: the push, chart_push and delete examples of learn.microsoft.com "Azure
 *       Container Registry webhook reference". The ping payload is not documented there, so
 *       {@code acr-ping.json} assumes only the common {@code id}, {@code timestamp} and
 *       {@code action} fields.
 *   <li>GitLab reuses {@code distribution-push.json}, because GitLab's registry sends the
 *       Distribution envelope.
 * </ul>
 */
@IntakeServiceTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(
    properties = {
      "soci-indexer.webhook.sources.distribution.secret=" + WebhookSourcesTest.DISTRIBUTION_SECRET,
      "soci-indexer.webhook.sources.gitlab.secret=" + WebhookSourcesTest.GITLAB_SECRET,
      "soci-indexer.webhook.sources.harbor.secret=" + WebhookSourcesTest.HARBOR_SECRET,
      "soci-indexer.webhook.sources.dockerhub.secret=" + WebhookSourcesTest.HUB_SECRET,
      "soci-indexer.webhook.sources.quay.secret=" + WebhookSourcesTest.QUAY_SECRET,
      "soci-indexer.webhook.sources.acr.header=X-Soci-Token",
      "soci-indexer.webhook.sources.acr.secret=" + WebhookSourcesTest.ACR_SECRET,
      "soci-indexer.webhook.sources.github.secret=" + WebhookSourcesTest.GITHUB_SECRET
    })
class WebhookSourcesTest {

  static final String DISTRIBUTION_SECRET = "Bearer distribution-secret-1";
  static final String GITHUB_SECRET = "github-secret-1";
  static final String GITLAB_SECRET = "Bearer gitlab-secret-1";
  static final String HARBOR_SECRET = "Basic aGFyYm9yLXNlY3JldC0x";
  static final String HUB_SECRET = "hub-secret-1";
  static final String QUAY_SECRET = "quay-secret-1";
  static final String ACR_SECRET = "acr-secret-1";
  static final String JSON = "application/json";
  static final String EVENTS_V2 = "application/vnd.docker.distribution.events.v2+json";

  static final Digest INDEX =
      Digest.parse("sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6");
  static final Digest DOCKER_MANIFEST =
      Digest.parse("sha256:8681c395f47a809fefc0e2ef0f85b61e3886bc273ceac84f75b2ba2a116c096c");

  /** Refuses the registry {@code blocked.example} and filters the repository {@code example/excluded}. */
  @TestConfiguration(proxyBeanMethods = false)
  static class AdmissionConfiguration {

    @Bean
    @Primary
    ImageAdmission testAdmission() {
      return (image, source) -> {
        if (image.registry().equals("blocked.example")) {
          return Optional.of(
              new ImageAdmission.Refusal("registry blocked.example is not in the allow-list", true));
        }
        if (image.repository().equals("example/excluded")) {
          return Optional.of(
              new ImageAdmission.Refusal("repository excluded by the test filter", false));
        }
        return Optional.empty();
      };
    }
  }

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired JsonMapper json;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    store.clear();
  }

  static String fixture(String name) {
    try (InputStream in = WebhookSourcesTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("cannot read the fixture " + name, e);
    }
  }

  HttpResponse<String> post(String path, String contentType, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(request.build(), BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the service", e);
    }
  }

  JsonNode body(HttpResponse<String> response) {
    return json.readTree(response.body());
  }

  Map<String, String> ignoredReasons(HttpResponse<String> response) {
    Map<String, String> reasons = new LinkedHashMap<>();
    for (JsonNode ignored : body(response).get("ignored")) {
      reasons.put(ignored.get("event").asString(), ignored.get("reason").asString());
    }
    return reasons;
  }

  List<ImageTarget> storedImages() {
    return store.all().stream().map(Job::image).toList();
  }

  void assertProblem(HttpResponse<String> response, int status, String detailPart) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(body(response).get("detail").asString()).contains(detailPart);
  }

  // Distribution and GitLab

  @Test
  void ownOutputTagFromAnySourceIgnored() {
    String body = fixture("github-package-published.json").replace("\"v1.2.0\"", "\"v1.2.0-soci\"");
    String signature =
        "sha256=" + GithubWebhookSource.hmacSha256Hex(GITHUB_SECRET, body.getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response =
        post("/webhooks/github", "application/json", body,
            "X-GitHub-Event", "package", "X-Hub-Signature-256", signature);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("output of soci-indexer");
    assertThat(storedImages()).isEmpty();
  }

  @Test
  void distributionWithSecretStoresJobs() {
    HttpResponse<String> response =
        post("/webhooks/distribution", EVENTS_V2, fixture("distribution-push.json"),
            "Authorization", DISTRIBUTION_SECRET);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(storedImages()).hasSize(2);
  }

  @Test
  void distributionWrongSecretRejected(CapturedOutput output) {
    HttpResponse<String> wrong =
        post("/webhooks/distribution", EVENTS_V2, fixture("distribution-push.json"),
            "Authorization", "Bearer guessed-secret-9");
    HttpResponse<String> missing =
        post("/webhooks/distribution", EVENTS_V2, fixture("distribution-push.json"));

    assertProblem(wrong, 401, "does not match the configured secret");
    assertProblem(missing, 401, "header Authorization is absent");
    assertThat(store.all()).isEmpty();
    assertThat(output.getAll()).contains("webhook delivery rejected source=distribution");
    assertThat(output.getAll()).doesNotContain("distribution-secret-1", "guessed-secret-9");
    assertThat(wrong.body()).doesNotContain("distribution-secret-1", "guessed-secret-9");
  }

  @Test
  void gitlabMapsDistributionEnvelope() {
    HttpResponse<String> response =
        post("/webhooks/gitlab", EVENTS_V2, fixture("distribution-push.json"),
            "Authorization", GITLAB_SECRET);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(storedImages())
        .containsExactly(
            new ImageTarget("127.0.0.1:5000", "app", "1.0", INDEX),
            new ImageTarget("127.0.0.1:5000", "team/tool", "latest", DOCKER_MANIFEST));
    assertThat(store.all()).allSatisfy(job -> assertThat(job.source()).isEqualTo("gitlab"));
  }

  @Test
  void gitlabRejectsDistributionSecret() {
    HttpResponse<String> response =
        post("/webhooks/gitlab", EVENTS_V2, fixture("distribution-push.json"),
            "Authorization", DISTRIBUTION_SECRET);

    assertProblem(response, 401, "webhook source gitlab");
    assertThat(store.all()).isEmpty();
  }

  // Harbor

  @Test
  void harborDefaultFormatMapped() {
    HttpResponse<String> response =
        post("/webhooks/harbor", JSON, fixture("harbor-push-default.json"),
            "Authorization", HARBOR_SECRET);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(storedImages())
        .containsExactly(new ImageTarget("harbor.example.com", "library/app", "1.0", INDEX));
    Map<String, String> reasons = ignoredReasons(response);
    assertThat(reasons.get("event_data.resources[1]")).startsWith("untagged push");
    assertThat(reasons.get("event_data.resources[2]")).startsWith("signature or referrers tag");
  }

  @Test
  void harborCloudEventsMapped() {
    HttpResponse<String> response =
        post("/webhooks/harbor", "application/cloudevents+json",
            fixture("harbor-push-cloudevents.json"), "Authorization", HARBOR_SECRET);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(storedImages())
        .containsExactly(
            new ImageTarget("harbor.example.com:8443", "team/tool", "latest", DOCKER_MANIFEST));
    assertThat(store.all()).allSatisfy(job -> assertThat(job.source()).isEqualTo("harbor"));
  }

  @Test
  void harborDeleteIgnored() {
    HttpResponse<String> response =
        post("/webhooks/harbor", JSON, fixture("harbor-delete-default.json"),
            "Authorization", HARBOR_SECRET);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ignoredReasons(response))
        .containsExactly(Map.entry("DELETE_ARTIFACT", "not an artifact push: type is DELETE_ARTIFACT"));
    assertThat(store.all()).isEmpty();
  }

  @Test
  void harborWrongOrMissingHeaderRejected() {
    String payload = fixture("harbor-push-default.json");

    assertProblem(post("/webhooks/harbor", JSON, payload, "Authorization", "Basic d3Jvbmc="), 401,
        "does not match");
    assertProblem(post("/webhooks/harbor", JSON, payload), 401, "is absent");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void harborMissingRepositoryRejected() {
    String payload =
        "{\"type\":\"PUSH_ARTIFACT\",\"event_data\":{\"resources\":[],\"repository\":{}}}";

    assertProblem(post("/webhooks/harbor", JSON, payload, "Authorization", HARBOR_SECRET), 400,
        "event_data.repository.repo_full_name is missing");
  }

  // Docker Hub

  @Test
  void dockerHubStoresTagWithoutDigest() {
    HttpResponse<String> response =
        post("/webhooks/dockerhub?token=" + HUB_SECRET, JSON, fixture("dockerhub-push.json"));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(storedImages())
        .containsExactly(new ImageTarget("docker.io", "example/app", "1.0", null));
  }

  @Test
  void dockerHubOneComponentNameGetsLibrary() {
    String payload = "{\"push_data\":{\"tag\":\"2.0\"},\"repository\":{\"repo_name\":\"app\"}}";

    post("/webhooks/dockerhub?token=" + HUB_SECRET, JSON, payload);

    assertThat(storedImages())
        .containsExactly(new ImageTarget("docker.io", "library/app", "2.0", null));
  }

  @Test
  void dockerHubWrongTokenRejected() {
    String payload = fixture("dockerhub-push.json");

    assertProblem(post("/webhooks/dockerhub?token=nope", JSON, payload), 401, "query parameter token");
    assertProblem(post("/webhooks/dockerhub", JSON, payload), 401, "is absent");
    assertProblem(post("/webhooks/dockerhub", JSON, payload, "Authorization", HUB_SECRET), 401,
        "is absent");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void dockerHubFilteredImageIgnored() {
    String payload =
        "{\"push_data\":{\"tag\":\"1.0\"},\"repository\":{\"repo_name\":\"example/excluded\"}}";

    HttpResponse<String> response = post("/webhooks/dockerhub?token=" + HUB_SECRET, JSON, payload);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ignoredReasons(response))
        .containsExactly(Map.entry("example/excluded:1.0", "repository excluded by the test filter"));
    assertThat(store.all()).isEmpty();
  }

  // Quay

  @Test
  void quayListFormMapped() {
    HttpResponse<String> response =
        post("/webhooks/quay?token=" + QUAY_SECRET, JSON, fixture("quay-push.json"));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(storedImages())
        .containsExactly(
            new ImageTarget("quay.io", "example/app", "1.0", null),
            new ImageTarget("quay.io", "example/app", "latest", null));
    assertThat(ignoredReasons(response)).hasSize(1);
  }

  @Test
  void quayLegacyMapFormMapped() {
    HttpResponse<String> response =
        post("/webhooks/quay?token=" + QUAY_SECRET, JSON, fixture("quay-push-legacy.json"));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(storedImages())
        .containsExactly(new ImageTarget("quay.example.com:8443", "example/app", "2.0", null));
  }

  @Test
  void quayBuildEventIgnored() {
    HttpResponse<String> response =
        post("/webhooks/quay?token=" + QUAY_SECRET, JSON, fixture("quay-build-queued.json"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ignoredReasons(response).get("example/app")).startsWith("not a repository push");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void quayWrongTokenRejected() {
    assertProblem(post("/webhooks/quay?token=" + HUB_SECRET, JSON, fixture("quay-push.json")), 401,
        "webhook source quay");
    assertThat(store.all()).isEmpty();
  }

  // Azure Container Registry

  @Test
  void acrPushMapped() {
    HttpResponse<String> response =
        post("/webhooks/acr", JSON, fixture("acr-push.json"), "X-Soci-Token", ACR_SECRET);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(storedImages())
        .containsExactly(
            new ImageTarget("myregistry.azurecr.io", "hello-world", "v1", DOCKER_MANIFEST));
  }

  @Test
  void acrPingReturns200() {
    HttpResponse<String> response =
        post("/webhooks/acr", JSON, fixture("acr-ping.json"), "X-Soci-Token", ACR_SECRET);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response).get("accepted").asInt()).isZero();
    assertThat(ignoredReasons(response).values()).containsExactly("test delivery: action is ping");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void acrChartPushAndDeleteIgnored() {
    HttpResponse<String> chart =
        post("/webhooks/acr", JSON, fixture("acr-chart-push.json"), "X-Soci-Token", ACR_SECRET);
    HttpResponse<String> delete =
        post("/webhooks/acr", JSON, fixture("acr-delete.json"), "X-Soci-Token", ACR_SECRET);

    assertThat(ignoredReasons(chart).values())
        .containsExactly("not an image push: action is chart_push");
    assertThat(ignoredReasons(delete).values()).containsExactly("not an image push: action is delete");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void acrSecretInAuthorizationRejected() {
    HttpResponse<String> response =
        post("/webhooks/acr", JSON, fixture("acr-push.json"), "Authorization", ACR_SECRET);

    assertProblem(response, 401, "header X-Soci-Token is absent");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void acrRegistryOutsideAllowListIgnored() {
    String payload = fixture("acr-push.json").replace("myregistry.azurecr.io", "blocked.example");

    HttpResponse<String> response =
        post("/webhooks/acr", JSON, payload, "X-Soci-Token", ACR_SECRET);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ignoredReasons(response).values())
        .containsExactly("registry blocked.example is not in the allow-list");
    assertThat(store.all()).isEmpty();
  }

  // Shared checks

  @Test
  void oversizedBodyRejectedBeforeAuthentication() {
    String padded = fixture("acr-push.json") + " ".repeat(1 << 20);

    assertProblem(post("/webhooks/acr", JSON, padded), 413, "soci-indexer.webhook.max-body-size");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void truncatedJsonNamesPosition() {
    String truncated = "{\"events\": [";
    Map<String, HttpResponse<String>> responses = new LinkedHashMap<>();
    responses.put("distribution",
        post("/webhooks/distribution", EVENTS_V2, truncated, "Authorization", DISTRIBUTION_SECRET));
    responses.put("gitlab",
        post("/webhooks/gitlab", EVENTS_V2, truncated, "Authorization", GITLAB_SECRET));
    responses.put("harbor", post("/webhooks/harbor", JSON, truncated, "Authorization", HARBOR_SECRET));
    responses.put("dockerhub", post("/webhooks/dockerhub?token=" + HUB_SECRET, JSON, truncated));
    responses.put("quay", post("/webhooks/quay?token=" + QUAY_SECRET, JSON, truncated));
    responses.put("acr", post("/webhooks/acr", JSON, truncated, "X-Soci-Token", ACR_SECRET));

    responses.forEach((source, response) -> {
      assertThat(response.statusCode()).as(source).isEqualTo(400);
      assertThat(body(response).get("detail").asString())
          .as(source)
          .endsWith("notification JSON: the JSON ends early at line 1, column 13");
      assertThat(response.body()).as(source).doesNotContain("REDACTED", "StreamReadFeature");
    });
    assertThat(store.all()).isEmpty();
  }

  @Test
  void unknownSourceReturns404() {
    assertProblem(post("/webhooks/nexus", JSON, "{}"), 404, "unknown webhook source 'nexus'");
  }
}
