package io.sociindexer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobProgress;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import io.sociindexer.oci.Digest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@IntakeServiceTest
class JobControllerTest {

  static final String JOBS = "/api/v1/jobs";
  static final String JSON = "application/json";
  static final Digest DIGEST =
      Digest.parse("sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6");
  static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired JsonMapper json;
  TestHttp http;

  @BeforeEach
  void setUp() {
    store.clear();
    http = TestHttp.authenticated(port);
  }

  JsonNode body(HttpResponse<String> response) {
    return json.readTree(response.body());
  }

  HttpResponse<String> create(String image) {
    return http.post(JOBS, JSON, "{\"image\":\"" + image + "\"}");
  }

  static Job job(JobState state, int attempts, JobProgress progress, JobResult result, JobError error) {
    ImageTarget image = new ImageTarget("127.0.0.1:5000", "app", "1.0", DIGEST);
    return new Job(
        UUID.randomUUID(), image, state, "distribution", attempts, T0,
        attempts > 0 ? T0.plusSeconds(1) : null,
        state.isActive() ? null : T0.plusSeconds(9),
        T0.plusSeconds(60), "replica-1", T0.plusSeconds(30), progress, result, error);
  }

  static Set<String> fieldNames(JsonNode node) {
    return Set.copyOf(new ArrayList<>(node.propertyNames()));
  }

  void assertProblem(HttpResponse<String> response, int status, String detailPart) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = body(response);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asString()).contains(detailPart);
  }

  @Test
  void createByTagQueuesJob() {
    HttpResponse<String> response = create("127.0.0.1:5000/team/app:1.0");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode job = body(response);
    String id = job.get("id").asString();
    assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/jobs/" + id);
    assertThat(job.get("image").asString()).isEqualTo("127.0.0.1:5000/team/app:1.0");
    assertThat(job.get("registry").asString()).isEqualTo("127.0.0.1:5000");
    assertThat(job.get("repository").asString()).isEqualTo("team/app");
    assertThat(job.get("tag").asString()).isEqualTo("1.0");
    assertThat(job.has("manifestDigest")).isFalse();
    assertThat(job.get("state").asString()).isEqualTo("queued");
    assertThat(job.get("source").asString()).isEqualTo("api");
    assertThat(job.get("attempts").asInt()).isZero();
    assertThat(Instant.parse(job.get("createdAt").asString())).isNotNull();
    assertThat(store.find(UUID.fromString(id))).isPresent();
  }

  @Test
  void createByDigestDeduplicates() {
    String image = "registry.example/app@" + DIGEST;

    HttpResponse<String> first = create(image);
    HttpResponse<String> second = create(image);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(body(second).get("id").asString()).isEqualTo(body(first).get("id").asString());
    assertThat(body(first).get("manifestDigest").asString()).isEqualTo(DIGEST.toString());
    assertThat(store.all()).hasSize(1);
  }

  @Test
  void createDockerHubNameDefaults() {
    JsonNode job = body(create("nginx"));

    assertThat(job.get("image").asString()).isEqualTo("docker.io/library/nginx:latest");
  }

  @Test
  void createInvalidReferenceRejected() {
    assertProblem(create("127.0.0.1:5000/App:1.0"), 400, "invalid image reference '127.0.0.1:5000/App:1.0'");
    assertProblem(create("app@sha256:abc"), 400, "invalid sha256 digest");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void createOddReferencesRejected() {
    List<String> references =
        List.of(
            "registry.example/caf\u00e9:1",
            "registry.example/my app:1",
            "registry.example/team/../admin:1",
            "registry.example/Team/App:1",
            "registry.example/" + "a".repeat(300) + ":1",
            "registry.example/app:" + "t".repeat(129),
            "registry.example/app:1 ",
            "registry.ex ample/app:1");

    for (String reference : references) {
      HttpResponse<String> response = create(reference);

      assertProblem(response, 400, "invalid image reference '" + reference + "'");
    }
    assertThat(store.all()).isEmpty();
  }

  @Test
  void createMissingImageRejected() {
    assertProblem(http.post(JOBS, JSON, "{}"), 400, "missing \"image\"");
    assertProblem(http.post(JOBS, JSON, "{\"image\":\"\"}"), 400, "missing \"image\"");
  }

  @Test
  void createMalformedJsonRejected() {
    assertProblem(
        http.post(JOBS, JSON, "{\"image\":"),
        400,
        "malformed JSON request body: the JSON ends early at line 1, column 10");
    assertProblem(
        http.post(JOBS, JSON, "{\"image\" \"app\"}"),
        400,
        "malformed JSON request body: invalid JSON syntax at line 1, column 10");
  }

  @Test
  void createNonObjectBodyRejected() {
    String expected =
        "the request body must be a JSON object such as"
            + " {\"image\": \"registry.example.com/app:1.0\"}";
    Map<String, String> bodies =
        Map.of("\"x\"", "a string", "5", "a number", "[\"app:1\"]", "an array", "true", "a boolean");

    bodies.forEach(
        (body, found) -> {
          HttpResponse<String> response = http.post(JOBS, JSON, body);

          assertProblem(response, 400, expected + ", not " + found);
          assertThat(response.body()).as(body).doesNotContain("io.sociindexer", "Cannot", "`");
        });
    assertThat(store.all()).isEmpty();
  }

  @Test
  void createNonStringImageRejected() {
    Map<String, String> images =
        Map.of("5", "a number", "1.5", "a number", "true", "a boolean", "false", "a boolean");

    images.forEach(
        (image, found) ->
            assertProblem(
                http.post(JOBS, JSON, "{\"image\":" + image + "}"),
                400,
                "\"image\" must be a string, not " + found
                    + ", as in {\"image\": \"registry.example.com/app:1.0\"}"));
    assertThat(store.all()).isEmpty();
  }

  @Test
  void createNullImageMissing() {
    assertProblem(http.post(JOBS, JSON, "{\"image\":null}"), 400, "missing \"image\"");
  }

  @Test
  void createEmptyBodyNamesImage() {
    assertProblem(http.post(JOBS, JSON, ""), 400, "missing \"image\"");
  }

  @Test
  void createStructuredImageRejected() {
    assertProblem(
        http.post(JOBS, JSON, "{\"image\":{\"name\":\"app\"}}"),
        400,
        "\"image\" must be a string, not an object, as in {\"image\": \"registry.example.com/app:1.0\"}");
    assertProblem(
        http.post(JOBS, JSON, "{\"image\":[\"app:1\"]}"), 400, "\"image\" must be a string, not an array");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void createWrongContentTypeRejected() {
    String body = "{\"image\":\"app:1\"}";

    assertProblem(
        http.post(JOBS, "text/plain", body),
        415,
        "unsupported Content-Type 'text/plain': expected application/json");
    assertProblem(http.post(JOBS, null, body), 415, "missing Content-Type: expected application/json");
    assertProblem(
        http.post(JOBS, "json", body), 415, "invalid Content-Type 'json': expected application/json");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void problemBodiesShareFields() {
    TestHttp anonymous = new TestHttp(port);
    List<HttpResponse<String>> problems =
        List.of(
            http.post(JOBS, JSON, "{\"image\":"),
            http.post(JOBS, JSON, "{}"),
            http.get(JOBS + "/" + UUID.randomUUID()),
            http.get(JOBS + "/abc"),
            http.delete("/api/v1/backfill"),
            http.post(JOBS, "text/plain", "{}"),
            http.post(JOBS, JSON, "{\"image\":\"" + "a".repeat(70_000) + "\"}"),
            anonymous.get(JOBS),
            anonymous.post("/webhooks/unknown", JSON, "{}"));

    for (HttpResponse<String> response : problems) {
      JsonNode problem = body(response);
      assertThat(fieldNames(problem))
          .as(response.body())
          .containsExactlyInAnyOrder("type", "title", "status", "detail", "instance");
      assertThat(problem.get("type").asString()).as(response.body()).isEqualTo("about:blank");
      assertThat(problem.get("status").asInt()).isEqualTo(response.statusCode());
    }
  }

  @Test
  void getReturnsJob() {
    Job stored = store.put(job(JobState.QUEUED, 0, null, null, null));

    HttpResponse<String> response = http.get(JOBS + "/" + stored.id());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response).get("id").asString()).isEqualTo(stored.id().toString());
  }

  @Test
  void getMissingJobNotFound() {
    UUID missing = UUID.randomUUID();

    assertProblem(http.get(JOBS + "/" + missing), 404, "job " + missing + " not found");
  }

  @Test
  void getInvalidIdRejected() {
    assertProblem(http.get(JOBS + "/not-a-uuid"), 400, "invalid id 'not-a-uuid': expected a UUID");
  }

  @Test
  void listPagesNewestFirst() {
    List<String> created = new ArrayList<>();
    for (String tag : List.of("1", "2", "3")) {
      created.add(body(create("registry.example/app:" + tag)).get("id").asString());
    }

    JsonNode firstPage = body(http.get(JOBS + "?size=2"));
    JsonNode secondPage = body(http.get(JOBS + "?page=1&size=2"));

    assertThat(firstPage.get("total").asLong()).isEqualTo(3);
    assertThat(firstPage.get("page").asInt()).isZero();
    assertThat(firstPage.get("size").asInt()).isEqualTo(2);
    assertThat(firstPage.get("jobs").valueStream().map(j -> j.get("id").asString()))
        .containsExactly(created.get(2), created.get(1));
    assertThat(secondPage.get("jobs").valueStream().map(j -> j.get("id").asString()))
        .containsExactly(created.get(0));
  }

  @Test
  void listDefaultsToTwentyPerPage() {
    JsonNode page = body(http.get(JOBS));

    assertThat(page.get("size").asInt()).isEqualTo(20);
    assertThat(page.get("jobs").size()).isZero();
    assertThat(page.get("total").asLong()).isZero();
  }

  @Test
  void listFiltersByStateAndImage() {
    create("registry.example/app:1");
    create("registry.example/other:1");
    Job failed = store.put(job(JobState.FAILED, 5, null, null, null));

    JsonNode byState = body(http.get(JOBS + "?state=failed"));
    JsonNode byImage = body(http.get(JOBS + "?image=other"));
    JsonNode byUppercaseState = body(http.get(JOBS + "?state=QUEUED"));

    assertThat(byState.get("total").asLong()).isEqualTo(1);
    assertThat(byState.get("jobs").get(0).get("id").asString()).isEqualTo(failed.id().toString());
    assertThat(byImage.get("total").asLong()).isEqualTo(1);
    assertThat(byImage.get("jobs").get(0).get("repository").asString()).isEqualTo("other");
    assertThat(byUppercaseState.get("total").asLong()).isEqualTo(2);
  }

  @Test
  void listInvalidParametersRejected() {
    assertProblem(http.get(JOBS + "?state=done"), 400, "invalid job state 'done'");
    assertProblem(http.get(JOBS + "?size=201"), 400, "invalid page size 201: expected 1 to 200");
    assertProblem(http.get(JOBS + "?size=0"), 400, "invalid page size 0");
    assertProblem(http.get(JOBS + "?page=-1"), 400, "invalid page -1");
    assertProblem(http.get(JOBS + "?page=x"), 400, "invalid page 'x': expected a whole number");
    assertProblem(
        http.get(JOBS + "?size=1.5"), 400, "invalid size '1.5': expected a whole number");
  }

  @Test
  void retryQueuesFailedJob() {
    JobError error = new JobError("fetch manifest", "127.0.0.1:5000", 404, "MANIFEST_UNKNOWN", "gone", false);
    Job failed = store.put(job(JobState.FAILED, 5, null, null, error));

    HttpResponse<String> response = http.post(JOBS + "/" + failed.id() + "/retry", null, "");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(body(response).get("state").asString()).isEqualTo("queued");
    assertThat(store.find(failed.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void retryActiveOrSucceededConflicts() {
    Job queued = store.put(job(JobState.QUEUED, 0, null, null, null));
    Job succeeded = store.put(job(JobState.SUCCEEDED, 1, null, JobResult.message("done"), null));

    assertProblem(http.post(JOBS + "/" + queued.id() + "/retry", null, ""), 409, "is queued");
    assertProblem(http.post(JOBS + "/" + succeeded.id() + "/retry", null, ""), 409, "is succeeded");
    assertProblem(http.post(JOBS + "/" + UUID.randomUUID() + "/retry", null, ""), 404, "not found");
  }

  @Test
  void cancelQueuedJob() {
    Job queued = store.put(job(JobState.QUEUED, 0, null, null, null));

    HttpResponse<String> response = http.delete(JOBS + "/" + queued.id());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response).get("state").asString()).isEqualTo("cancelled");
    assertThat(store.find(queued.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void cancelRunningOrFinalConflicts() {
    Job running = store.put(job(JobState.RUNNING, 1, JobProgress.NONE, null, null));
    Job failed = store.put(job(JobState.FAILED, 5, null, null, null));

    assertProblem(http.delete(JOBS + "/" + running.id()), 409, "is running");
    assertProblem(http.delete(JOBS + "/" + failed.id()), 409, "is failed");
    assertProblem(http.delete(JOBS + "/" + UUID.randomUUID()), 404, "not found");
    assertProblem(http.delete(JOBS + "/42"), 400, "expected a UUID");
  }

  @Test
  void runningJobShowsProgress() {
    Job running = store.put(job(JobState.RUNNING, 1, new JobProgress(1, 3, 1024, 4096), null, null));

    JsonNode view = body(http.get(JOBS + "/" + running.id()));

    assertThat(fieldNames(view))
        .containsExactlyInAnyOrder(
            "id", "image", "registry", "repository", "tag", "manifestDigest", "state", "source",
            "attempts", "node", "createdAt", "startedAt", "progress");
    assertThat(view.get("node").asString()).isEqualTo("replica-1");
    assertThat(fieldNames(view.get("progress")))
        .containsExactlyInAnyOrder("layersDone", "layersTotal", "bytesDone", "bytesTotal");
    assertThat(view.get("progress").get("bytesDone").asLong()).isEqualTo(1024);
    assertThat(view.get("startedAt").asString()).isEqualTo("2026-02-01T10:00:01Z");
  }

  @Test
  void succeededJobShowsResult() {
    JobResult result =
        new JobResult(
            "sha256:aa", "1.0-soci", List.of("sha256:bb"),
            List.of(
                new JobResult.LayerResult(
                    "linux/amd64", "sha256:cc", 5_000_000, "sha256:dd", null, true),
                new JobResult.LayerResult(
                    "linux/amd64", "sha256:ee", 100, null, "smaller than min-layer-size", false)),
            "indexed 1 of 2 layers");
    Job succeeded = store.put(job(JobState.SUCCEEDED, 1, null, result, null));

    JsonNode view = body(http.get(JOBS + "/" + succeeded.id()));

    assertThat(view.get("state").asString()).isEqualTo("succeeded");
    assertThat(view.has("progress")).isFalse();
    assertThat(view.has("leaseOwner")).isFalse();
    assertThat(view.has("finishedAt")).isTrue();
    assertThat(fieldNames(view.get("result")))
        .containsExactlyInAnyOrder(
            "imageIndexDigest", "outputTag", "sociIndexDigests", "layers", "message");
    JsonNode layers = view.get("result").get("layers");
    assertThat(fieldNames(layers.get(0)))
        .containsExactlyInAnyOrder("platform", "layerDigest", "size", "ztocDigest", "reused");
    assertThat(layers.get(0).get("reused").asBoolean()).isTrue();
    assertThat(fieldNames(layers.get(1)))
        .containsExactlyInAnyOrder("platform", "layerDigest", "size", "skipReason");
  }

  @Test
  void retryWaitShowsErrorAndRunAfter() {
    JobError error =
        new JobError("fetch blob", "127.0.0.1:5000", 503, "UNAVAILABLE", "service unavailable", true);
    Job waiting = store.put(job(JobState.QUEUED, 2, null, null, error));

    JsonNode view = body(http.get(JOBS + "/" + waiting.id()));

    assertThat(view.get("runAfter").asString()).isEqualTo("2026-02-01T10:01:00Z");
    assertThat(fieldNames(view.get("error")))
        .containsExactlyInAnyOrder(
            "operation", "registry", "status", "registryCode", "message", "retryable");
    assertThat(view.get("error").get("status").asInt()).isEqualTo(503);
    assertThat(view.get("error").get("retryable").asBoolean()).isTrue();
  }

  @Test
  void newJobHidesRunAfter() {
    Job queued = store.put(job(JobState.QUEUED, 0, null, null, null));

    JsonNode view = body(http.get(JOBS + "/" + queued.id()));

    assertThat(view.has("runAfter")).isFalse();
    assertThat(view.has("error")).isFalse();
  }

  @Test
  void apiDocsListEndpoints() {
    HttpResponse<String> response = http.get("/v3/api-docs");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response).get("info").get("title").asString()).isEqualTo("soci-indexer API");
    JsonNode paths = body(response).get("paths");
    assertThat(fieldNames(paths))
        .contains(
            "/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/retry", "/webhooks/distribution");
    assertThat(paths.get("/api/v1/jobs").get("post").get("summary").asString())
        .isEqualTo("Create a job for an image");
    assertThat(paths.get("/api/v1/jobs/{id}").has("delete")).isTrue();
    assertThat(
            fieldNames(paths.get("/webhooks/distribution").get("post").get("requestBody").get("content")))
        .contains("application/vnd.docker.distribution.events.v2+json");
  }
}
