package io.sociindexer.api;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.job.Job;
import io.sociindexer.job.JobState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The status codes and bodies that the OpenAPI description lists, and the service's replies. */
@IntakeServiceTest
class OpenApiResponsesTest {

  static final String JSON = "application/json";
  static final String PROBLEM_JSON = "application/problem+json";
  static final String PROBLEM_REF = "#/components/schemas/Problem";
  static final String EVENTS_V2 = "application/vnd.docker.distribution.events.v2+json";
  static final Set<String> PROBLEM_FIELDS = Set.of("type", "title", "status", "detail", "instance");

  /** The codes each operation can return, as the controllers, filters and handler send them. */
  static final Map<String, Set<String>> CODES =
      Map.ofEntries(
          entry("POST /api/v1/jobs", codes(200, 202, 400, 401, 403, 413, 415, 422, 500)),
          entry("GET /api/v1/jobs", codes(200, 400, 401, 500)),
          entry("GET /api/v1/jobs/{id}", codes(200, 400, 401, 404, 500)),
          entry("POST /api/v1/jobs/{id}/retry", codes(202, 400, 401, 404, 409, 500)),
          entry("DELETE /api/v1/jobs/{id}", codes(200, 400, 401, 404, 409, 500)),
          entry("POST /api/v1/backfill", codes(202, 400, 401, 403, 404, 413, 415, 500, 502)),
          entry("POST /webhooks/{source}", codes(200, 202, 400, 401, 404, 413, 500)),
          entry("POST /webhooks/distribution", codes(200, 202, 400, 401, 404, 413, 500)),
          entry("GET /", codes(200, 401, 500)));

  /** The schema of each success body. */
  static final Map<String, String> SUCCESS_SCHEMAS =
      Map.ofEntries(
          entry("POST /api/v1/jobs 200", "JobView"),
          entry("POST /api/v1/jobs 202", "JobView"),
          entry("GET /api/v1/jobs 200", "JobPageView"),
          entry("GET /api/v1/jobs/{id} 200", "JobView"),
          entry("POST /api/v1/jobs/{id}/retry 202", "JobView"),
          entry("DELETE /api/v1/jobs/{id} 200", "JobView"),
          entry("POST /api/v1/backfill 202", "BackfillResponse"),
          entry("POST /webhooks/{source} 200", "WebhookSummary"),
          entry("POST /webhooks/{source} 202", "WebhookSummary"),
          entry("POST /webhooks/distribution 200", "WebhookSummary"),
          entry("POST /webhooks/distribution 202", "WebhookSummary"));

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired JsonMapper json;
  JsonNode docs;

  static Set<String> codes(int... codes) {
    return IntStream.of(codes).mapToObj(String::valueOf).collect(Collectors.toUnmodifiableSet());
  }

  @BeforeEach
  void setUp() {
    store.clear();
    HttpResponse<String> response = new TestHttp(port).get("/v3/api-docs");
    assertThat(response.statusCode()).isEqualTo(200);
    docs = json.readTree(response.body());
  }

  /** Returns the operation of {@code key}, such as "GET /api/v1/jobs". */
  JsonNode operation(String key) {
    String[] methodAndPath = key.split(" ", 2);
    JsonNode operation =
        docs.get("paths").path(methodAndPath[1]).path(methodAndPath[0].toLowerCase(Locale.ROOT));
    assertThat(operation.isObject()).as("%s in the description", key).isTrue();
    return operation;
  }

  JsonNode responses(String key) {
    return operation(key).get("responses");
  }

  static String path(String key) {
    return key.split(" ", 2)[1];
  }

  @Test
  void descriptionListsEveryOperation() {
    Set<String> operations = new HashSet<>();
    for (Map.Entry<String, JsonNode> path : docs.get("paths").properties()) {
      for (String method : path.getValue().propertyNames()) {
        operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }

    assertThat(operations).isEqualTo(CODES.keySet());
  }

  @Test
  void operationsListTheirCodes() {
    CODES.forEach(
        (key, codes) ->
            assertThat(JobControllerTest.fieldNames(responses(key))).as(key).isEqualTo(codes));
  }

  @Test
  void errorsReferenceProblemSchema() {
    for (String key : CODES.keySet()) {
      for (String code : CODES.get(key)) {
        if (Integer.parseInt(code) < 400) {
          continue;
        }
        JsonNode content = responses(key).get(code).path("content");

        assertThat(JobControllerTest.fieldNames(content))
            .as("%s %s", key, code)
            .containsExactly(PROBLEM_JSON);
        assertThat(content.get(PROBLEM_JSON).get("schema").get("$ref").asString())
            .as("%s %s", key, code)
            .isEqualTo(PROBLEM_REF);
        assertThat(responses(key).get(code).get("description").asString())
            .as("%s %s", key, code)
            .isNotBlank();
      }
    }
  }

  @Test
  void problemSchemaNamesFields() {
    JsonNode problem = docs.get("components").get("schemas").get("Problem");

    assertThat(JobControllerTest.fieldNames(problem.get("properties"))).isEqualTo(PROBLEM_FIELDS);
    assertThat(problem.get("properties").get("status").get("type").asString()).isEqualTo("integer");
    assertThat(problem.get("required").valueStream().map(JsonNode::asString))
        .containsExactlyInAnyOrderElementsOf(PROBLEM_FIELDS);
  }

  @Test
  void successesKeepTheirBodies() {
    SUCCESS_SCHEMAS.forEach(
        (keyAndCode, schema) -> {
          int space = keyAndCode.lastIndexOf(' ');
          String key = keyAndCode.substring(0, space);
          JsonNode content = responses(key).get(keyAndCode.substring(space + 1)).path("content");

          assertThat(JobControllerTest.fieldNames(content)).as(keyAndCode).containsExactly(JSON);
          assertThat(content.get(JSON).get("schema").get("$ref").asString())
              .as(keyAndCode)
              .isEqualTo("#/components/schemas/" + schema);
        });
  }

  @Test
  void tokenRejectionOnlyWhereProtected() {
    for (String key : CODES.keySet()) {
      String unauthorized = responses(key).get("401").get("description").asString();
      boolean open = ApiAuthenticationFilter.isOpen(path(key));

      assertThat(unauthorized.contains("API token")).as(key).isEqualTo(!open);
      assertThat(operation(key).get("security").isEmpty()).as(key).isEqualTo(open);
    }
  }

  /** A request and the reply the service must give, which the description must list. */
  record Case(String operation, int status, Supplier<HttpResponse<String>> request) {}

  @Test
  void repliesListedInDescription() {
    TestHttp http = TestHttp.authenticated(port);
    TestHttp anonymous = new TestHttp(port);
    Job queued = store.put(JobControllerTest.job(JobState.QUEUED, 0, null, null, null));
    Job failed = store.put(JobControllerTest.job(JobState.FAILED, 1, null, null, null));
    Job succeeded = store.put(JobControllerTest.job(JobState.SUCCEEDED, 1, null, null, null));
    String jobs = "/api/v1/jobs/";
    String missing = jobs + UUID.randomUUID();
    String digestImage = "registry.example/app@" + JobControllerTest.DIGEST;
    String tooLarge = "{\"image\":\"" + "a".repeat(64 << 10) + "\"}";

    String create = "POST /api/v1/jobs";
    String list = "GET /api/v1/jobs";
    String get = "GET /api/v1/jobs/{id}";
    String retry = "POST /api/v1/jobs/{id}/retry";
    String cancel = "DELETE /api/v1/jobs/{id}";
    String backfill = "POST /api/v1/backfill";
    String webhook = "POST /webhooks/{source}";
    String distribution = "POST /webhooks/distribution";
    String notAllowed = "{\"repository\":\"other.invalid/app\"}";

    List<Case> cases =
        List.of(
            new Case(create, 202, () -> http.post(path(create), JSON, image(digestImage))),
            new Case(create, 200, () -> http.post(path(create), JSON, image(digestImage))),
            new Case(create, 400, () -> http.post(path(create), JSON, "{}")),
            new Case(create, 400, () -> http.post(path(create), JSON, "{\"image\":")),
            new Case(create, 401, () -> anonymous.post(path(create), JSON, image("app"))),
            new Case(create, 403, () -> http.post(path(create), JSON, image("other.invalid/a:1"))),
            new Case(create, 413, () -> http.post(path(create), JSON, tooLarge)),
            new Case(create, 415, () -> http.post(path(create), "text/plain", image("app"))),
            new Case(list, 200, () -> http.get(path(list))),
            new Case(list, 400, () -> http.get(path(list) + "?state=done")),
            new Case(list, 400, () -> http.get(path(list) + "?page=first")),
            new Case(get, 200, () -> http.get(jobs + queued.id())),
            new Case(get, 400, () -> http.get(jobs + "not-a-uuid")),
            new Case(get, 404, () -> http.get(missing)),
            new Case(retry, 202, () -> http.post(jobs + failed.id() + "/retry", null, "")),
            new Case(retry, 404, () -> http.post(missing + "/retry", null, "")),
            new Case(retry, 409, () -> http.post(jobs + succeeded.id() + "/retry", null, "")),
            new Case(cancel, 200, () -> http.delete(jobs + queued.id())),
            new Case(cancel, 400, () -> http.delete(jobs + "not-a-uuid")),
            new Case(cancel, 404, () -> http.delete(missing)),
            new Case(cancel, 409, () -> http.delete(jobs + succeeded.id())),
            new Case(backfill, 400, () -> http.post(path(backfill), JSON, "{}")),
            new Case(backfill, 401, () -> anonymous.post(path(backfill), JSON, notAllowed)),
            new Case(backfill, 403, () -> http.post(path(backfill), JSON, notAllowed)),
            new Case(backfill, 415, () -> http.post(path(backfill), "text/plain", notAllowed)),
            new Case(
                distribution,
                202,
                () -> anonymous.post(path(distribution), EVENTS_V2, distributionPush())),
            new Case(
                distribution,
                200,
                () -> anonymous.post(path(distribution), EVENTS_V2, "{\"events\":[]}")),
            new Case(
                distribution,
                400,
                () -> anonymous.post(path(distribution), "text/plain", "{\"events\":[]}")),
            new Case(webhook, 401, () -> anonymous.post("/webhooks/github", JSON, "{}")),
            new Case(webhook, 404, () -> anonymous.post("/webhooks/no-such-source", JSON, "{}")));

    for (Case c : cases) {
      HttpResponse<String> response = c.request().get();
      String request = c.operation() + " as " + response.request().method() + " " + response.uri();

      assertThat(response.statusCode()).as(request).isEqualTo(c.status());
      assertThat(JobControllerTest.fieldNames(responses(c.operation())))
          .as("codes listed for %s", c.operation())
          .contains(String.valueOf(c.status()));
      if (c.status() >= 400) {
        assertProblem(response, request);
      }
    }
  }

  void assertProblem(HttpResponse<String> response, String request) {
    assertThat(response.headers().firstValue("Content-Type")).as(request).hasValue(PROBLEM_JSON);
    JsonNode problem = json.readTree(response.body());
    assertThat(JobControllerTest.fieldNames(problem)).as(request).containsAll(PROBLEM_FIELDS);
    assertThat(problem.get("type").asString()).as(request).isEqualTo("about:blank");
    assertThat(problem.get("status").asInt()).as(request).isEqualTo(response.statusCode());
  }

  static String image(String reference) {
    return "{\"image\":\"" + reference + "\"}";
  }

  static String distributionPush() {
    String fixture = "/io/sociindexer/webhook/distribution-push.json";
    try (InputStream in = OpenApiResponsesTest.class.getResourceAsStream(fixture)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
