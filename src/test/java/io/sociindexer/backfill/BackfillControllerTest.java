package io.sociindexer.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.api.IntakeServiceTest;
import io.sociindexer.api.TestHttp;
import io.sociindexer.job.ImageAdmission;
import io.sociindexer.oci.MediaType;
import io.sociindexer.testing.MemoryRegistry;
import java.io.IOException;
import java.util.List;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@IntakeServiceTest
@Import(BackfillControllerTest.Admission.class)
class BackfillControllerTest {

  static final String BACKFILL = "/api/v1/backfill";
  static final String JSON = "application/json";
  static final MemoryRegistry REGISTRY = start();

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired JsonMapper json;
  TestHttp http;

  /** Refuses repositories named forbidden/... as outside the allow-list, and tags vskip*. */
  @TestConfiguration(proxyBeanMethods = false)
  static class Admission {
    @Bean
    @Primary
    ImageAdmission testAdmission() {
      return (image, source) -> {
        if (image.repository().startsWith("forbidden")) {
          return Optional.of(new ImageAdmission.Refusal(
              "registry " + image.registry() + " is not in soci-indexer.registries", true));
        }
        if (image.tag() != null && image.tag().startsWith("vskip")) {
          return Optional.of(new ImageAdmission.Refusal("tag excluded by filter", false));
        }
        return Optional.empty();
      };
    }
  }

  static MemoryRegistry start() {
    try {
      return new MemoryRegistry(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void registry(DynamicPropertyRegistry properties) {
    properties.add("soci-indexer.plain-http-registries[0]", REGISTRY::host);
  }

  @AfterAll
  static void stop() {
    REGISTRY.close();
  }

  @BeforeEach
  void setUp() {
    store.clear();
    http = TestHttp.authenticated(port);
  }

  HttpResponse<String> backfill(String body) {
    return http.post(BACKFILL, JSON, body);
  }

  @Test
  void backfillQueuesMissingTags() throws IOException {
    REGISTRY.pushImage("team/app", "v1", "a");
    REGISTRY.pushImage("team/app", "v2", "b");
    REGISTRY.pushImage("team/app", "latest", "c");
    REGISTRY.pushImage("team/app", "vskip", "d");
    byte[] v2 = REGISTRY.manifest("team/app", "v2");
    REGISTRY.putManifest("team/app", "v2-soci", MediaType.OCI_MANIFEST, v2);

    HttpResponse<String> response =
        backfill("{\"repository\":\"" + REGISTRY.host() + "/team/app\",\"tagGlob\":\"v*\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("queued").asInt()).isEqualTo(1);
    assertThat(body.get("skipped").toString())
        .contains("\"tag\":\"v2\",\"reason\":\"already indexed as v2-soci\"")
        .contains("\"tag\":\"v2-soci\"")
        .contains("\"tag\":\"vskip\",\"reason\":\"tag excluded by filter\"");
    assertThat(store.all()).singleElement().satisfies(job -> {
      assertThat(job.image().tag()).isEqualTo("v1");
      assertThat(job.image().repository()).isEqualTo("team/app");
      assertThat(job.source()).isEqualTo("backfill");
    });
  }

  @Test
  void backfillRefusesRegistryBeforeContact() {
    int before = REGISTRY.requests().size();

    HttpResponse<String> response =
        backfill("{\"repository\":\"" + REGISTRY.host() + "/forbidden/app\"}");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("is not in soci-indexer.registries");
    assertThat(REGISTRY.requests()).hasSize(before);
    assertThat(store.all()).isEmpty();
  }

  @Test
  void backfillMissingRepository() {
    HttpResponse<String> response = backfill("{\"tagGlob\":\"v*\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("missing \\\"repository\\\"");
  }

  @Test
  void backfillRepositoryWithTag() {
    HttpResponse<String> response =
        backfill("{\"repository\":\"" + REGISTRY.host() + "/team/app:v1\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("without tag or digest");
  }

  @Test
  void backfillUnknownRepositoryNotFound() {
    HttpResponse<String> response =
        backfill("{\"repository\":\"" + REGISTRY.host() + "/team/never-pushed\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    assertThat(response.body()).contains("NAME_UNKNOWN").doesNotContain("failed: list tags");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void backfillMalformedBodyRejected() {
    HttpResponse<String> malformed = backfill("{\"repository\":");
    HttpResponse<String> wrongType = http.post(BACKFILL, "text/plain", "{\"repository\":\"a/b\"}");

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("malformed JSON request body");
    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(wrongType.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void backfillNonObjectBodyRejected() {
    HttpResponse<String> response = backfill("\"team/app\"");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json.readTree(response.body()).get("detail").asString())
        .isEqualTo(
            "the request body must be a JSON object such as {\"repository\":"
                + " \"registry.example.com/team/app\", \"tagGlob\": \"v1.*\"}, not a string");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void backfillNonStringFieldsRejected() {
    int before = REGISTRY.requests().size();
    String repository = "\"repository\":\"" + REGISTRY.host() + "/team/app\"";

    // -1 would be an invalid reference as text, so no registry is contacted even if it were read.
    HttpResponse<String> number = backfill("{\"repository\":-1}");
    HttpResponse<String> numberGlob = backfill("{" + repository + ",\"tagGlob\":5}");
    HttpResponse<String> booleanGlob = backfill("{" + repository + ",\"tagGlob\":true}");

    assertThat(number.statusCode()).isEqualTo(400);
    assertThat(json.readTree(number.body()).get("detail").asString())
        .startsWith("\"repository\" must be a string, not a number, as in {\"repository\":");
    assertThat(numberGlob.statusCode()).isEqualTo(400);
    assertThat(json.readTree(numberGlob.body()).get("detail").asString())
        .startsWith("\"tagGlob\" must be a string, not a number");
    assertThat(booleanGlob.statusCode()).isEqualTo(400);
    assertThat(json.readTree(booleanGlob.body()).get("detail").asString())
        .startsWith("\"tagGlob\" must be a string, not a boolean");
    assertThat(REGISTRY.requests()).hasSize(before);
    assertThat(store.all()).isEmpty();
  }

  @Test
  void backfillOddRepositoryRejected() {
    int before = REGISTRY.requests().size();

    for (String repository :
        List.of("team/caf\u00e9", "team/my app", "team/../admin", "Team/App", "a/" + "b".repeat(300))) {
      String text = REGISTRY.host() + "/" + repository;

      HttpResponse<String> response = backfill("{\"repository\":\"" + text + "\"}");

      assertThat(response.statusCode()).as(text).isEqualTo(400);
      assertThat(json.readTree(response.body()).get("detail").asString())
          .as(text)
          .contains("invalid image reference '" + text + "'");
    }
    assertThat(REGISTRY.requests()).hasSize(before);
    assertThat(store.all()).isEmpty();
  }

  /** Checks 202 and 404 against the description here, because only this test runs a registry. */
  @Test
  void backfillRepliesListedInDescription() throws IOException {
    REGISTRY.pushImage("team/listed", "v1", "e");
    JsonNode docs = json.readTree(new TestHttp(port).get("/v3/api-docs").body());
    JsonNode responses = docs.get("paths").get(BACKFILL).get("post").get("responses");

    HttpResponse<String> queued =
        backfill("{\"repository\":\"" + REGISTRY.host() + "/team/listed\"}");
    HttpResponse<String> unknown =
        backfill("{\"repository\":\"" + REGISTRY.host() + "/team/never-pushed\"}");

    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    assertThat(responses.has("202")).isTrue();
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    assertThat(responses.has("404")).isTrue();
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }
}
