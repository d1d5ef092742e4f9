package io.sociindexer.registry;

import static io.sociindexer.registry.ScriptedRegistry.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryClientTest {

  private static final byte[] MANIFEST = """
      {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
      "config":{},"layers":[]}""".getBytes(StandardCharsets.UTF_8);
  private static final Digest MANIFEST_DIGEST = Digest.sha256(MANIFEST);

  private ScriptedRegistry registry;
  private RegistryClient client;
  private Reference image;

  @BeforeEach
  void start() throws IOException {
    registry = new ScriptedRegistry();
    // Without request retries, so that each scripted response is used once; RegistryRetryTest
    // covers retries.
    client = RegistryClient.builder()
        .plainHttpRegistries(Set.of(registry.hostPort()))
        .retryPolicy(RequestRetryPolicy.NONE)
        .build();
    image = Reference.parse(registry.hostPort() + "/app:1.0");
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void requestListenerSeesEveryRequest() throws IOException {
    List<String> seen = new java.util.ArrayList<>();
    RegistryClient listened = RegistryClient.builder()
        .plainHttpRegistries(Set.of(registry.hostPort()))
        .requestListener((host, operation, status) -> seen.add(host + " " + operation + " " + status))
        .build();
    registry.expect("GET", "/v2/app/manifests/1.0", request -> {}, response(404).build());

    assertThatThrownBy(() -> listened.fetchManifest(image))
        .isInstanceOf(ManifestNotFoundException.class);

    assertThat(seen).containsExactly(registry.hostPort() + " fetch manifest 404");
  }

  @Test
  void requestListenerSeesMissingResponse() {
    List<Integer> statuses = new java.util.ArrayList<>();
    RegistryClient listened = RegistryClient.builder()
        .plainHttpRegistries(Set.of("127.0.0.1:1"))
        .retryPolicy(RequestRetryPolicy.NONE)
        .requestListener((host, operation, status) -> statuses.add(status))
        .build();

    assertThatThrownBy(() -> listened.fetchManifest(Reference.parse("127.0.0.1:1/app:1.0")))
        .isInstanceOf(RegistryException.class);

    assertThat(statuses).containsExactly(0);
  }

  @Test
  void fetchManifestByTag() throws IOException {
    registry.expect("GET", "/v2/app/manifests/1.0", request -> {
      String accept = request.getHeaders().get("Accept");
      List<String> types = Arrays.stream(accept.split(",")).map(String::strip).toList();
      assertThat(types).containsExactlyInAnyOrder(
          MediaType.OCI_MANIFEST.value(), MediaType.OCI_INDEX.value(),
          MediaType.DOCKER_MANIFEST.value(), MediaType.DOCKER_MANIFEST_LIST.value());
      assertThat(request.getHeaders().get("User-Agent")).isEqualTo("soci-indexer");
    }, response(200)
        .setHeader("Content-Type", MediaType.OCI_MANIFEST.value() + "; charset=utf-8")
        .setHeader("Docker-Content-Digest", MANIFEST_DIGEST.toString())
        .body(new String(MANIFEST, StandardCharsets.UTF_8))
        .build());

    RawManifest manifest = client.fetchManifest(image);

    assertThat(manifest.bytes()).isEqualTo(MANIFEST);
    assertThat(manifest.digest()).isEqualTo(MANIFEST_DIGEST);
    assertThat(manifest.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    registry.assertDone();
  }

  @Test
  void fetchManifestTagIgnoresWrongDigestHeader() throws IOException {
    Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    registry.expect("GET", "/v2/app/manifests/1.0", response(200)
        .setHeader("Content-Type", MediaType.OCI_MANIFEST.value())
        .setHeader("Docker-Content-Digest", other.toString())
        .body(new String(MANIFEST, StandardCharsets.UTF_8))
        .build());

    RawManifest manifest = client.fetchManifest(image);

    assertThat(manifest.digest()).isEqualTo(MANIFEST_DIGEST);
    registry.assertDone();
  }

  @Test
  void fetchManifestByDigest() throws IOException {
    registry.expect("GET", "/v2/app/manifests/" + MANIFEST_DIGEST, response(200)
        .setHeader("Content-Type", MediaType.OCI_MANIFEST.value())
        .body(new String(MANIFEST, StandardCharsets.UTF_8))
        .build());

    RawManifest manifest = client.fetchManifest(image.withDigest(MANIFEST_DIGEST));

    assertThat(manifest.digest()).isEqualTo(MANIFEST_DIGEST);
    registry.assertDone();
  }

  @Test
  void fetchManifestDigestMismatch() {
    Digest wanted = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    registry.expect("GET", "/v2/app/manifests/" + wanted, response(200)
        .setHeader("Content-Type", MediaType.OCI_MANIFEST.value())
        .body(new String(MANIFEST, StandardCharsets.UTF_8))
        .build());

    DigestMismatchException e = catchThrowableOfType(DigestMismatchException.class,
        () -> client.fetchManifest(image.withDigest(wanted)));

    assertThat(e.expected()).isEqualTo(wanted);
    assertThat(e.actual()).isEqualTo(MANIFEST_DIGEST);
    assertThat(e.bytesRead()).isEqualTo(MANIFEST.length);
    assertThat(e.operation()).isEqualTo("fetch manifest");
    assertThat(e.retryable()).isFalse();
    registry.assertDone();
  }

  @Test
  void fetchManifestTypeFromJson() throws IOException {
    registry.expect("GET", "/v2/app/manifests/1.0", response(200)
        .setHeader("Content-Type", "application/json")
        .body(new String(MANIFEST, StandardCharsets.UTF_8))
        .build());

    assertThat(client.fetchManifest(image).mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    registry.assertDone();
  }

  @Test
  void fetchManifestAboveLimit() {
    String huge = "{\"pad\":\"" + "x".repeat(RegistryClient.MAX_MANIFEST_BYTES) + "\"}";
    registry.expect("GET", "/v2/app/manifests/1.0", response(200)
        .setHeader("Content-Type", MediaType.OCI_MANIFEST.value())
        .body(huge)
        .build());

    assertThatThrownBy(() -> client.fetchManifest(image))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("fetch manifest " + image)
        .hasMessageContaining("limit for manifests");
    registry.assertDone();
  }

  @Test
  void fetchManifestNotFound() {
    registry.expect("GET", "/v2/app/manifests/1.0", response(404)
        .setHeader("Content-Type", "application/json")
        .body("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}")
        .build());

    ManifestNotFoundException e =
        catchThrowableOfType(ManifestNotFoundException.class, () -> client.fetchManifest(image));

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.errorCode()).isEqualTo("MANIFEST_UNKNOWN");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).isEqualTo("fetch manifest " + image
        + " failed: 404 Client Error MANIFEST_UNKNOWN: manifest unknown");
    registry.assertDone();
  }

  @Test
  void headManifestDescriptor() throws IOException {
    registry.expect("HEAD", "/v2/app/manifests/1.0", response(200)
        .setHeader("Content-Type", MediaType.OCI_INDEX.value())
        .setHeader("Docker-Content-Digest", MANIFEST_DIGEST.toString())
        .setHeader("Content-Length", "1234")
        .build());

    Optional<Descriptor> descriptor = client.headManifest(image);

    assertThat(descriptor).contains(Descriptor.of(MediaType.OCI_INDEX, MANIFEST_DIGEST, 1234));
    registry.assertDone();
  }

  @Test
  void headManifestMissing() throws IOException {
    registry.expect("HEAD", "/v2/app/manifests/1.0", response(404).build());

    assertThat(client.headManifest(image)).isEmpty();
    registry.assertDone();
  }

  @Test
  void headManifestFallsBackToGet() throws IOException {
    registry
        .expect("HEAD", "/v2/app/manifests/1.0", response(200).build())
        .expect("GET", "/v2/app/manifests/1.0", response(200)
            .setHeader("Content-Type", MediaType.OCI_MANIFEST.value())
            .body(new String(MANIFEST, StandardCharsets.UTF_8))
            .build());

    assertThat(client.headManifest(image))
        .contains(Descriptor.of(MediaType.OCI_MANIFEST, MANIFEST_DIGEST, MANIFEST.length));
    registry.assertDone();
  }

  @Test
  void openBlobVerifiesContent() throws IOException {
    byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    registry.expect("GET", "/v2/app/blobs/" + digest, response(200).body("layer bytes").build());

    try (InputStream in = client.openBlob(image, digest, content.length)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    registry.assertDone();
  }

  @Test
  void openBlobDigestMismatch() throws IOException {
    Digest digest = Digest.sha256("expected".getBytes(StandardCharsets.UTF_8));
    registry.expect("GET", "/v2/app/blobs/" + digest, response(200).body("tampered").build());

    try (InputStream in = client.openBlob(image, digest, 8)) {
      DigestMismatchException e = catchThrowableOfType(DigestMismatchException.class, in::readAllBytes);
      assertThat(e.expected()).isEqualTo(digest);
      assertThat(e.actual()).isEqualTo(Digest.sha256("tampered".getBytes(StandardCharsets.UTF_8)));
      assertThat(e.bytesRead()).isEqualTo(8);
      assertThat(e.operation()).isEqualTo("fetch blob");
    }
    registry.assertDone();
  }

  @Test
  void openBlobLongerThanExpected() throws IOException {
    byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    // A chunked body has no Content-Length, so the stream itself must notice the excess.
    registry.expect("GET", "/v2/app/blobs/" + digest,
        new mockwebserver3.MockResponse.Builder().code(200).chunkedBody("0123456789", 3).build());

    try (InputStream in = client.openBlob(image, digest, 4)) {
      DigestMismatchException e = catchThrowableOfType(DigestMismatchException.class, in::readAllBytes);
      assertThat(e.actual()).isNull();
      assertThat(e.expectedSize()).isEqualTo(4);
      assertThat(e.bytesRead()).isGreaterThan(4);
    }
    registry.assertDone();
  }

  @Test
  void openBlobContentLengthMismatch() {
    Digest digest = Digest.sha256("abc".getBytes(StandardCharsets.UTF_8));
    registry.expect("GET", "/v2/app/blobs/" + digest, response(200).body("abcdef").build());

    assertThatThrownBy(() -> client.openBlob(image, digest, 3))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("Content-Length 6 but the descriptor says 3 bytes");
    registry.assertDone();
  }

  @Test
  void openBlobNotFound() {
    Digest digest = Digest.sha256("abc".getBytes(StandardCharsets.UTF_8));
    registry.expect("GET", "/v2/app/blobs/" + digest, response(404)
        .body("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}")
        .build());

    BlobNotFoundException e =
        catchThrowableOfType(BlobNotFoundException.class, () -> client.openBlob(image, digest, 3));

    assertThat(e.errorCode()).isEqualTo("BLOB_UNKNOWN");
    assertThat(e.image()).isEqualTo(registry.hostPort() + "/app");
    registry.assertDone();
  }

  @Test
  void blobExistsHead() throws IOException {
    Digest digest = Digest.sha256("abc".getBytes(StandardCharsets.UTF_8));
    registry
        .expect("HEAD", "/v2/app/blobs/" + digest, response(200).build())
        .expect("HEAD", "/v2/app/blobs/" + digest, response(404).build());

    assertThat(client.blobExists(image, digest)).isTrue();
    assertThat(client.blobExists(image, digest)).isFalse();
    registry.assertDone();
  }

  @Test
  void pushBlobSkipsExisting() throws IOException {
    byte[] content = "ztoc".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    registry.expect("HEAD", "/v2/app/blobs/" + digest, response(200).build());

    client.pushBlob(image, digest, content);

    assertThat(registry.requests()).hasSize(1);
    registry.assertDone();
  }

  @Test
  void pushBlobRelativeLocation() throws IOException {
    byte[] content = "ztoc".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    registry
        .expect("HEAD", "/v2/app/blobs/" + digest, response(404).build())
        .expect("POST", "/v2/app/blobs/uploads/",
            response(202).setHeader("Location", "/v2/app/blobs/uploads/u1").build())
        .expect("PUT", "/v2/app/blobs/uploads/u1?digest=" + encoded(digest), request -> {
          assertThat(request.getBody().toByteArray()).isEqualTo(content);
          assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/octet-stream");
        }, response(201).build());

    client.pushBlob(image, digest, content);

    registry.assertDone();
  }

  @Test
  void pushBlobLocationWithQuery() throws IOException {
    byte[] content = "ztoc".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    registry
        .expect("HEAD", "/v2/app/blobs/" + digest, response(404).build())
        .expect("POST", "/v2/app/blobs/uploads/", response(202)
            .setHeader("Location", registry.baseUrl() + "/v2/app/blobs/uploads/u2?_state=abc")
            .build())
        .expect("PUT", "/v2/app/blobs/uploads/u2?_state=abc&digest=" + encoded(digest), response(201).build());

    client.pushBlob(image, digest, content);

    registry.assertDone();
  }

  @Test
  void pushBlobRejectsWrongDigest() {
    Digest digest = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> client.pushBlob(image, digest, new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("content hashes to");
    assertThat(registry.requests()).isEmpty();
  }

  @Test
  void pushBlobErrorBody() {
    byte[] content = "ztoc".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    registry
        .expect("HEAD", "/v2/app/blobs/" + digest, response(404).build())
        .expect("POST", "/v2/app/blobs/uploads/",
            response(202).setHeader("Location", "/v2/app/blobs/uploads/u1").build())
        .expect("PUT", "/v2/app/blobs/uploads/u1?digest=" + encoded(digest), response(400)
            .body("{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"provided digest did not"
                + " match uploaded content\",\"detail\":{}}]}")
            .build());

    RegistryException e =
        catchThrowableOfType(RegistryException.class, () -> client.pushBlob(image, digest, content));

    assertThat(e.getMessage()).isEqualTo("push blob " + digest + " to " + registry.hostPort()
        + "/app failed: 400 Client Error DIGEST_INVALID: provided digest did not match uploaded content");
    assertThat(e.operation()).isEqualTo("push blob");
    assertThat(e.httpMethod()).isEqualTo("PUT");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.errorCode()).isEqualTo("DIGEST_INVALID");
    assertThat(e.registryMessage()).isEqualTo("provided digest did not match uploaded content");
    assertThat(e.registry()).isEqualTo(registry.hostPort());
    assertThat(e.url()).doesNotContain("?");
    // The bytes we sent hash to the digest we gave, so the registry stored something else.
    assertThat(e.retryable()).isTrue();
    registry.assertDone();
  }

  @Test
  void pushBlobChunkedContentRange() throws IOException {
    byte[] content = new byte[25];
    Arrays.fill(content, (byte) 7);
    Digest digest = Digest.sha256(content);
    registry
        .expect("HEAD", "/v2/app/blobs/" + digest, response(404).build())
        .expect("POST", "/v2/app/blobs/uploads/", response(202)
            .setHeader("Location", "/v2/app/blobs/uploads/c1")
            .setHeader("OCI-Chunk-Min-Length", "10")
            .build())
        .expect("PATCH", "/v2/app/blobs/uploads/c1", request -> {
          assertThat(request.getHeaders().get("Content-Range")).isEqualTo("0-9");
          assertThat(request.getBody().size()).isEqualTo(10);
        }, response(202).setHeader("Location", "/v2/app/blobs/uploads/c1?part=2").build())
        .expect("PATCH", "/v2/app/blobs/uploads/c1?part=2", request -> {
          assertThat(request.getHeaders().get("Content-Range")).isEqualTo("10-19");
        }, response(202).setHeader("Location", "/v2/app/blobs/uploads/c1?part=3").build())
        .expect("PATCH", "/v2/app/blobs/uploads/c1?part=3", request -> {
          assertThat(request.getHeaders().get("Content-Range")).isEqualTo("20-24");
          assertThat(request.getBody().size()).isEqualTo(5);
        }, response(202).setHeader("Location", "/v2/app/blobs/uploads/c1?part=4").build())
        .expect("PUT", "/v2/app/blobs/uploads/c1?part=4&digest=" + encoded(digest), request -> {
          assertThat(request.getBodySize()).isZero();
        }, response(201).build());

    client.pushBlobChunked(image, digest, new ByteArrayInputStream(content), content.length, 4);

    registry.assertDone();
  }

  @Test
  void pushBlobChunkedShortStream() {
    byte[] content = new byte[10];
    Digest digest = Digest.sha256(content);
    registry
        .expect("HEAD", "/v2/app/blobs/" + digest, response(404).build())
        .expect("POST", "/v2/app/blobs/uploads/",
            response(202).setHeader("Location", "/v2/app/blobs/uploads/c1").build())
        .expect("PATCH", "/v2/app/blobs/uploads/c1",
            response(202).setHeader("Location", "/v2/app/blobs/uploads/c1").build());

    DigestMismatchException e = catchThrowableOfType(DigestMismatchException.class,
        () -> client.pushBlobChunked(image, digest, new ByteArrayInputStream(content), 20, 10));

    assertThat(e.bytesRead()).isEqualTo(10);
    assertThat(e.expectedSize()).isEqualTo(20);
    registry.assertDone();
  }

  @Test
  void pushManifestExactBytes() throws IOException {
    Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    registry.expect("PUT", "/v2/app/manifests/1.0", request -> {
      assertThat(request.getBody().toByteArray()).isEqualTo(MANIFEST);
      assertThat(request.getHeaders().get("Content-Type")).isEqualTo(MediaType.OCI_MANIFEST.value());
    }, response(201).setHeader("Docker-Content-Digest", other.toString()).build());

    Digest digest = client.pushManifest(image, MediaType.OCI_MANIFEST, MANIFEST);

    assertThat(digest).isEqualTo(MANIFEST_DIGEST);
    registry.assertDone();
  }

  @Test
  void pushManifestByDigest() throws IOException {
    registry.expect("PUT", "/v2/app/manifests/" + MANIFEST_DIGEST, response(201).build());

    client.pushManifest(image.withDigest(MANIFEST_DIGEST),
        MediaType.OCI_MANIFEST, MANIFEST);

    registry.assertDone();
  }

  @Test
  void tooManyRequestsRetryAfter() {
    registry.expect("GET", "/v2/app/manifests/1.0", response(429)
        .setHeader("Retry-After", "7")
        .body("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}")
        .build());

    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.fetchManifest(image));

    assertThat(e.status()).isEqualTo(429);
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).contains(java.time.Duration.ofSeconds(7));
    registry.assertDone();
  }

  @Test
  void serverErrorRetryable() {
    registry.expect("GET", "/v2/app/manifests/1.0", response(500).body("oops").build());

    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.fetchManifest(image));

    assertThat(e.status()).isEqualTo(500);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).endsWith("failed: 500 Server Error oops");
    registry.assertDone();
  }

  @Test
  void connectionFailureRetryable() throws IOException {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }
    String host = "127.0.0.1:" + port;
    RegistryClient closedClient = RegistryClient.builder()
        .plainHttpRegistries(Set.of(host))
        .retryPolicy(RequestRetryPolicy.NONE)
        .build();

    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> closedClient.fetchManifest(Reference.parse(host + "/app:1.0")));

    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
    assertThat(e.getCause()).isInstanceOf(IOException.class);
    assertThat(e.httpMethod()).isEqualTo("GET");
  }

  /** Returns the digest as OkHttp writes it in a query: the colon percent-encoded. */
  private static String encoded(Digest digest) {
    return digest.toString().replace(":", "%3A");
  }
}
