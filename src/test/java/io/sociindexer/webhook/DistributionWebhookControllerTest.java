package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.api.IntakeServiceTest;
import io.sociindexer.api.TestHttp;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@IntakeServiceTest
class DistributionWebhookControllerTest {

  static final String PATH = "/webhooks/distribution";
  static final String EVENTS_V2 = "application/vnd.docker.distribution.events.v2+json";
  static final String EVENTS_V1 = "application/vnd.docker.distribution.events.v1+json";
  static final String REGISTRY = "127.0.0.1:5000";
  static final Digest INDEX =
      Digest.parse("sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6");
  static final Digest DOCKER_MANIFEST =
      Digest.parse("sha256:8681c395f47a809fefc0e2ef0f85b61e3886bc273ceac84f75b2ba2a116c096c");

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired JsonMapper json;
  TestHttp http;

  @BeforeEach
  void setUp() {
    store.clear();
    http = new TestHttp(port);
  }

  static String fixture() {
    try (InputStream in =
        DistributionWebhookControllerTest.class.getResourceAsStream("distribution-push.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the notification fixture", e);
    }
  }

  static String envelope(String... events) {
    return "{\"events\":[" + String.join(",", events) + "]}";
  }

  static String manifestPush(String id, String repository, String tag, String digest) {
    String tagField = tag == null ? "" : ",\"tag\":\"" + tag + "\"";
    return """
        {"id":"%s","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json",\
        "digest":"%s","repository":"%s","url":"http://127.0.0.1:5000/v2/%s/manifests/%s"%s},\
        "request":{"host":"127.0.0.1:5000","method":"PUT"}}"""
        .formatted(id, digest, repository, repository, digest, tagField);
  }

  JsonNode body(HttpResponse<String> response) {
    return json.readTree(response.body());
  }

  Map<String, String> ignoredReasons(JsonNode summary) {
    Map<String, String> reasons = new LinkedHashMap<>();
    for (JsonNode ignored : summary.get("ignored")) {
      reasons.put(ignored.get("event").asString(), ignored.get("reason").asString());
    }
    return reasons;
  }

  @Test
  void multiArchPushStoresTaggedIndexAndManifest() {
    HttpResponse<String> response = http.post(PATH, EVENTS_V2, fixture());

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode summary = body(response);
    assertThat(summary.get("accepted").asInt()).isEqualTo(2);
    assertThat(summary.get("duplicates").asInt()).isZero();
    assertThat(ignoredReasons(summary))
        .containsOnlyKeys(
            "evt-blob-layer",
            "evt-blob-gtar",
            "evt-child-amd64",
            "evt-child-arm64",
            "evt-pull",
            "evt-mount",
            "evt-delete",
            "evt-own-output");

    List<ImageTarget> targets = store.all().stream().map(Job::image).toList();
    assertThat(targets)
        .containsExactly(
            new ImageTarget(REGISTRY, "app", "1.0", INDEX),
            new ImageTarget(REGISTRY, "team/tool", "latest", DOCKER_MANIFEST));
    assertThat(store.all()).allSatisfy(job -> assertThat(job.source()).isEqualTo("distribution"));
  }

  @Test
  void multiArchPushGivesIgnoreReasons() {
    Map<String, String> reasons = ignoredReasons(body(http.post(PATH, EVENTS_V2, fixture())));

    assertThat(reasons.get("evt-blob-layer")).startsWith("not an image manifest or index");
    assertThat(reasons.get("evt-blob-gtar")).startsWith("not an image manifest or index");
    assertThat(reasons.get("evt-child-amd64")).startsWith("untagged push");
    assertThat(reasons.get("evt-pull")).isEqualTo("not a push: action is pull");
    assertThat(reasons.get("evt-mount")).isEqualTo("not a push: action is mount");
    assertThat(reasons.get("evt-delete")).isEqualTo("not a push: action is delete");
    assertThat(reasons.get("evt-own-output")).startsWith("output of soci-indexer");
  }

  @Test
  void repeatedNotificationCountsDuplicates() {
    http.post(PATH, EVENTS_V2, fixture());

    JsonNode summary = body(http.post(PATH, EVENTS_V2, fixture()));

    assertThat(summary.get("accepted").asInt()).isZero();
    assertThat(summary.get("duplicates").asInt()).isEqualTo(2);
    assertThat(store.all()).hasSize(2);
  }

  @Test
  void contentTypesV1AndJsonAccepted() {
    String event = envelope(manifestPush("e1", "app", "1.0", INDEX.toString()));

    assertThat(http.post(PATH, EVENTS_V1, event).statusCode()).isEqualTo(202);
    assertThat(http.post(PATH, "application/json; charset=utf-8", event).statusCode())
        .isEqualTo(202);
  }

  @Test
  void invalidValuesIgnoreOnlyThatEvent() {
    String badTag = manifestPush("bad-tag", "app", "no spaces allowed", INDEX.toString());
    String badDigest = manifestPush("bad-digest", "app", "1.0", "sha256:1234");
    String badRepository = manifestPush("bad-repository", "App/Upper", "1.0", INDEX.toString());
    String good = manifestPush("good", "team/tool", "latest", DOCKER_MANIFEST.toString());

    HttpResponse<String> response =
        http.post(PATH, EVENTS_V2, envelope(badTag, badDigest, badRepository, good));

    assertThat(response.statusCode()).isEqualTo(202);
    Map<String, String> reasons = ignoredReasons(body(response));
    assertThat(reasons).containsOnlyKeys("bad-tag", "bad-digest", "bad-repository");
    assertThat(reasons.get("bad-tag")).startsWith("invalid event: invalid tag");
    assertThat(reasons.get("bad-digest")).startsWith("invalid event: invalid sha256 digest");
    assertThat(reasons.get("bad-repository")).startsWith("invalid event: invalid repository name");
    assertThat(store.all()).singleElement()
        .satisfies(job -> assertThat(job.image().repository()).isEqualTo("team/tool"));
  }

  @Test
  void malformedJsonRejected() {
    HttpResponse<String> response = http.post(PATH, EVENTS_V2, "{\"events\": [");

    assertProblem(
        response, 400, "malformed notification JSON: the JSON ends early at line 1, column 13");
    assertThat(response.body()).doesNotContain("REDACTED", "StreamReadFeature", "byte offset");
  }

  @Test
  void arrayBodyRejectedPlainly() {
    HttpResponse<String> response = http.post(PATH, EVENTS_V2, "[1,2]");

    assertProblem(response, 400, "expected an object with an \"events\" array");
    assertThat(response.body()).doesNotContain("io.sociindexer");
  }

  @Test
  void emptyBodyRejected() {
    assertProblem(http.post(PATH, EVENTS_V2, ""), 400, "malformed notification JSON");
  }

  @Test
  void wrongContentTypeRejected() {
    String event = envelope(manifestPush("e1", "app", "1.0", INDEX.toString()));

    String expected =
        "expected application/vnd.docker.distribution.events.v2+json,"
            + " application/vnd.docker.distribution.events.v1+json or application/json";

    assertProblem(
        http.post(PATH, "text/plain", event), 400, "unsupported Content-Type 'text/plain': " + expected);
    assertProblem(http.post(PATH, null, event), 400, "missing Content-Type: " + expected);
    assertProblem(http.post(PATH, "json", event), 400, "invalid Content-Type 'json': " + expected);
    assertThat(store.all()).isEmpty();
  }

  @Test
  void missingEventsRejected() {
    assertProblem(http.post(PATH, EVENTS_V2, "{}"), 400, "\"events\" array is missing");
  }

  @Test
  void missingFieldsRejectWholeEnvelope() {
    String good = manifestPush("good", "app", "1.0", INDEX.toString());
    String noDigest =
        """
        {"id":"e2","action":"push","target":{"mediaType":"application/vnd.oci.image.index.v1+json",\
        "repository":"app","tag":"2.0"},"request":{"host":"127.0.0.1:5000"}}""";
    String noAction = "{\"id\":\"e3\",\"target\":{\"repository\":\"app\"}}";
    String noTarget = "{\"id\":\"e4\",\"action\":\"push\"}";

    assertProblem(http.post(PATH, EVENTS_V2, envelope(good, noDigest)), 400, "events[1].target.digest is missing");
    assertProblem(http.post(PATH, EVENTS_V2, envelope(good, noAction)), 400, "events[1].action is missing");
    assertProblem(http.post(PATH, EVENTS_V2, envelope(noTarget)), 400, "events[0].target is missing");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void oversizedBodyRejected() {
    String padded = envelope(manifestPush("e1", "app", "1.0", INDEX.toString())) + " ".repeat(1 << 20);

    assertProblem(http.post(PATH, EVENTS_V2, padded), 413, "soci-indexer.webhook.max-body-size");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void oversizedChunkedBodyRejected() {
    byte[] padded =
        (envelope(manifestPush("e1", "app", "1.0", INDEX.toString())) + " ".repeat(1 << 20))
            .getBytes(StandardCharsets.UTF_8);

    assertProblem(http.postChunked(PATH, EVENTS_V2, padded), 413, "more than 1048576 bytes");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void storeFailureReturns500() {
    store.failEnqueue(new IllegalStateException("database at jdbc:postgresql://db/jobs is down"));

    HttpResponse<String> response =
        http.post(PATH, EVENTS_V2, envelope(manifestPush("e1", "app", "1.0", INDEX.toString())));

    assertProblem(response, 500, "the service log has the cause");
    assertThat(response.body()).doesNotContain("jdbc:postgresql");
  }

  @Test
  void unknownSourceReturns404() {
    String event = envelope(manifestPush("e1", "app", "1.0", INDEX.toString()));

    assertProblem(http.post("/webhooks/unknown", EVENTS_V2, event), 404, "unknown webhook source 'unknown'");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void ignoredOnlyDeliveryReturns200() {
    String pull =
        """
        {"id":"p1","action":"pull","target":{"mediaType":"application/vnd.oci.image.index.v1+json",\
        "digest":"%s","repository":"app","tag":"1.0"},"request":{"host":"127.0.0.1:5000"}}"""
            .formatted(INDEX);

    HttpResponse<String> response = http.post(PATH, EVENTS_V2, envelope(pull));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ignoredReasons(body(response))).containsOnlyKeys("p1");
  }

  void assertProblem(HttpResponse<String> response, int status, String detailPart) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = body(response);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asString()).contains(detailPart);
  }
}
