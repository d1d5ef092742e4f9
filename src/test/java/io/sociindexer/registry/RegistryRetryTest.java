package io.sociindexer.registry;

import static io.sociindexer.registry.ScriptedRegistry.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request-level retries, download resumption, upload restarts and redirect rules of {@link
 * RegistryClient}, against MockWebServer on 127.0.0.1. Waits are recorded instead of slept.
 */
class RegistryRetryTest {

  private static final String MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"config\":{},\"layers\":[]}";

  private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
  private ScriptedRegistry registry;
  private Reference image;

  @BeforeEach
  void start() throws IOException {
    registry = new ScriptedRegistry();
    image = Reference.parse(registry.hostPort() + "/app:1.0");
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private RegistryClient client(Set<String> plainHttp, RequestRetryPolicy policy) {
    return RegistryClient.builder()
        .plainHttpRegistries(plainHttp)
        .retryPolicy(policy)
        .sleeper(waits::add)
        .build();
  }

  private RegistryClient client() {
    return client(Set.of(registry.hostPort()), RequestRetryPolicy.DEFAULT);
  }

  private static MockResponse manifestResponse() {
    return response(200)
        .setHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
        .body(MANIFEST)
        .build();
  }

  @Test
  void transientStatusesRetried() throws IOException {
    registry
        .expect("GET", "/v2/app/manifests/1.0", response(503).build())
        .expect("GET", "/v2/app/manifests/1.0", response(502).build())
        .expect("GET", "/v2/app/manifests/1.0", response(504).build())
        .expect("GET", "/v2/app/manifests/1.0", manifestResponse());

    RawManifest manifest = client().fetchManifest(image);

    assertThat(new String(manifest.bytes(), StandardCharsets.UTF_8)).isEqualTo(MANIFEST);
    assertThat(waits).hasSize(3);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(125), Duration.ofMillis(250));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
    assertThat(waits.get(2)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    registry.assertDone();
  }

  @Test
  void retryAfterHonoured() throws IOException {
    registry
        .expect("GET", "/v2/app/manifests/1.0", response(429).setHeader("Retry-After", "1").build())
        .expect("GET", "/v2/app/manifests/1.0", manifestResponse());

    client().fetchManifest(image);

    assertThat(waits).containsExactly(Duration.ofSeconds(1));
    registry.assertDone();
  }

  @Test
  void retryAfterAboveCapFails() {
    registry.expect("GET", "/v2/app/manifests/1.0",
        response(429).setHeader("Retry-After", "60").build());

    RegistryException e =
        catchThrowableOfType(RegistryException.class, () -> client().fetchManifest(image));

    assertThat(e.status()).isEqualTo(429);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(60));
    assertThat(waits).isEmpty();
    registry.assertDone();
  }

  @Test
  void clientErrorsNotRetried() {
    for (int status : new int[] {400, 401, 403, 404, 405}) {
      registry.expect("GET", "/v2/app/manifests/1.0", response(status).build());

      RegistryException e =
          catchThrowableOfType(RegistryException.class, () -> client().fetchManifest(image));

      assertThat(e.status()).as("status").isEqualTo(status);
      registry.assertDone();
    }
    assertThat(waits).isEmpty();
  }

  @Test
  void attemptsBounded() {
    for (int i = 0; i < 4; i++) {
      registry.expect("GET", "/v2/app/manifests/1.0", response(500).body("down").build());
    }

    RegistryException e =
        catchThrowableOfType(RegistryException.class, () -> client().fetchManifest(image));

    assertThat(e.status()).isEqualTo(500);
    assertThat(e.getSuppressed()).hasSize(1);
    assertThat(waits).hasSize(3);
    registry.assertDone();
  }

  @Test
  void missingResponseRetried() throws IOException {
    registry
        .expect("HEAD", "/v2/app/blobs/" + digestOf("x"),
            response(200).onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build())
        .expect("HEAD", "/v2/app/blobs/" + digestOf("x"), response(200).build());

    assertThat(client().blobExists(image, digestOf("x"))).isTrue();

    assertThat(waits).hasSize(1);
    registry.assertDone();
  }

  @Test
  void tokenFetchRetried() throws IOException {
    try (ScriptedRegistry tokens = new ScriptedRegistry()) {
      String challenge = "Bearer realm=\"" + tokens.baseUrl() + "/token\",service=\"test\"";
      String token = "/token?service=test&scope=repository%3Aapp%3Apull";
      registry
          .expect("GET", "/v2/app/manifests/1.0",
              response(401).setHeader("WWW-Authenticate", challenge).build())
          .expect("GET", "/v2/app/manifests/1.0",
              response(401).setHeader("WWW-Authenticate", challenge).build())
          .expect("GET", "/v2/app/manifests/1.0",
              request -> assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer t1"),
              manifestResponse());
      tokens
          .expect("GET", token, response(503).build())
          .expect("GET", token, response(200).body("{\"token\":\"t1\"}").build());

      client().fetchManifest(image);

      assertThat(waits).hasSize(1);
      tokens.assertDone();
    }
    registry.assertDone();
  }

  @Test
  void stallTimesOut() {
    OkHttpClient fast = new OkHttpClient.Builder().readTimeout(Duration.ofMillis(300)).build();
    RegistryClient client = RegistryClient.builder()
        .plainHttpRegistries(Set.of(registry.hostPort()))
        .okHttpClient(fast)
        .retryPolicy(new RequestRetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0))
        .sleeper(waits::add)
        .build();
    for (int i = 0; i < 2; i++) {
      registry.expect("GET", "/v2/app/manifests/1.0",
          response(200).bodyDelay(2, TimeUnit.SECONDS).body(MANIFEST).build());
    }

    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.fetchManifest(image));

    assertThat(e.getMessage()).contains("timed out");
    assertThat(e.retryable()).isTrue();
    assertThat(waits).hasSize(1);
  }

  @Test
  void uploadRestartsWithNewSession() throws IOException {
    byte[] content = "ztoc".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    String unknown = "{\"errors\":[{\"code\":\"BLOB_UPLOAD_UNKNOWN\",\"message\":\"unknown\"}]}";
    registry
        .expect("HEAD", "/v2/app/blobs/" + digest, response(404).build())
        .expect("POST", "/v2/app/blobs/uploads/",
            response(202).setHeader("Location", "/v2/app/blobs/uploads/u1").build())
        .expect("PUT", "/v2/app/blobs/uploads/u1?digest=" + encoded(digest),
            response(404).body(unknown).build())
        .expect("POST", "/v2/app/blobs/uploads/",
            response(202).setHeader("Location", "/v2/app/blobs/uploads/u2").build())
        .expect("PUT", "/v2/app/blobs/uploads/u2?digest=" + encoded(digest),
            response(503).build())
        .expect("POST", "/v2/app/blobs/uploads/",
            response(202).setHeader("Location", "/v2/app/blobs/uploads/u3").build())
        .expect("PUT", "/v2/app/blobs/uploads/u3?digest=" + encoded(digest),
            request -> assertThat(request.getBody().utf8()).isEqualTo("ztoc"),
            response(201).build());

    client().pushBlob(image, digest, content);

    assertThat(waits).hasSize(2);
    registry.assertDone();
  }

  @Test
  void uploadLocationOtherHostRejected() throws IOException {
    byte[] content = "ztoc".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    try (ScriptedRegistry other = new ScriptedRegistry()) {
      registry
          .expect("HEAD", "/v2/app/blobs/" + digest, response(404).build())
          .expect("POST", "/v2/app/blobs/uploads/",
              response(202).setHeader("Location", other.baseUrl() + "/upload/u1").build());

      RegistryException e = catchThrowableOfType(RegistryException.class,
          () -> client(Set.of(registry.hostPort(), other.hostPort()), RequestRetryPolicy.DEFAULT)
              .pushBlob(image, digest, content));

      assertThat(e.getMessage()).contains("upload Location " + other.baseUrl() + "/upload/u1");
      assertThat(e.getMessage()).contains("not on the registry's own scheme, host and port");
      assertThat(e.retryable()).isFalse();
      assertThat(other.requests()).isEmpty();
    }
    registry.assertDone();
  }

  @Test
  void manifestPutRetried() throws IOException {
    byte[] bytes = MANIFEST.getBytes(StandardCharsets.UTF_8);
    registry
        .expect("PUT", "/v2/app/manifests/1.0", response(500).build())
        .expect("PUT", "/v2/app/manifests/1.0", response(201).build());

    Digest pushed = client().pushManifest(image, io.sociindexer.oci.MediaType.OCI_MANIFEST, bytes);

    assertThat(pushed).isEqualTo(Digest.sha256(bytes));
    registry.assertDone();
  }

  @Test
  void blobResumesWithRange() throws IOException {
    byte[] blob = blob(200_000);
    List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    try (MockWebServer server = rangeServer(blob, ranges, request -> ranges.size() == 1)) {
      Reference repository = Reference.parse("127.0.0.1:" + server.getPort() + "/app");
      RegistryClient client = client(Set.of("127.0.0.1:" + server.getPort()), RequestRetryPolicy.DEFAULT);

      byte[] read;
      try (InputStream in = client.openBlob(repository, Digest.sha256(blob), blob.length)) {
        read = in.readAllBytes();
      }

      assertThat(read).isEqualTo(blob);
      assertThat(ranges).hasSize(2);
      assertThat(ranges.get(0)).isEqualTo("none");
      long offset = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
      assertThat(offset).isBetween(1L, (long) blob.length - 1);
      assertThat(waits).hasSize(1);
    }
  }

  @Test
  void blobRestartsWhenNothingRead() throws IOException {
    byte[] blob = blob(1);
    List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    try (MockWebServer server = rangeServer(blob, ranges, request -> ranges.size() == 1)) {
      Reference repository = Reference.parse("127.0.0.1:" + server.getPort() + "/app");
      RegistryClient client = client(Set.of("127.0.0.1:" + server.getPort()), RequestRetryPolicy.DEFAULT);

      byte[] read;
      try (InputStream in = client.openBlob(repository, Digest.sha256(blob), blob.length)) {
        read = in.readAllBytes();
      }

      assertThat(read).isEqualTo(blob);
      assertThat(ranges).containsExactly("none", "none");
    }
  }

  @Test
  void blobResumeBudgetSpent() throws IOException {
    byte[] blob = blob(200_000);
    List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    try (MockWebServer server = rangeServer(blob, ranges, request -> true)) {
      Reference repository = Reference.parse("127.0.0.1:" + server.getPort() + "/app");
      RegistryClient client = client(Set.of("127.0.0.1:" + server.getPort()), RequestRetryPolicy.DEFAULT);
      Digest digest = Digest.sha256(blob);

      RegistryException e;
      try (InputStream in = client.openBlob(repository, digest, blob.length)) {
        e = catchThrowableOfType(RegistryException.class, in::readAllBytes);
      }

      assertThat(e.getMessage()).startsWith("fetch blob " + digest + " from " + repository.repositoryName());
      assertThat(e.getMessage()).containsPattern("stopped at byte \\d+ of 200000 after 6 attempts");
      assertThat(e.operation()).isEqualTo("fetch blob");
      assertThat(e.retryable()).isTrue();
      assertThat(ranges).hasSize(6);
    }
  }

  @Test
  void blobResumeRejectsFullBody() throws IOException {
    byte[] blob = blob(200_000);
    List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    Function<RecordedRequest, Boolean> dropFirst = request -> ranges.size() == 1;
    try (MockWebServer server = rangeServer(blob, ranges, dropFirst, false)) {
      Reference repository = Reference.parse("127.0.0.1:" + server.getPort() + "/app");
      RegistryClient client = client(Set.of("127.0.0.1:" + server.getPort()), RequestRetryPolicy.DEFAULT);

      RegistryException e;
      try (InputStream in = client.openBlob(repository, Digest.sha256(blob), blob.length)) {
        e = catchThrowableOfType(RegistryException.class, in::readAllBytes);
      }

      assertThat(e.getMessage()).contains("instead of 206 Partial Content");
      assertThat(e.getMessage()).contains("was not restarted from zero");
      assertThat(ranges).hasSize(2);
    }
  }

  @Test
  void blobResumeChecksContentRange() throws IOException {
    byte[] blob = blob(200_000);
    List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          ranges.add(String.valueOf(request.getHeaders().get("Range")));
          if (ranges.size() == 1) {
            return response(200).body(new okio.Buffer().write(blob))
                .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build();
          }
          return response(206).setHeader("Content-Range", "bytes 0-199999/200000")
              .body(new okio.Buffer().write(blob)).build();
        }
      });
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      Reference repository = Reference.parse("127.0.0.1:" + server.getPort() + "/app");
      RegistryClient client = client(Set.of("127.0.0.1:" + server.getPort()), RequestRetryPolicy.DEFAULT);

      RegistryException e;
      try (InputStream in = client.openBlob(repository, Digest.sha256(blob), blob.length)) {
        e = catchThrowableOfType(RegistryException.class, in::readAllBytes);
      }

      assertThat(e.getMessage()).contains("returned Content-Range bytes 0-199999/200000 for Range: bytes=");
      assertThat(ranges).hasSize(2);
    }
  }

  @Test
  void redirectToFileRejected() {
    Digest digest = digestOf("x");
    registry.expect("GET", "/v2/app/blobs/" + digest,
        response(307).setHeader("Location", "file:///etc/passwd").build());

    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client().openBlob(image, digest, 1));

    assertThat(e.getMessage()).contains("redirected to a file: URL, which is not followed");
    assertThat(e.retryable()).isFalse();
    registry.assertDone();
  }

  @Test
  void redirectToPlainHttpHostRejected() throws IOException {
    Digest digest = digestOf("x");
    try (ScriptedRegistry other = new ScriptedRegistry()) {
      registry.expect("GET", "/v2/app/blobs/" + digest,
          response(307).setHeader("Location", other.baseUrl() + "/blob").build());

      RegistryException e = catchThrowableOfType(RegistryException.class,
          () -> client().openBlob(image, digest, 1));

      assertThat(e.getMessage()).contains("redirect to " + other.baseUrl() + "/blob was rejected");
      assertThat(other.requests()).isEmpty();
    }
    registry.assertDone();
  }

  @Test
  void manifestRedirectToOtherHostRejected() throws IOException {
    try (ScriptedRegistry other = new ScriptedRegistry()) {
      registry.expect("GET", "/v2/app/manifests/1.0",
          response(307).setHeader("Location", other.baseUrl() + "/m").build());

      RegistryException e = catchThrowableOfType(RegistryException.class,
          () -> client(Set.of(registry.hostPort(), other.hostPort()), RequestRetryPolicy.DEFAULT)
              .fetchManifest(image));

      assertThat(e.getMessage()).contains("only blob downloads may be redirected to another host");
      assertThat(other.requests()).isEmpty();
    }
  }

  @Test
  void redirectDropsBasicCredentials() throws IOException {
    byte[] content = "layer".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    try (ScriptedRegistry storage = new ScriptedRegistry()) {
      registry
          .expect("GET", "/v2/app/blobs/" + digest,
              response(401).setHeader("WWW-Authenticate", "Basic realm=\"r\"").build())
          .expect("GET", "/v2/app/blobs/" + digest,
              request -> assertThat(request.getHeaders().get("Authorization")).startsWith("Basic "),
              response(307).setHeader("Location", storage.baseUrl() + "/blob").build());
      storage.expect("GET", "/blob",
          request -> assertThat(request.getHeaders().get("Authorization")).isNull(),
          response(200).body("layer").build());
      String registryHost = registry.hostPort();
      RegistryClient client = RegistryClient.builder()
          .plainHttpRegistries(Set.of(registryHost, storage.hostPort()))
          .credentials(host -> host.equals(registryHost)
              ? java.util.Optional.of(new io.sociindexer.registry.auth.Credential("user", "secret"))
              : java.util.Optional.empty())
          .build();

      try (InputStream in = client.openBlob(image, digest, content.length)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }

      storage.assertDone();
    }
    registry.assertDone();
  }

  @Test
  void redirectRules() {
    RedirectGuard guard = new RedirectGuard(Set.of("127.0.0.1:5000"));
    okhttp3.HttpUrl registryUrl = okhttp3.HttpUrl.get("https://registry.test/v2/app/blobs/x");
    RedirectGuard.Origin blob = new RedirectGuard.Origin(registryUrl, true);
    RedirectGuard.Origin manifest = new RedirectGuard.Origin(registryUrl, false);

    assertThat(guard.check(blob, registryUrl, "/v2/app/blobs/y")).isNull();
    assertThat(guard.check(blob, registryUrl, "https://s3.test/bucket/x?sig=1")).isNull();
    assertThat(guard.check(manifest, registryUrl, "https://s3.test/bucket/x"))
        .contains("only blob downloads may be redirected");
    assertThat(guard.check(blob, registryUrl, "http://registry.test/v2/app/blobs/x"))
        .contains("would drop TLS");
    assertThat(guard.check(blob, registryUrl, "ftp://files.test/x")).contains("a ftp: URL");
    okhttp3.HttpUrl plain = okhttp3.HttpUrl.get("http://127.0.0.1:6000/v2/app/blobs/x");
    RedirectGuard.Origin plainOrigin = new RedirectGuard.Origin(plain, true);
    assertThat(guard.check(plainOrigin, plain, "http://127.0.0.1:5000/blob")).isNull();
    assertThat(guard.check(plainOrigin, plain, "http://127.0.0.1:5001/blob"))
        .contains("plain http is allowed only for the configured plain-http registries");
  }

  /**
   * Serves {@code blob} by range. The first response sends a Content-Length of the whole blob,
   * then the server shuts the connection halfway when {@code drop} returns true for the request.
   */
  private static MockWebServer rangeServer(
      byte[] blob, List<String> ranges, Function<RecordedRequest, Boolean> drop) throws IOException {
    return rangeServer(blob, ranges, drop, true);
  }

  private static MockWebServer rangeServer(
      byte[] blob, List<String> ranges, Function<RecordedRequest, Boolean> drop, boolean ranged)
      throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String range = request.getHeaders().get("Range");
        ranges.add(range == null ? "none" : range);
        int start = range == null || !ranged ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
        byte[] slice = Arrays.copyOfRange(blob, start, blob.length);
        MockResponse.Builder builder = response(start == 0 ? 200 : 206)
            .setHeader("Accept-Ranges", "bytes")
            .body(new okio.Buffer().write(slice));
        if (start > 0) {
          builder.setHeader("Content-Range", "bytes " + start + "-" + (blob.length - 1) + "/" + blob.length);
        }
        if (drop.apply(request)) {
          builder.onResponseBody(SocketEffect.ShutdownConnection.INSTANCE);
        }
        return builder.build();
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  private static byte[] blob(int size) {
    byte[] blob = new byte[size];
    for (int i = 0; i < size; i++) {
      blob[i] = (byte) (i * 131 + (i >> 8));
    }
    return blob;
  }

  private static Digest digestOf(String text) {
    return Digest.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String encoded(Digest digest) {
    return URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8);
  }
}
