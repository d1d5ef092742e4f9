package io.sociindexer.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RawManifest;
import io.sociindexer.registry.RegistryAuthException;
import io.sociindexer.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bearer token flow against a real registry: Debian's {@code docker-registry} configured for
 * token authentication, with a {@link TokenIssuer} on 127.0.0.1 that signs the tokens.
 */
class TokenAuthRegistryTest {

  private static final String USER = "ci-pusher";
  private static final String PASSWORD = "pw-7f3a9c1e";

  private static TokenIssuer issuer;
  private static TokenAuthRegistry registry;

  private int repositoryNumber;

  @BeforeAll
  static void start() throws IOException, InterruptedException, GeneralSecurityException {
    issuer = TokenIssuer.start(USER, PASSWORD);
    registry = TokenAuthRegistry.start(issuer);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @BeforeEach
  void resetIssuer() {
    issuer.expiresInSeconds(300);
    issuer.issueExpiredTokens(0);
  }

  @Test
  void pushAndPullWithToken() throws IOException {
    RegistryClient client = client(new Credential(USER, PASSWORD), Clock.systemUTC());
    Reference image = uniqueImage();
    int hitsBefore = issuer.hits();
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest configDigest = Digest.sha256(config);

    client.pushBlob(image, configDigest, config);
    byte[] manifest = manifest(configDigest);
    Digest manifestDigest = client.pushManifest(image, MediaType.OCI_MANIFEST, manifest);
    RawManifest fetched = client.fetchManifest(image);
    try (InputStream in = client.openBlob(image, configDigest, config.length)) {
      assertThat(in.readAllBytes()).isEqualTo(config);
    }

    assertThat(fetched.bytes()).isEqualTo(manifest);
    assertThat(fetched.digest()).isEqualTo(manifestDigest);
    String firstQuery = URLDecoder.decode(issuer.requestQueries().get(hitsBefore), StandardCharsets.UTF_8);
    assertThat(firstQuery)
        .contains("service=" + TokenIssuer.SERVICE)
        .contains("scope=repository:" + image.repository() + ":push,pull");
  }

  @Test
  void tokenCachedPerScope() throws IOException {
    RegistryClient client = client(new Credential(USER, PASSWORD), Clock.systemUTC());
    Reference image = uniqueImage();
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest configDigest = Digest.sha256(config);
    client.pushBlob(image, configDigest, config);
    client.pushManifest(image, MediaType.OCI_MANIFEST, manifest(configDigest));
    int hitsBefore = issuer.hits();

    client.fetchManifest(image);
    client.fetchManifest(image);
    client.headManifest(image);
    client.blobExists(image, configDigest);

    assertThat(issuer.hits() - hitsBefore).isEqualTo(1);
  }

  @Test
  void wrongPasswordRejected() {
    RegistryClient client = client(new Credential(USER, "not-the-password"), Clock.systemUTC());
    Reference image = uniqueImage();

    RegistryAuthException error = catchThrowableOfType(
        RegistryAuthException.class, () -> client.fetchManifest(image));

    assertThat(error).isNotNull();
    assertThat(error.status()).isEqualTo(401);
    assertThat(error.getMessage()).contains("ci-pusher").doesNotContain("not-the-password");
  }

  @Test
  void expiredTokenRefreshed() throws IOException {
    TestClock clock = new TestClock(Instant.now());
    RegistryClient client = client(new Credential(USER, PASSWORD), clock);
    Reference image = uniqueImage();
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest configDigest = Digest.sha256(config);
    issuer.expiresInSeconds(120);
    client.pushBlob(image, configDigest, config);
    client.blobExists(image, configDigest);
    int hitsAfterFirstToken = issuer.hits();

    client.blobExists(image, configDigest);
    assertThat(issuer.hits()).isEqualTo(hitsAfterFirstToken);
    clock.advance(Duration.ofSeconds(115));
    client.blobExists(image, configDigest);

    assertThat(issuer.hits()).isEqualTo(hitsAfterFirstToken + 1);
  }

  @Test
  void rejectedTokenRefreshedOnce() throws IOException {
    RegistryClient client = client(new Credential(USER, PASSWORD), Clock.systemUTC());
    Reference image = uniqueImage();
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest configDigest = Digest.sha256(config);
    client.pushBlob(image, configDigest, config);

    // The cached push token is still valid. A pull scope needs a new token, which the issuer
    // makes expired. The registry rejects it, and the next call replaces it after one 401.
    issuer.issueExpiredTokens(1);
    RegistryAuthException error = catchThrowableOfType(
        RegistryAuthException.class, () -> client.blobExists(image, configDigest));
    int hitsAfterRejection = issuer.hits();
    boolean exists = client.blobExists(image, configDigest);

    assertThat(error).isNotNull();
    assertThat(error.status()).isEqualTo(401);
    assertThat(exists).isTrue();
    assertThat(issuer.hits()).isEqualTo(hitsAfterRejection + 1);
  }

  private RegistryClient client(Credential credential, Clock clock) {
    String host = registry.host();
    return RegistryClient.builder()
        .credentials(registryHost -> registryHost.equals(host) ? Optional.of(credential) : Optional.empty())
        .plainHttpRegistries(Set.of(host))
        .clock(clock)
        .build();
  }

  private Reference uniqueImage() {
    repositoryNumber++;
    return Reference.parse(registry.host() + "/team/app" + repositoryNumber + "-"
        + Long.toHexString(System.nanoTime()) + ":v1");
  }

  private static byte[] manifest(Digest configDigest) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaType.OCI_EMPTY + "\",\"digest\":\"" + configDigest
        + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
  }
}
