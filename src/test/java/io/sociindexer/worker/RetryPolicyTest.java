package io.sociindexer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.LayerIndexingException;
import io.sociindexer.job.JobError;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.registry.DigestMismatchException;
import io.sociindexer.registry.ManifestNotFoundException;
import io.sociindexer.registry.RegistryAuthException;
import io.sociindexer.registry.RegistryException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final Duration INITIAL = Duration.ofSeconds(5);
  private static final Duration MAX = Duration.ofMinutes(5);

  /** A generator whose nextDouble() is 0, so no jitter is subtracted. */
  private static final RandomGenerator NO_JITTER = () -> 0L;

  /** A generator whose nextDouble() is just below 1, so the full jitter is subtracted. */
  private static final RandomGenerator FULL_JITTER = () -> -1L;

  private static final RegistryException.Context CONTEXT = new RegistryException.Context(
      "fetch manifest", "fetch manifest 127.0.0.1:5000/app:1.0", "127.0.0.1:5000/app:1.0",
      "127.0.0.1:5000", "GET", "http://127.0.0.1:5000/v2/app/manifests/1.0");

  private final RetryPolicy policy = new RetryPolicy(5, INITIAL, MAX, NO_JITTER);

  @ParameterizedTest
  @CsvSource({
    "408, true", "429, true", "500, true", "502, true", "503, true", "504, true",
    "400, false", "403, false", "405, false", "413, false", "501, false", "505, false"
  })
  void classifyHttpStatus(int status, boolean retryable) {
    RegistryException failure =
        new RegistryException(CONTEXT, status, "Reason", null, null, null, null, null);

    JobError error = policy.classify(failure).error();

    assertThat(error.retryable()).isEqualTo(retryable);
    assertThat(error.status()).isEqualTo(status);
    assertThat(error.operation()).isEqualTo("fetch manifest");
    assertThat(error.registry()).isEqualTo("127.0.0.1:5000");
  }

  @Test
  void classifyNotFound() {
    RegistryException failure =
        new ManifestNotFoundException(CONTEXT, "Not Found", "MANIFEST_UNKNOWN", "manifest unknown");

    JobError error = policy.classify(failure).error();

    assertThat(error.retryable()).isFalse();
    assertThat(error.status()).isEqualTo(404);
    assertThat(error.registryCode()).isEqualTo("MANIFEST_UNKNOWN");
    assertThat(error.message()).contains("MANIFEST_UNKNOWN: manifest unknown");
  }

  @Test
  void classifyAuthFailure() {
    RegistryException failure = new RegistryAuthException(
        CONTEXT, 401, "Unauthorized", "UNAUTHORIZED", "authentication required", null, null);

    assertThat(policy.classify(failure).error().retryable()).isFalse();
  }

  @Test
  void classifyNoResponse() {
    RegistryException timeout =
        new RegistryException(CONTEXT, 0, "read timed out", new SocketTimeoutException("timeout"));
    RegistryException tls =
        new RegistryException(CONTEXT, 0, "TLS failed", new SSLHandshakeException("bad cert"));

    assertThat(policy.classify(timeout).error().retryable()).isTrue();
    assertThat(policy.classify(tls).error().retryable()).isFalse();
  }

  @Test
  void classifyDigestMismatch() {
    Digest expected = Digest.sha256("expected".getBytes());
    Digest actual = Digest.sha256("actual".getBytes());
    RegistryException failure = new DigestMismatchException(CONTEXT, expected, actual, 8, 6);

    assertThat(policy.classify(failure).error().retryable()).isFalse();
  }

  @Test
  void classifyWrappedRegistryFailure() {
    RegistryException cause =
        new RegistryException(CONTEXT, 503, "Service Unavailable", null, null, null, null, null);
    IOException wrapped = new IOException("image 127.0.0.1:5000/app: " + cause.getMessage(), cause);

    JobError error = policy.classify(wrapped).error();

    assertThat(error.retryable()).isTrue();
    assertThat(error.status()).isEqualTo(503);
    assertThat(error.message()).startsWith("image 127.0.0.1:5000/app: fetch manifest");
  }

  @Test
  void classifyCorruptLayer() {
    Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_GZIP, "not gzip".getBytes());
    LayerIndexingException cause = new LayerIndexingException(layer, new IOException("bad magic"));
    IOException wrapped = new IOException("image 127.0.0.1:5000/app: " + cause.getMessage(), cause);

    JobError error = policy.classify(wrapped).error();

    assertThat(error.retryable()).isFalse();
    assertThat(error.operation()).isEqualTo("index layer");
    assertThat(error.registry()).isNull();
    assertThat(error.status()).isZero();
  }

  @Test
  void classifyLayerWithRegistryCause() {
    Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_GZIP, "layer".getBytes());
    RegistryException reset =
        new RegistryException(CONTEXT, 0, "connection reset", new IOException("reset"));
    LayerIndexingException failure = new LayerIndexingException(layer, reset);

    assertThat(policy.classify(failure).error().retryable()).isTrue();
  }

  @Test
  void classifyTimeout() {
    JobStoppedException timeout =
        new JobStoppedException(JobStoppedException.Reason.TIMEOUT, "job attempt timed out");
    IOException wrapped = new IOException("image app: " + timeout.getMessage(), timeout);

    JobError error = policy.classify(wrapped).error();

    assertThat(error.retryable()).isTrue();
    assertThat(error.operation()).isEqualTo("run job");
  }

  @Test
  void classifyOtherFailure() {
    JobError error = policy.classify(new IllegalArgumentException("invalid manifest")).error();

    assertThat(error.retryable()).isFalse();
    assertThat(error.operation()).isEqualTo("index image");
    assertThat(error.message()).isEqualTo("invalid manifest");
  }

  @ParameterizedTest
  @CsvSource({"1, 5", "2, 10", "3, 20", "4, 40", "5, 80", "6, 160", "7, 300", "8, 300", "70, 300"})
  void backoffDoublesUpToMax(int attempt, long seconds) {
    assertThat(policy.backoff(attempt)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void backoffJitterBounds() {
    RetryPolicy full = new RetryPolicy(5, INITIAL, MAX, FULL_JITTER);
    RetryPolicy random = new RetryPolicy(5, INITIAL, MAX, new SplittableRandom(42));

    assertThat(full.backoff(2).toMillis()).isBetween(8000L, 8001L);
    for (int i = 0; i < 1000; i++) {
      assertThat(random.backoff(3)).isBetween(Duration.ofSeconds(16), Duration.ofSeconds(20));
    }
  }

  @Test
  void retryAfterRaisesDelay() {
    RetryPolicy.Failure failure = tooManyRequests(Duration.ofSeconds(90));

    assertThat(policy.nextDelay(failure, 1)).contains(Duration.ofSeconds(90));
  }

  @Test
  void retryAfterCappedAtMax() {
    RetryPolicy.Failure failure = tooManyRequests(Duration.ofHours(1));

    assertThat(policy.nextDelay(failure, 1)).contains(MAX);
  }

  @Test
  void retryAfterShorterThanBackoff() {
    RetryPolicy.Failure failure = tooManyRequests(Duration.ofSeconds(1));

    assertThat(policy.nextDelay(failure, 3)).contains(Duration.ofSeconds(20));
  }

  @Test
  void maxAttemptsEndsRetries() {
    RetryPolicy.Failure failure = policy.classify(
        new RegistryException(CONTEXT, 503, "Service Unavailable", null, null, null, null, null));

    assertThat(policy.nextDelay(failure, 4)).isPresent();
    assertThat(policy.nextDelay(failure, 5)).isEmpty();
    assertThat(policy.nextDelay(failure, 6)).isEmpty();
  }

  @Test
  void singleAttemptNeverRetries() {
    RetryPolicy once = new RetryPolicy(1, INITIAL, MAX, NO_JITTER);
    RetryPolicy.Failure failure = once.classify(
        new RegistryException(CONTEXT, 503, "Service Unavailable", null, null, null, null, null));

    assertThat(once.nextDelay(failure, 1)).isEqualTo(Optional.empty());
  }

  @Test
  void finalFailureNeverRetries() {
    RetryPolicy.Failure failure = policy.classify(
        new RegistryException(CONTEXT, 400, "Bad Request", null, null, null, null, null));

    assertThat(policy.nextDelay(failure, 1)).isEmpty();
  }

  private RetryPolicy.Failure tooManyRequests(Duration retryAfter) {
    RegistryException failure = new RegistryException(
        CONTEXT, 429, "Too Many Requests", "TOOMANYREQUESTS", "slow down", retryAfter, null, null);
    RetryPolicy.Failure classified = policy.classify(failure);
    assertThat(classified.retryAfter()).isEqualTo(retryAfter);
    return classified;
  }
}
