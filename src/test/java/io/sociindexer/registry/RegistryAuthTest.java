package io.sociindexer.registry;

import static io.sociindexer.registry.ScriptedRegistry.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sociindexer.indexer.ImageStore;
import io.sociindexer.indexer.RegistryImageStore;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.auth.Credential;
import io.sociindexer.registry.auth.CredentialProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import okhttp3.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Authentication through {@link RegistryClient}: challenges, tokens, Basic and redaction. */
class RegistryAuthTest {

  private static final String USER = "builder";
  private static final String PASSWORD = "s3cr3t-Passw0rd";
  private static final String TOKEN = "tok-9f8e7d6c5b4a";
  private static final String BASIC = Credentials.basic(USER, PASSWORD);
  private static final byte[] MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
          .getBytes(StandardCharsets.UTF_8);

  private ScriptedRegistry registry;
  private ScriptedRegistry tokenServer;
  private Reference image;

  @BeforeEach
  void start() throws IOException {
    registry = new ScriptedRegistry();
    tokenServer = new ScriptedRegistry();
    image = Reference.parse(registry.hostPort() + "/team/app:1.0");
  }

  @AfterEach
  void stop() {
    registry.close();
    tokenServer.close();
  }

  private RegistryClient client(CredentialProvider credentials) {
    return client(credentials, Set.of(registry.hostPort()));
  }

  /** Builds a client without request retries, so that each scripted response is used once. */
  private RegistryClient client(CredentialProvider credentials, Set<String> plainHttpRegistries) {
    return RegistryClient.builder()
        .credentials(credentials)
        .plainHttpRegistries(plainHttpRegistries)
        .retryPolicy(RequestRetryPolicy.NONE)
        .build();
  }

  private CredentialProvider password() {
    String host = registry.hostPort();
    return registryHost -> registryHost.equals(host)
        ? Optional.of(new Credential(USER, PASSWORD))
        : Optional.empty();
  }

  private String bearerChallenge(String scope) {
    return "Bearer realm=\"" + tokenServer.baseUrl() + "/token\",service=\"test-registry\""
        + (scope == null ? "" : ",scope=\"" + scope + "\"");
  }

  private static mockwebserver3.MockResponse manifestResponse() {
    return response(200)
        .setHeader("Content-Type", MediaType.OCI_MANIFEST.value())
        .body(new String(MANIFEST, StandardCharsets.UTF_8))
        .build();
  }

  private static mockwebserver3.MockResponse unauthorized(String challenge) {
    return response(401)
        .setHeader("WWW-Authenticate", challenge)
        .body("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}")
        .build();
  }

  @Test
  void bearerChallengeFetchesToken() throws IOException {
    registry
        .expect("GET", "/v2/team/app/manifests/1.0", request ->
            assertThat(request.getHeaders().get("Authorization")).isNull(),
            unauthorized(bearerChallenge("repository:team/app:pull")))
        .expect("GET", "/v2/team/app/manifests/1.0", request ->
            assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN),
            manifestResponse())
        .expect("GET", "/v2/team/app/manifests/1.0", request ->
            assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN),
            manifestResponse());
    tokenServer.expect("GET",
        "/token?service=test-registry&scope=repository%3Ateam%2Fapp%3Apull",
        request -> assertThat(request.getHeaders().get("Authorization")).isEqualTo(BASIC),
        response(200).body("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}").build());
    RegistryClient client = client(password());

    client.fetchManifest(image);
    client.fetchManifest(image);

    registry.assertDone();
    tokenServer.assertDone();
  }

  @Test
  void accessTokenForm() throws IOException {
    registry
        .expect("GET", "/v2/team/app/manifests/1.0", unauthorized(bearerChallenge(null)))
        .expect("GET", "/v2/team/app/manifests/1.0", request ->
            assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN),
            manifestResponse());
    tokenServer.expect("GET", "/token?service=test-registry&scope=repository%3Ateam%2Fapp%3Apull",
        request -> assertThat(request.getHeaders().get("Authorization")).isNull(),
        response(200).body("{\"access_token\":\"" + TOKEN + "\"}").build());

    client(CredentialProvider.ANONYMOUS).fetchManifest(image);

    registry.assertDone();
    tokenServer.assertDone();
  }

  @Test
  void pushScopeFirst() throws IOException {
    byte[] content = "ztoc".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    registry
        .expect("HEAD", "/v2/team/app/blobs/" + digest, response(401)
            .setHeader("WWW-Authenticate",
                bearerChallenge("repository:team/app:pull repository:base:pull"))
            .build())
        .expect("HEAD", "/v2/team/app/blobs/" + digest, response(200).build());
    tokenServer.expect("GET", "/token?service=test-registry"
            + "&scope=repository%3Ateam%2Fapp%3Apush%2Cpull"
            + "&scope=repository%3Ateam%2Fapp%3Apull"
            + "&scope=repository%3Abase%3Apull",
        response(200).body("{\"token\":\"" + TOKEN + "\"}").build());

    client(password()).pushBlob(image, digest, content);

    registry.assertDone();
    tokenServer.assertDone();
  }

  @Test
  void otherRepositoryRequestsPullScope() throws IOException {
    byte[] content = "ztoc".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    registry
        .expect("GET", "/v2/team/base/blobs/" + digest,
            unauthorized(bearerChallenge("repository:team/base:pull")))
        .expect("GET", "/v2/team/base/blobs/" + digest, request ->
            assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN),
            response(200).body("ztoc").build());
    tokenServer.expect("GET", "/token?service=test-registry&scope=repository%3Ateam%2Fbase%3Apull",
        request -> assertThat(request.getHeaders().get("Authorization")).isEqualTo(BASIC),
        response(200).body("{\"token\":\"" + TOKEN + "\"}").build());
    ImageStore teamApp = new RegistryImageStore(client(password()), image);

    ImageStore teamBase = teamApp.otherRepository("team/base").orElseThrow();

    assertThat(teamBase.repository().orElseThrow().registry()).isEqualTo(registry.hostPort());
    assertThat(teamBase.readBlob(Descriptor.of(MediaType.OCTET_STREAM, content), 1024))
        .isEqualTo(content);
    registry.assertDone();
    tokenServer.assertDone();
  }

  @Test
  void basicChallenge() throws IOException {
    registry
        .expect("GET", "/v2/team/app/manifests/1.0", unauthorized("Basic realm=\"registry\""))
        .expect("GET", "/v2/team/app/manifests/1.0", request ->
            assertThat(request.getHeaders().get("Authorization")).isEqualTo(BASIC),
            manifestResponse())
        .expect("GET", "/v2/team/app/manifests/1.0", request ->
            assertThat(request.getHeaders().get("Authorization")).isEqualTo(BASIC),
            manifestResponse());
    RegistryClient client = client(password());

    client.fetchManifest(image);
    client.fetchManifest(image);

    registry.assertDone();
  }

  @Test
  void secondUnauthorizedFails() {
    registry
        .expect("GET", "/v2/team/app/manifests/1.0", unauthorized(bearerChallenge(null)))
        .expect("GET", "/v2/team/app/manifests/1.0", unauthorized(bearerChallenge(null)));
    tokenServer.expect("GET", "/token?service=test-registry&scope=repository%3Ateam%2Fapp%3Apull",
        response(200).body("{\"token\":\"" + TOKEN + "\"}").build());

    RegistryAuthException e =
        catchThrowableOfType(RegistryAuthException.class, () -> client(password()).fetchManifest(image));

    assertThat(e.status()).isEqualTo(401);
    assertThat(e.errorCode()).isEqualTo("UNAUTHORIZED");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("credentials of user " + USER);
    assertNoSecrets(e);
    registry.assertDone();
    tokenServer.assertDone();
  }

  @Test
  void tokenRealmRejects() {
    registry.expect("GET", "/v2/team/app/manifests/1.0", unauthorized(bearerChallenge(null)));
    tokenServer.expect("GET", "/token?service=test-registry&scope=repository%3Ateam%2Fapp%3Apull",
        response(401).body("{\"details\":\"incorrect username or password\"}").build());

    RegistryAuthException e =
        catchThrowableOfType(RegistryAuthException.class, () -> client(password()).fetchManifest(image));

    assertThat(e.status()).isEqualTo(401);
    assertThat(e.getMessage()).contains("token request to " + tokenServer.baseUrl() + "/token");
    assertNoSecrets(e);
    registry.assertDone();
    tokenServer.assertDone();
  }

  @Test
  void invalidRealmRejected() {
    registry.expect("GET", "/v2/team/app/manifests/1.0",
        unauthorized("Bearer realm=\"ftp://example.invalid/token\",service=\"x\""));

    RegistryAuthException e = catchThrowableOfType(RegistryAuthException.class,
        () -> client(password()).fetchManifest(image));

    assertThat(e.getMessage()).contains("missing or invalid realm");
    registry.assertDone();
  }

  @Test
  void identityTokenUsesOauth() throws IOException {
    String identityToken = "refresh-abc123";
    String host = registry.hostPort();
    registry
        .expect("GET", "/v2/team/app/manifests/1.0", unauthorized(bearerChallenge(null)))
        .expect("GET", "/v2/team/app/manifests/1.0", manifestResponse());
    tokenServer.expect("POST", "/token", request -> {
      String form = request.getBody().utf8();
      assertThat(form).contains("grant_type=refresh_token");
      assertThat(form).contains("refresh_token=" + identityToken);
      assertThat(form).contains("service=test-registry");
      assertThat(form).contains("scope=repository%3Ateam%2Fapp%3Apull");
    }, response(200).body("{\"access_token\":\"" + TOKEN + "\"}").build());

    client(h -> h.equals(host) ? Optional.of(Credential.identityToken(identityToken)) : Optional.empty())
        .fetchManifest(image);

    registry.assertDone();
    tokenServer.assertDone();
  }

  @Test
  void redirectDropsAuthorization() throws IOException {
    byte[] content = "layer".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    try (ScriptedRegistry storage = new ScriptedRegistry()) {
      registry
          .expect("GET", "/v2/team/app/blobs/" + digest, unauthorized(bearerChallenge(null)))
          .expect("GET", "/v2/team/app/blobs/" + digest, request ->
              assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN),
              response(307)
                  .setHeader("Location", storage.baseUrl() + "/blob?X-Amz-Signature=secret-sig")
                  .build());
      tokenServer.expect("GET", "/token?service=test-registry&scope=repository%3Ateam%2Fapp%3Apull",
          response(200).body("{\"token\":\"" + TOKEN + "\"}").build());
      storage.expect("GET", "/blob?X-Amz-Signature=secret-sig", request ->
          assertThat(request.getHeaders().get("Authorization")).isNull(),
          response(200).body("layer").build());

      Set<String> plainHttp = Set.of(registry.hostPort(), storage.hostPort());
      try (InputStream in = client(password(), plainHttp).openBlob(image, digest, content.length)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }

      storage.assertDone();
    }
    registry.assertDone();
    tokenServer.assertDone();
  }

  @Test
  void storageErrorRedactsSignature() throws IOException {
    Digest digest = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
    try (ScriptedRegistry storage = new ScriptedRegistry()) {
      registry.expect("GET", "/v2/team/app/blobs/" + digest, response(307)
          .setHeader("Location", storage.baseUrl() + "/blob?X-Amz-Signature=secret-sig")
          .build());
      storage.expect("GET", "/blob?X-Amz-Signature=secret-sig", response(403).body("denied").build());

      RegistryException e = catchThrowableOfType(RegistryException.class,
          () -> client(password(), Set.of(registry.hostPort(), storage.hostPort()))
              .openBlob(image, digest, 5));

      assertThat(e.url()).isEqualTo(storage.baseUrl() + "/blob");
      assertThat(e.toString()).doesNotContain("secret-sig");
      storage.assertDone();
    }
    registry.assertDone();
  }

  @Test
  void messagesHideSecrets() {
    List<Throwable> failures = new ArrayList<>();
    registry
        .expect("GET", "/v2/team/app/manifests/1.0", unauthorized("Basic realm=\"r\""))
        .expect("GET", "/v2/team/app/manifests/1.0", unauthorized("Basic realm=\"r\""))
        .expect("GET", "/v2/team/app/manifests/1.0", unauthorized(bearerChallenge(null)))
        .expect("GET", "/v2/team/app/manifests/1.0", response(500).body("boom").build());
    tokenServer.expect("GET", "/token?service=test-registry&scope=repository%3Ateam%2Fapp%3Apull",
        response(200).body("{\"token\":\"" + TOKEN + "\"}").build());
    RegistryClient client = client(password());

    failures.add(catchThrowableOfType(RegistryException.class, () -> client.fetchManifest(image)));
    failures.add(catchThrowableOfType(RegistryException.class, () -> client.fetchManifest(image)));

    for (Throwable failure : failures) {
      assertNoSecrets(failure);
    }
    assertThat(new Credential(USER, PASSWORD).toString()).doesNotContain(PASSWORD);
    registry.assertDone();
    tokenServer.assertDone();
  }

  private static void assertNoSecrets(Throwable failure) {
    assertThat(failure).isNotNull();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(t.toString()).doesNotContain(PASSWORD).doesNotContain(TOKEN)
          .doesNotContain(BASIC.substring("Basic ".length()));
    }
  }
}
