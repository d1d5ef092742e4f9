package io.sociindexer.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Body limits of every endpoint. The 10 MiB requests send only their first 64 KiB and then wait,
 * so a 413 reply proves that the service rejected the body without reading it whole.
 */
@IntakeServiceTest
class RequestBodyLimitTest {

  static final int TEN_MIB = 10 << 20;
  static final String JSON = "application/json";

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  TestHttp http;

  @BeforeEach
  void setUp() {
    store.clear();
    http = TestHttp.authenticated(port);
  }

  RawHttp.Reply postDeclaring(String path, long contentLength) throws Exception {
    String head =
        "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer " + TestHttp.API_TOKEN + "\r\nContent-Length: " + contentLength;
    return RawHttp.exchange(port, head, new byte[64 << 10]);
  }

  RawHttp.Reply postChunks(String path, int size) throws Exception {
    String head =
        "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer " + TestHttp.API_TOKEN + "\r\nTransfer-Encoding: chunked";
    return RawHttp.exchange(port, head, RawHttp.openChunks(size));
  }

  @Test
  void tenMibRejectedEverywhere() throws Exception {
    List<String> paths =
        List.of(
            "/api/v1/jobs",
            "/api/v1/backfill",
            "/api/v1/jobs/00000000-0000-0000-0000-000000000000/retry",
            "/",
            "/actuator/health",
            "/webhooks/distribution",
            "/webhooks/github",
            "/webhooks/no-such-source");

    for (String path : paths) {
      RawHttp.Reply reply = postDeclaring(path, TEN_MIB);

      assertThat(reply.status()).as("POST %s: %s", path, reply.text()).isEqualTo(413);
      assertThat(reply.text()).as("POST %s", path).contains("application/problem+json");
      assertThat(reply.text()).as("POST %s", path).contains("request body of 10485760 bytes");
    }
    assertThat(store.all()).isEmpty();
  }

  @Test
  void limitNamesSetting() throws Exception {
    RawHttp.Reply api = postDeclaring("/api/v1/jobs", TEN_MIB);
    RawHttp.Reply webhook = postDeclaring("/webhooks/distribution", TEN_MIB);

    assertThat(api.text()).contains("exceeds soci-indexer.api.max-body-size (65536 bytes)");
    assertThat(webhook.text()).contains("exceeds soci-indexer.webhook.max-body-size (1048576 bytes)");
  }

  @Test
  void unendingChunkedBodyRejected() throws Exception {
    RawHttp.Reply api = postChunks("/api/v1/jobs", 256 << 10);
    RawHttp.Reply backfill = postChunks("/api/v1/backfill", 256 << 10);

    assertThat(api.status()).as(api.text()).isEqualTo(413);
    assertThat(api.text()).contains("more than 65536 bytes");
    assertThat(backfill.status()).as(backfill.text()).isEqualTo(413);
    assertThat(store.all()).isEmpty();
  }

  @Test
  void justOverLimitRejected() {
    String padded = "{\"image\":\"registry.example/app:1\"}" + " ".repeat(64 << 10);

    HttpResponse<String> declared = http.post("/api/v1/jobs", JSON, padded);
    HttpResponse<String> chunked =
        http.postChunked("/api/v1/jobs", JSON, padded.getBytes(StandardCharsets.UTF_8));

    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(store.all()).isEmpty();
  }

  @Test
  void limitCheckedBeforeToken() {
    TestHttp anonymous = new TestHttp(port);
    String padded = "{\"image\":\"registry.example/app:1\"}" + " ".repeat(64 << 10);

    HttpResponse<String> oversized = anonymous.post("/api/v1/jobs", JSON, padded);
    HttpResponse<String> oversizedChunked =
        anonymous.postChunked("/api/v1/jobs", JSON, padded.getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> small = anonymous.post("/api/v1/jobs", JSON, "{\"image\":\"app:1\"}");

    assertThat(oversized.statusCode()).isEqualTo(413);
    assertThat(oversizedChunked.statusCode()).isEqualTo(413);
    assertThat(small.statusCode()).isEqualTo(401);
    assertThat(store.all()).isEmpty();
  }

  @Test
  void bodyWithinLimitAccepted() {
    String padded = "{\"image\":\"registry.example/app:1\"}" + " ".repeat(60 << 10);

    HttpResponse<String> chunked =
        http.postChunked("/api/v1/jobs", JSON, padded.getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> declared =
        http.post("/api/v1/jobs", JSON, padded.replace("app:1", "app:2"));

    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(202);
    assertThat(declared.statusCode()).as(declared.body()).isEqualTo(202);
    assertThat(store.all()).hasSize(2);
  }

  @Test
  void oversizedHeadersRejected() throws Exception {
    String head =
        "GET /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + TestHttp.API_TOKEN + "\r\nX-Padding: " + "a".repeat(16 << 10);

    RawHttp.Reply reply = RawHttp.exchange(port, head, new byte[0]);

    assertThat(reply.status()).isEqualTo(400);
  }
}
