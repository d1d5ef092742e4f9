package io.sociindexer.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The job API with a narrow allow-list and filters: rejected requests store nothing and send nothing. */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.datasource.url=jdbc:h2:mem:admission;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
      "soci-indexer.workers.count=0",
      "soci-indexer.registries.allowed=registry.example:5000,*.corp.example,docker.io",
      "soci-indexer.filters.exclude[0].tag=*-rc*",
      "soci-indexer.filters.include[0].repository=team/**",
      "soci-indexer.filters.include[1].registry=docker.io",
      "soci-indexer.api.tokens=" + TestHttp.API_TOKEN
    })
@Import(IntakeTestConfiguration.class)
class JobAdmissionTest {

  static final String JOBS = "/api/v1/jobs";

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired JsonMapper json;
  TestHttp http;
  MockWebServer notAllowed;

  @BeforeEach
  void setUp() throws Exception {
    store.clear();
    http = TestHttp.authenticated(port);
    notAllowed = new MockWebServer();
    notAllowed.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void tearDown() {
    notAllowed.close();
  }

  HttpResponse<String> create(String image) {
    return http.post(JOBS, "application/json", "{\"image\":\"" + image + "\"}");
  }

  void assertProblem(HttpResponse<String> response, int status, String detail) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asString()).isEqualTo(detail);
  }

  @Test
  void createAllowedRegistryAccepted() {
    assertThat(create("registry.example:5000/team/app:1.0").statusCode()).isEqualTo(202);
    assertThat(create("a.corp.example/team/app:1.0").statusCode()).isEqualTo(202);
    assertThat(create("nginx:1.27").statusCode()).isEqualTo(202);
    assertThat(store.all()).hasSize(3);
  }

  @Test
  void createOtherRegistryForbidden() {
    assertProblem(
        create("evil.example:443/team/app:1.0"),
        403,
        "registry evil.example:443 is not in soci-indexer.registries.allowed, so the service does"
            + " not contact it. Add it there to index its images.");
    assertProblem(
        create("registry.example/team/app:1.0"),
        403,
        "registry registry.example is not in soci-indexer.registries.allowed, so the service does"
            + " not contact it. Add it there to index its images.");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void createOtherRegistryContactsNothing() {
    String host = "127.0.0.1:" + notAllowed.getPort();

    HttpResponse<String> byTag = create(host + "/team/app:1.0");
    HttpResponse<String> byDigest =
        create(host + "/team/app@sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6");

    assertThat(byTag.statusCode()).isEqualTo(403);
    assertThat(byDigest.statusCode()).isEqualTo(403);
    assertThat(store.all()).isEmpty();
    assertThat(notAllowed.getRequestCount()).isZero();
  }

  @Test
  void createExcludedTagUnprocessable() {
    HttpResponse<String> response = create("registry.example:5000/team/app:2.0-rc1");

    assertProblem(
        response,
        422,
        "image registry.example:5000/team/app:2.0-rc1 is excluded by"
            + " soci-indexer.filters.exclude[0] {tag: *-rc*}");
    assertThat(store.all()).isEmpty();
  }

  @Test
  void createNotIncludedUnprocessable() {
    HttpResponse<String> response = create("registry.example:5000/other/app:1.0");

    assertProblem(
        response,
        422,
        "image registry.example:5000/other/app:1.0 matches no rule of"
            + " soci-indexer.filters.include"
            + " [{repository: team/**}, {registry: docker.io}]");
    assertThat(store.all()).isEmpty();
  }
}
