package io.sociindexer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpResponsesTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void retryAfterSeconds() {
    assertThat(HttpResponses.retryAfter("30", NOW)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retryAfterHttpDate() {
    assertThat(HttpResponses.retryAfter("Sun, 01 Mar 2026 12:01:30 GMT", NOW))
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void retryAfterCapped() {
    assertThat(HttpResponses.retryAfter("86400", NOW)).isEqualTo(HttpResponses.MAX_RETRY_AFTER);
  }

  @Test
  void retryAfterPastOrInvalid() {
    assertThat(HttpResponses.retryAfter("Sun, 01 Mar 2026 11:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    assertThat(HttpResponses.retryAfter("soon", NOW)).isNull();
    assertThat(HttpResponses.retryAfter(null, NOW)).isNull();
  }

  @Test
  void errorBodyFirstEntry() {
    HttpResponses.ErrorBody error = HttpResponses.parseError(
        ("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known\","
            + "\"detail\":{\"name\":\"x\"}},{\"code\":\"OTHER\"}]}").getBytes(StandardCharsets.UTF_8));

    assertThat(error.code()).isEqualTo("NAME_UNKNOWN");
    assertThat(error.message()).isEqualTo("repository name not known");
  }

  @Test
  void errorBodyPlainText() {
    assertThat(HttpResponses.parseError("upstream\n timed out".getBytes(StandardCharsets.UTF_8)).message())
        .isEqualTo("upstream timed out");
    assertThat(HttpResponses.parseError("<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8)).message())
        .isNull();
  }

  @Test
  void retryableByCode() {
    RegistryException.Context context =
        new RegistryException.Context("push blob", "push blob x to r/a", "r/a", "r", "PUT", null);

    assertThat(new RegistryException(context, 400, "Bad Request", "BLOB_UPLOAD_INVALID", "m", null, null, null)
        .retryable()).isTrue();
    assertThat(new RegistryException(context, 400, "Bad Request", "DIGEST_INVALID", "m", null, null, null)
        .retryable()).isTrue();
    RegistryException.Context post =
        new RegistryException.Context("start upload", "push blob x to r/a", "r/a", "r", "POST", null);
    assertThat(new RegistryException(post, 400, "Bad Request", "DIGEST_INVALID", "m", null, null, null)
        .retryable()).isFalse();
    assertThat(new RegistryException(context, 408, null, null, null, null, null, null).retryable()).isTrue();
    assertThat(new RegistryException(context, 501, null, null, null, null, null, null).retryable()).isFalse();
    assertThat(new RegistryException(context, 503, null, null, null, null, null, null).retryable()).isTrue();
  }
}
