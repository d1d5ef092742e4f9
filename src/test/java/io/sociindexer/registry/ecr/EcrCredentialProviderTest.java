package io.sociindexer.registry.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sociindexer.registry.auth.Credential;
import io.sociindexer.registry.auth.CredentialLookupException;
import io.sociindexer.registry.auth.TestClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Runs the provider against a stub of the ECR API on 127.0.0.1. The stub speaks the AWS JSON 1.1
 * protocol of {@code GetAuthorizationToken}: a POST with {@code X-Amz-Target:
 * AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken}, answered by {@code
 * {"authorizationData":[{"authorizationToken","expiresAt","proxyEndpoint"}]}} with {@code
 * expiresAt} in epoch seconds, as in the ECR API reference. The AWS credentials are fake.
 */
class EcrCredentialProviderTest {

  private static final String ACCESS_KEY = "AKIDFAKEFORTESTS0001";
  private static final String SECRET_KEY = "fake-secret-key-for-tests-only";
  private static final String ECR_PASSWORD = "ecr-password-eyJwYXlsb2FkIjoi";
  private static final String HOST = "123456789012.dkr.ecr.eu-west-3.amazonaws.com";

  private HttpServer server;
  private final List<String> targets = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile Instant expiresAt;

  @BeforeEach
  void startStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    expiresAt = Instant.now().plus(Duration.ofHours(12));
  }

  @AfterEach
  void stopStub() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      targets.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target")));
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      String body;
      if (status == 200) {
        String token = Base64.getEncoder().encodeToString(
            ("AWS:" + ECR_PASSWORD).getBytes(StandardCharsets.UTF_8));
        body = "{\"authorizationData\":[{\"authorizationToken\":\"" + token + "\",\"expiresAt\":"
            + expiresAt.getEpochSecond() + ",\"proxyEndpoint\":\"https://" + HOST + "\"}]}";
      } else {
        body = "{\"__type\":\"AccessDeniedException\",\"message\":\"User is not authorized to"
            + " perform: ecr:GetAuthorizationToken\"}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private EcrCredentialProvider provider(TestClock clock) {
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    return EcrCredentialProvider.create(endpoint, credentials, clock);
  }

  @Test
  void regionFromHost() {
    assertThat(EcrCredentialProvider.regionOf(HOST)).contains(Region.EU_WEST_3);
    assertThat(EcrCredentialProvider.regionOf("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"))
        .contains(Region.CN_NORTH_1);
    assertThat(EcrCredentialProvider.regionOf("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com"))
        .contains(Region.US_EAST_1);
    assertThat(EcrCredentialProvider.regionOf("public.ecr.aws")).isEmpty();
    assertThat(EcrCredentialProvider.regionOf("ghcr.io")).isEmpty();
    assertThat(EcrCredentialProvider.regionOf("1234.dkr.ecr.us-east-1.amazonaws.com")).isEmpty();
  }

  @Test
  void tokenDecodedAndSigned() {
    try (EcrCredentialProvider provider = provider(new TestClock(Instant.now()))) {
      assertThat(provider.credentialsFor(HOST)).contains(new Credential("AWS", ECR_PASSWORD));
    }

    assertThat(targets).containsExactly("AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
    assertThat(authorizations.getFirst())
        .contains("Credential=" + ACCESS_KEY + "/")
        .contains("/eu-west-3/ecr/aws4_request")
        .doesNotContain(SECRET_KEY);
  }

  @Test
  void otherHostsNotCalled() {
    try (EcrCredentialProvider provider = provider(new TestClock(Instant.now()))) {
      assertThat(provider.credentialsFor("ghcr.io")).isEmpty();
    }

    assertThat(targets).isEmpty();
  }

  @Test
  void tokenCachedUntilRefresh() {
    TestClock clock = new TestClock(Instant.now());
    try (EcrCredentialProvider provider = provider(clock)) {
      provider.credentialsFor(HOST);
      provider.credentialsFor(HOST);
      assertThat(targets).hasSize(1);

      clock.advance(Duration.ofHours(11).plusMinutes(40));
      provider.credentialsFor(HOST);
      assertThat(targets).hasSize(1);

      clock.advance(Duration.ofMinutes(10));
      provider.credentialsFor(HOST);
      assertThat(targets).hasSize(2);
    }
  }

  @Test
  void accessDeniedFails() {
    status = 400;
    try (EcrCredentialProvider provider = provider(new TestClock(Instant.now()))) {
      CredentialLookupException error =
          catchThrowableOfType(CredentialLookupException.class, () -> provider.credentialsFor(HOST));

      assertThat(error.getMessage())
          .contains(HOST)
          .contains("eu-west-3")
          .contains("ecr:GetAuthorizationToken")
          .doesNotContain(SECRET_KEY);
      assertThat(error.transientFailure()).isFalse();
    }
  }
}
