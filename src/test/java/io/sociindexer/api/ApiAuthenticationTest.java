package io.sociindexer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.job.Job;
import io.sociindexer.job.JobState;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The token check in front of the job API, the backfill API and the status page. */
@IntakeServiceTest
class ApiAuthenticationTest {

  static final String JSON = "application/json";

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired JsonMapper json;
  TestHttp anonymous;

  @BeforeEach
  void setUp() {
    store.clear();
    anonymous = new TestHttp(port);
  }

  void assertUnauthorized(HttpResponse<String> response, String detailPart) {
    assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(401);
    assertThat(response.headers().allValues("WWW-Authenticate"))
        .as("challenges of %s", response.uri())
        .anyMatch(challenge -> challenge.startsWith("Bearer realm=\"soci-indexer\""))
        .anyMatch(challenge -> challenge.startsWith("Basic realm=\"soci-indexer\""));
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(401);
    assertThat(problem.get("title").asString()).isEqualTo("Unauthorized");
    assertThat(problem.get("detail").asString()).contains(detailPart);
    assertThat(problem.get("instance").asString()).isEqualTo(response.uri().getRawPath());
  }

  @Test
  void protectedEndpointsNeedToken() {
    Job queued = store.put(JobControllerTest.job(JobState.QUEUED, 0, null, null, null));
    String job = "/api/v1/jobs/" + queued.id();

    List<HttpResponse<String>> responses =
        List.of(
            anonymous.get("/"),
            anonymous.get("/api/v1/jobs"),
            anonymous.get(job),
            anonymous.post("/api/v1/jobs", JSON, "{\"image\":\"registry.example/app:1\"}"),
            anonymous.post(job + "/retry", null, ""),
            anonymous.delete(job),
            anonymous.post("/api/v1/backfill", JSON, "{\"repository\":\"registry.example/app\"}"),
            anonymous.get("/api/v1/no-such-endpoint"),
            anonymous.get("/actuator"));

    for (HttpResponse<String> response : responses) {
      assertUnauthorized(response, "missing API token: send the header 'Authorization: Bearer");
    }
    assertThat(store.all()).containsExactly(store.find(queued.id()).orElseThrow());
    assertThat(store.find(queued.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void wrongTokenRejected() {
    HttpResponse<String> response =
        new TestHttp(port, TestHttp.API_TOKEN + "x").get("/api/v1/jobs");

    assertUnauthorized(response, "invalid API token");
    assertThat(response.headers().allValues("WWW-Authenticate"))
        .contains("Bearer realm=\"soci-indexer\", error=\"invalid_token\"");
  }

  @Test
  void tokenPrefixRejected() {
    String prefix = TestHttp.API_TOKEN.substring(0, TestHttp.API_TOKEN.length() - 1);

    assertUnauthorized(new TestHttp(port, prefix).get("/api/v1/jobs"), "invalid API token");
  }

  @Test
  void bearerTokenAccepted() {
    HttpResponse<String> response = TestHttp.authenticated(port).get("/api/v1/jobs");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void basicPasswordOpensStatusPage() {
    String credentials =
        Base64.getEncoder()
            .encodeToString(("anyone:" + TestHttp.API_TOKEN).getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> page = anonymous.get("/", "Authorization", "Basic " + credentials);
    HttpResponse<String> lowercaseScheme =
        anonymous.get("/api/v1/jobs", "Authorization", "bearer " + TestHttp.API_TOKEN);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).startsWith("<!DOCTYPE html>");
    assertThat(lowercaseScheme.statusCode()).isEqualTo(200);
  }

  @Test
  void malformedAuthorizationRejected() {
    for (String header :
        List.of("Bearer", "Bearer ", "Token " + TestHttp.API_TOKEN, "Basic not-base64!", "Basic "
            + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)))) {
      HttpResponse<String> response = anonymous.get("/api/v1/jobs", "Authorization", header);

      assertThat(response.statusCode()).as("Authorization: %s", header).isEqualTo(401);
    }
  }

  @Test
  void openPathsNeedNoToken() {
    assertThat(anonymous.get("/actuator/health").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/actuator/prometheus").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/v3/api-docs").statusCode()).isEqualTo(200);
  }

  @Test
  void webhooksKeepOwnAuthentication() {
    HttpResponse<String> unknown = anonymous.post("/webhooks/no-such-source", JSON, "{}");
    HttpResponse<String> github = anonymous.post("/webhooks/github", JSON, "{}");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(github.statusCode()).isEqualTo(401);
    assertThat(github.body()).doesNotContain("API token");
  }

  @Test
  void pathTricksNeedToken() {
    List<String> paths =
        List.of(
            "/webhooks/../api/v1/jobs",
            "/webhooks/%2e%2e/api/v1/jobs",
            "/actuator/health/../../api/v1/jobs",
            "/v3/api-docs/../../api/v1/jobs",
            "/api;x=1/v1/jobs",
            "/webhooks/..;/api/v1/jobs",
            "//api/v1/jobs",
            "/api/v1/jobs/",
            "/./");

    for (String path : paths) {
      HttpResponse<String> response = anonymous.get(path);

      assertThat(response.statusCode()).as("GET %s", path).isIn(400, 401, 404);
      assertThat(response.body()).as("GET %s", path).doesNotContain("\"jobs\"", "<!DOCTYPE");
    }
  }

  @Test
  void apiDocsDeclareBearerScheme() {
    JsonNode docs = json.readTree(anonymous.get("/v3/api-docs").body());

    JsonNode scheme = docs.get("components").get("securitySchemes").get("apiToken");
    assertThat(scheme.get("type").asString()).isEqualTo("http");
    assertThat(scheme.get("scheme").asString()).isEqualTo("bearer");
    JsonNode paths = docs.get("paths");
    assertThat(paths.get("/api/v1/jobs").get("post").get("security").get(0).has("apiToken"))
        .isTrue();
    assertThat(paths.get("/api/v1/backfill").get("post").get("security").get(0).has("apiToken"))
        .isTrue();
    assertThat(paths.get("/webhooks/{source}").get("post").get("security").size()).isZero();
  }

  @Test
  void unknownJobIdStillNeedsToken() {
    assertUnauthorized(anonymous.get("/api/v1/jobs/" + UUID.randomUUID()), "missing API token");
  }
}
