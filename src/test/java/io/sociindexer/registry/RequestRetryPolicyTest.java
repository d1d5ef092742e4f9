package io.sociindexer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class RequestRetryPolicyTest {

  private static final RegistryException.Context CONTEXT = new RegistryException.Context(
      "fetch manifest", "fetch manifest r/app:1", "r/app:1", "r", "GET", null);

  private static RegistryException status(int status) {
    return new RegistryException(CONTEXT, status, null, null, null, null, null, null);
  }

  private static RegistryException noResponse(IOException cause) {
    return new RegistryException(CONTEXT, 0, cause.getMessage(), cause);
  }

  @Test
  void transientStatuses() {
    for (int code : new int[] {408, 429, 500, 502, 503, 504}) {
      assertThat(RequestRetryPolicy.isTransient(status(code))).as("status %d", code).isTrue();
    }
    for (int code : new int[] {400, 401, 403, 404, 405, 409, 416, 501, 505}) {
      assertThat(RequestRetryPolicy.isTransient(status(code))).as("status %d", code).isFalse();
    }
  }

  @Test
  void noResponseTransientExceptTls() {
    assertThat(RequestRetryPolicy.isTransient(noResponse(new SocketTimeoutException("timeout"))))
        .isTrue();
    assertThat(RequestRetryPolicy.isTransient(noResponse(new SSLHandshakeException("bad cert"))))
        .isFalse();
    assertThat(RequestRetryPolicy.isTransient(new RegistryException(CONTEXT, 0, "invalid", null)))
        .isFalse();
  }

  @Test
  void backoffDoublesWithinCap() {
    RequestRetryPolicy policy = RequestRetryPolicy.DEFAULT;

    assertThat(policy.backoff(1, () -> 0.0)).isEqualTo(Duration.ofMillis(125));
    assertThat(policy.backoff(1, () -> 0.999)).isLessThanOrEqualTo(Duration.ofMillis(250));
    assertThat(policy.backoff(3, () -> 0.0)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.backoff(10, () -> 0.0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoff(60, () -> 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void delayEndsAtMaxAttempts() {
    RequestRetryPolicy policy = RequestRetryPolicy.DEFAULT;

    assertThat(policy.delayAfter(3, status(503), () -> 0.0)).isPresent();
    assertThat(policy.delayAfter(4, status(503), () -> 0.0)).isEmpty();
  }

  @Test
  void invalidPolicyRejected() {
    assertThatThrownBy(() -> new RequestRetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts 0 must be at least 1");
    assertThatThrownBy(
            () -> new RequestRetryPolicy(1, Duration.ofSeconds(-1), Duration.ZERO, Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }
}
