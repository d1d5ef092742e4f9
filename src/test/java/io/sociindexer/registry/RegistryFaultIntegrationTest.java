package io.sociindexer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sociindexer.indexer.ImageIndexer;
import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.RegistryImageStore;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import io.sociindexer.testing.Commands;
import io.sociindexer.testing.FaultProxy;
import io.sociindexer.testing.FaultProxy.Exchange;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.RegistryReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexes a real image through a {@link FaultProxy} in front of Debian's docker-registry, one
 * test per fault kind. Transient faults must end in a pushed SOCI index. Permanent faults must
 * end in a failure that names the image, the layer or manifest, and the operation, and leave no
 * new tag. The
 * proxy's request log shows how the client recovered: downloads continue with {@code Range} and
 * uploads start over with a new POST. Each test indexes its own repository, because the registry
 * skips the upload of a blob that the repository already contains.
 */
class RegistryFaultIntegrationTest {

  /** A small layer is indexed only with a low minimum; small spans give several checkpoints. */
  private static final IndexOptions OPTIONS =
      IndexOptions.defaults().withMinLayerSize(1024).withSpanSize(256 * 1024);

  /** The client's read timeout; stalls last longer so that they end by this timeout. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  private static final Duration STALL = Duration.ofSeconds(5);

  /** Short waits keep the test quick; the attempt counts are the production defaults. */
  private static final RequestRetryPolicy FAST_RETRIES =
      new RequestRetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(5), 5);

  private static LocalRegistry registry;
  private static OciImageBuilder image;
  private static Digest layer;

  @TempDir static Path work;

  private FaultProxy proxy;

  @BeforeAll
  static void buildImage() throws Exception {
    registry = LocalRegistry.start();
    image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer zoneinfo =
        image.layerFromDirectory(Path.of("/usr/share/zoneinfo"), "gzip -c -n");
    layer = zoneinfo.digest();
    image.tag(image.manifest("linux", "amd64", List.of(zoneinfo)), "1.0");
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void startProxy() throws IOException {
    proxy = FaultProxy.start(registry.host());
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  @Test
  void droppedDownloadResumes() throws Exception {
    String repository = push("drop");
    proxy.on("GET", "/v2/drop/blobs/" + layer).first(1).dropBodyAfter(128 * 1024);

    index(repository);

    assertResumedWithRange(repository);
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("drop body after 131072", 1));
  }

  @Test
  void stalledDownloadResumes() throws Exception {
    String repository = push("stallbody");
    proxy.on("GET", "/v2/stallbody/blobs/" + layer).first(1).stallBodyAfter(64 * 1024, STALL);

    index(repository);

    assertResumedWithRange(repository);
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("stall body after 65536", 1));
  }

  @Test
  void stalledManifestRetried() throws Exception {
    String repository = push("stall");
    proxy.on("GET", "/v2/stall/manifests/1.0").first(1).stall(STALL);

    index(repository);

    List<Exchange> fetches = matching("GET", "/v2/stall/manifests/1.0");
    assertThat(fetches.get(0).status()).isZero();
    assertThat(fetches.get(1).status()).isEqualTo(200);
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("stall 5000ms", 1));
  }

  @Test
  void unavailableManifestRetried() throws Exception {
    String repository = push("unavailable");
    proxy.on("GET", "/v2/unavailable/manifests/1.0").first(2).respond(503);

    index(repository);

    List<Integer> statuses =
        matching("GET", "/v2/unavailable/manifests/1.0").stream().map(Exchange::status).toList();
    assertThat(statuses).startsWith(503, 503, 200);
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("status 503", 2));
  }

  @Test
  void serverErrorOnBlobRetried() throws Exception {
    String repository = push("servererror");
    proxy.on("GET", "/v2/servererror/blobs/" + layer).first(1).respond(500);

    index(repository);

    List<Exchange> downloads = matching("GET", "/v2/servererror/blobs/" + layer);
    assertThat(downloads).extracting(Exchange::status).containsExactly(500, 200);
    assertThat(downloads).extracting(Exchange::range).containsOnlyNulls();
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("status 500", 1));
  }

  @Test
  void badGatewayOnManifestPushRetried() throws Exception {
    String repository = push("badgateway");
    proxy.on("PUT", "/v2/badgateway/manifests/.+").first(1).respond(502);

    index(repository);

    assertThat(matching("PUT", "/v2/badgateway/manifests/").get(0).status()).isEqualTo(502);
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("status 502", 1));
  }

  @Test
  void rateLimitHonoured() throws Exception {
    String repository = push("ratelimit");
    proxy.on("HEAD", "/v2/ratelimit/blobs/.+").first(1).tooManyRequests();

    long started = System.nanoTime();
    index(repository);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    List<Exchange> heads = matching("HEAD", "/v2/ratelimit/blobs/");
    assertThat(heads.get(0).status()).isEqualTo(429);
    assertThat(heads.get(1).path()).isEqualTo(heads.get(0).path());
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("429 Retry-After 1", 1));
  }

  @Test
  void closedUploadRestarts() throws Exception {
    String repository = push("closed");
    proxy.on("PUT", "/v2/closed/blobs/uploads/.+").first(1).closeUpload();

    index(repository);

    assertUploadRestarted(repository);
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("close upload", 1));
  }

  @Test
  void unknownUploadRestarts() throws Exception {
    String repository = push("unknown");
    proxy.on("PUT", "/v2/unknown/blobs/uploads/.+").first(1).uploadUnknown();

    index(repository);

    assertUploadRestarted(repository);
    assertThat(matching("PUT", "/v2/unknown/blobs/uploads/").get(0).status()).isEqualTo(404);
    assertSociTag(repository, true);
    assertPushOrder(repository);
    assertThat(proxy.injected()).containsExactly(Map.entry("404 BLOB_UPLOAD_UNKNOWN", 1));
  }

  @Test
  void failedChildPushLeavesNoTag() throws Exception {
    String repository = push("child");
    proxy.on("PUT", "/v2/child/manifests/sha256:.+").always().respond(500);

    IOException e = catchThrowableOfType(IOException.class, () -> index(repository));

    assertThat(e.getMessage()).contains("push manifest");
    assertThat(e.getMessage()).contains("500");
    assertThat(matching("PUT", "/v2/child/manifests/sha256:")).hasSize(FAST_RETRIES.maxAttempts());
    assertThat(matching("PUT", "/v2/child/manifests/1.0-soci")).isEmpty();
    assertSociTag(repository, false);
    assertThat(proxy.injected()).containsExactly(Map.entry("status 500", 4));
  }

  @Test
  void brokenDownloadFailsClearly() throws Exception {
    String repository = push("broken");
    proxy.on("GET", "/v2/broken/blobs/" + layer).always().dropBodyAfter(32 * 1024);

    IOException e = catchThrowableOfType(IOException.class, () -> index(repository));

    assertThat(e.getMessage()).contains("image " + proxy.host() + "/broken:1.0");
    assertThat(e.getMessage()).contains("layer " + layer);
    assertThat(e.getMessage()).contains("fetch blob " + layer + " from " + proxy.host() + "/broken");
    assertThat(e.getMessage()).containsPattern("stopped at byte \\d+ of \\d+ after 6 attempts");
    assertThat(matching("GET", "/v2/broken/blobs/" + layer)).hasSize(6);
    assertSociTag(repository, false);
    assertThat(proxy.injected()).containsExactly(Map.entry("drop body after 32768", 6));
  }

  private String push(String repository) throws IOException, InterruptedException {
    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/" + repository + ":1.0");
    return repository;
  }

  private IndexResult index(String repository) throws IOException {
    RegistryClient client = RegistryClient.builder()
        .plainHttpRegistries(Set.of(proxy.host()))
        .okHttpClient(new OkHttpClient.Builder().readTimeout(READ_TIMEOUT).build())
        .retryPolicy(FAST_RETRIES)
        .build();
    Reference reference = Reference.parse(proxy.host() + "/" + repository + ":1.0");
    RegistryImageStore store = new RegistryImageStore(client, reference);
    return new ImageIndexer(OPTIONS).index(store, "1.0", null);
  }

  private List<Exchange> matching(String method, String pathPrefix) {
    return proxy.exchanges().stream()
        .filter(exchange -> exchange.method().equals(method))
        .filter(exchange -> exchange.path().startsWith(pathPrefix))
        .toList();
  }

  /**
   * Checks that the layer was downloaded once from byte 0 and continued with a range request
   * that the registry served with 206.
   */
  private void assertResumedWithRange(String repository) {
    List<Exchange> downloads = matching("GET", "/v2/" + repository + "/blobs/" + layer);
    assertThat(downloads).as("layer downloads: %s", downloads).hasSize(2);
    assertThat(downloads.get(0).range()).isNull();
    assertThat(downloads.get(0).fault()).isNotNull();
    assertThat(downloads.get(1).range()).matches("bytes=[1-9]\\d*-");
    assertThat(downloads.get(1).status()).isEqualTo(206);
  }

  /** Checks that the failed upload PUT was followed by a new POST and a PUT to a new session. */
  private void assertUploadRestarted(String repository) {
    List<Exchange> uploads = proxy.exchanges().stream()
        .filter(exchange -> exchange.path().startsWith("/v2/" + repository + "/blobs/uploads/"))
        .toList();
    int failed = 0;
    while (uploads.get(failed).fault() == null) {
      failed++;
    }
    assertThat(uploads.get(failed).method()).isEqualTo("PUT");
    assertThat(uploads.get(failed + 1).method()).as("after %s", uploads).isEqualTo("POST");
    assertThat(uploads.get(failed + 2).method()).isEqualTo("PUT");
    assertThat(uploads.get(failed + 2).status()).isEqualTo(201);
    assertThat(session(uploads.get(failed + 2))).isNotEqualTo(session(uploads.get(failed)));
  }

  /**
   * Checks from the request log that the successful pushes went blobs first, then manifests by
   * digest, and the {@code 1.0-soci} tag last.
   */
  private void assertPushOrder(String repository) {
    String prefix = "/v2/" + repository + "/";
    List<String> pushes = proxy.exchanges().stream()
        .filter(exchange -> exchange.method().equals("PUT") && exchange.status() == 201)
        .map(exchange -> session(exchange).substring(prefix.length()))
        .map(path -> path.endsWith("/1.0-soci") ? path : path.replaceAll("/[^/]*$", "/"))
        .toList();
    int firstManifest = pushes.indexOf("manifests/");
    assertThat(pushes).as("pushes").last().isEqualTo("manifests/1.0-soci");
    assertThat(pushes.subList(0, firstManifest)).as("pushes %s", pushes).containsOnly("blobs/uploads/");
    assertThat(pushes.subList(firstManifest, pushes.size() - 1)).as("pushes %s", pushes)
        .containsOnly("manifests/");
  }

  private static String session(Exchange put) {
    return put.path().replaceAll("\\?.*", "");
  }

  private void assertSociTag(String repository, boolean expected)
      throws IOException, InterruptedException {
    RegistryReader reader = new RegistryReader(registry.host(), repository);
    assertThat(reader.manifest("1.0-soci").isPresent()).as("tag 1.0-soci exists").isEqualTo(expected);
  }
}
