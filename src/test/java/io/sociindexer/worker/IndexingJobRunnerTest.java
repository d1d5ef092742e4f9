package io.sociindexer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.admission.ConfiguredImageAdmission;
import io.sociindexer.admission.FilterRule;
import io.sociindexer.admission.Filters;
import io.sociindexer.admission.RegistryAllowList;
import io.sociindexer.indexer.ImageIndexer;
import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobProgress;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.registry.RequestRetryPolicy;
import io.sociindexer.worker.IndexingJobRunner.Outcome;
import io.sociindexer.worker.JobStoppedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IndexingJobRunnerTest {

  private static final String NODE = "node-a";
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final IndexOptions INDEX_ALL = IndexOptions.defaults().withMinLayerSize(0);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryJobStore store = new InMemoryJobStore(clock);
  private final RetryPolicy retryPolicy =
      new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(60), () -> 0L);

  private FakeRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void startRegistry() throws Exception {
    registry = new FakeRegistry();
    // Without request-level retries, so that a scripted registry failure reaches the job-level
    // retry policy that these tests cover.
    client = RegistryClient.builder()
        .plainHttpRegistries(Set.of(registry.host()))
        .retryPolicy(RequestRetryPolicy.NONE)
        .build();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void successWritesResult() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "success");
    UUID id = enqueue("app", "1.0", image.manifest());

    Outcome outcome = runner(INDEX_ALL).run(claim());

    Job job = store.get(id);
    JobResult result = job.result();
    assertThat(outcome).isEqualTo(Outcome.SUCCEEDED);
    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.leaseOwner()).isNull();
    assertThat(result.outputTag()).isEqualTo("1.0-soci");
    assertThat(result.imageIndexDigest())
        .isEqualTo(registry.tagDigest("app", "1.0-soci").toString());
    assertThat(result.sociIndexDigests()).hasSize(1);
    assertThat(result.layers()).hasSize(1);
    assertThat(result.layers().getFirst().layerDigest()).isEqualTo(image.layer().toString());
    assertThat(result.layers().getFirst().ztocDigest()).isNotNull();
    assertThat(result.layers().getFirst().skipReason()).isNull();
    assertThat(result.layers().getFirst().platform()).isEqualTo("linux/amd64");
    assertThat(result.message()).isEqualTo("indexed as 1.0-soci");
  }

  @Test
  void successWritesProgress() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "progress");
    enqueue("app", "1.0", image.manifest());

    runner(INDEX_ALL).run(claim());

    List<JobProgress> writes = store.progressWrites();
    JobProgress last = writes.getLast();
    assertThat(writes).isNotEmpty();
    assertThat(last.layersTotal()).isEqualTo(1);
    assertThat(last.layersDone()).isEqualTo(1);
    assertThat(last.bytesDone()).isEqualTo(last.bytesTotal());
    assertThat(last.bytesTotal()).isPositive();
  }

  @Test
  void successReportsStagesAndOutcome() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "observed");
    enqueue("app", "1.0", image.manifest());
    clock.advance(Duration.ofSeconds(7));
    RecordingObserver observer = new RecordingObserver();
    IndexingJobRunner runner = new IndexingJobRunner(store, client, new ImageIndexer(INDEX_ALL),
        ImageAdmission.ALL, retryPolicy, NODE, clock, observer);

    runner.run(claim());

    assertThat(observer.stages).containsExactly("resolve", "index", "push");
    assertThat(observer.bytes).isPositive();
    assertThat(observer.outcomes).containsExactly(Outcome.SUCCEEDED);
    assertThat(observer.elapsed).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(8));
    assertThat(observer.indexedLayers).isPositive();
    assertThat(observer.reusedLayers).isZero();
  }

  @Test
  void nothingToIndexReportsSkipReason() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "small", "small-observed");
    enqueue("app", "small", image.manifest());
    RecordingObserver observer = new RecordingObserver();
    IndexingJobRunner runner = new IndexingJobRunner(store, client,
        new ImageIndexer(IndexOptions.defaults()), ImageAdmission.ALL, retryPolicy, NODE, clock,
        observer);

    runner.run(claim());

    assertThat(observer.outcomes).containsExactly(Outcome.SKIPPED);
    assertThat(observer.skipReasons).containsExactly("nothing_to_index");
    assertThat(observer.indexedLayers).isZero();
    assertThat(observer.skippedLayers).isPositive();
  }

  /** Records what the runner reports, for assertions. */
  private static final class RecordingObserver implements JobObserver {

    final List<String> stages = new java.util.ArrayList<>();
    final List<Outcome> outcomes = new java.util.ArrayList<>();
    final List<String> skipReasons = new java.util.ArrayList<>();
    long bytes;
    Duration elapsed;
    int indexedLayers;
    int reusedLayers;
    int skippedLayers;

    @Override
    public void stageFinished(String stage, Duration duration) {
      stages.add(stage);
    }

    @Override
    public void layerBytesRead(long read) {
      bytes += read;
    }

    @Override
    public void layersFinished(int indexed, int reused, int skipped) {
      indexedLayers += indexed;
      reusedLayers += reused;
      skippedLayers += skipped;
    }

    @Override
    public void attemptFinished(
        Job job, Outcome outcome, String skipReason, JobError error, Duration attemptElapsed) {
      outcomes.add(outcome);
      skipReasons.add(skipReason);
      elapsed = attemptElapsed;
    }
  }

  @Test
  void tagOnlyJobRecordsDigest() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "latest", "tag-only");
    UUID id = enqueue("app", "latest", null);

    Outcome outcome = runner(INDEX_ALL).run(claim());

    assertThat(outcome).isEqualTo(Outcome.SUCCEEDED);
    assertThat(store.get(id).image().digest()).isEqualTo(image.manifest());
  }

  @Test
  void nothingToIndexSkips() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "small", "small");
    UUID id = enqueue("app", "small", image.manifest());

    Outcome outcome = runner(IndexOptions.defaults()).run(claim());

    Job job = store.get(id);
    assertThat(outcome).isEqualTo(Outcome.SKIPPED);
    assertThat(job.state()).isEqualTo(JobState.SKIPPED);
    assertThat(job.result().message()).isEqualTo("nothing to index");
    assertThat(job.result().outputTag()).isNull();
    assertThat(job.result().layers()).hasSize(1);
    assertThat(job.result().layers().getFirst().skipReason()).isNotBlank();
    assertThat(registry.tagDigest("app", "small-soci")).isNull();
  }

  @Test
  void ownOutputTagSkips() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "own-output");
    enqueue("app", "1.0", image.manifest());
    runner(INDEX_ALL).run(claim());
    UUID output = enqueue("app", "1.0-soci", null);

    Outcome outcome = runner(INDEX_ALL).run(claim());

    assertThat(outcome).isEqualTo(Outcome.SKIPPED);
    assertThat(store.get(output).result().message()).isEqualTo("already SOCI-enabled");
    assertThat(registry.tagDigest("app", "1.0-soci-soci")).isNull();
  }

  @Test
  void sociIndexManifestSkips() throws Exception {
    Digest config = registry.putBlob("{}".getBytes(StandardCharsets.UTF_8));
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST.value()
        + "\",\"config\":{\"mediaType\":\"" + MediaType.SOCI_INDEX_V2.value() + "\",\"digest\":\""
        + config + "\",\"size\":2},\"layers\":[]}";
    Digest digest = registry.putManifest(
        "app", null, MediaType.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    UUID id = enqueue("app", null, digest);

    Outcome outcome = runner(INDEX_ALL).run(claim());

    assertThat(outcome).isEqualTo(Outcome.SKIPPED);
    assertThat(store.get(id).result().message()).isEqualTo("soci-indexer output");
  }

  @Test
  void annotatedManifestSkips() throws Exception {
    Digest config = registry.putBlob("{}".getBytes(StandardCharsets.UTF_8));
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST.value()
        + "\",\"config\":{\"mediaType\":\"" + MediaType.OCI_CONFIG.value() + "\",\"digest\":\""
        + config + "\",\"size\":2},\"layers\":[],\"annotations\":{"
        + "\"com.amazon.soci.index-digest\":\"" + config + "\"}}";
    Digest digest = registry.putManifest(
        "app", "annotated", MediaType.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    UUID id = enqueue("app", "annotated", digest);

    Outcome outcome = runner(INDEX_ALL).run(claim());

    assertThat(outcome).isEqualTo(Outcome.SKIPPED);
    assertThat(store.get(id).result().message()).isEqualTo("already SOCI-enabled");
  }

  @Test
  void alreadyIndexedSkipsWithoutLayerRead() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "again");
    enqueue("app", "1.0", image.manifest());
    runner(INDEX_ALL).run(claim());
    String layerRead = "GET /v2/app/blobs/" + image.layer();
    long layerReads = registry.count(layerRead);
    UUID second = enqueue("app", "1.0-copy", image.manifest());

    Outcome outcome = runner(INDEX_ALL).run(claim());

    Job job = store.get(second);
    assertThat(outcome).isEqualTo(Outcome.SKIPPED);
    assertThat(job.result().message()).isEqualTo("already indexed as 1.0-soci");
    assertThat(job.result().outputTag()).isEqualTo("1.0-soci");
    assertThat(registry.count(layerRead)).isEqualTo(layerReads);
    assertThat(registry.tagDigest("app", "1.0-copy-soci")).isNull();
  }

  @Test
  void movedOutputTagIndexesAgain() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "moved");
    enqueue("app", "1.0", image.manifest());
    runner(INDEX_ALL).run(claim());
    TestImages.Pushed other = TestImages.push(registry, "app", "1.0-soci", "other");
    UUID second = enqueue("app", "1.0", image.manifest());

    Outcome outcome = runner(INDEX_ALL).run(claim());

    assertThat(outcome).isEqualTo(Outcome.SUCCEEDED);
    assertThat(store.get(second).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(registry.tagDigest("app", "1.0-soci")).isNotEqualTo(other.manifest());
  }

  @Test
  void unavailableThenSuccessRetries() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "retry");
    UUID id = enqueue("app", "1.0", image.manifest());
    registry.failNext("GET", "/v2/app/manifests/.*", 1,
        FakeRegistry.error(503, "UNAVAILABLE", "service unavailable"));
    Instant firstAttempt = clock.instant();

    Outcome first = runner(INDEX_ALL).run(claim());

    Job queued = store.get(id);
    JobError error = queued.error();
    assertThat(first).isEqualTo(Outcome.RETRY_SCHEDULED);
    assertThat(queued.state()).isEqualTo(JobState.QUEUED);
    assertThat(queued.runAfter()).isEqualTo(firstAttempt.plusSeconds(2));
    assertThat(error.status()).isEqualTo(503);
    assertThat(error.retryable()).isTrue();
    assertThat(error.operation()).isEqualTo("fetch manifest");
    assertThat(store.claim(NODE, LEASE, Set.of())).isEmpty();

    clock.advance(Duration.ofSeconds(2));
    Outcome second = runner(INDEX_ALL).run(claim());

    assertThat(second).isEqualTo(Outcome.SUCCEEDED);
    assertThat(store.get(id).attempts()).isEqualTo(2);
    assertThat(store.get(id).error()).isNull();
  }

  @Test
  void tooManyRequestsHonoursRetryAfter() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "rate-limit");
    UUID id = enqueue("app", "1.0", image.manifest());
    registry.failNext("GET", "/v2/app/manifests/.*", 1, new MockResponse.Builder()
        .code(429)
        .setHeader("Retry-After", "30")
        .setHeader("Content-Type", "application/json")
        .body("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}")
        .build());

    Outcome outcome = runner(INDEX_ALL).run(claim());

    Job queued = store.get(id);
    assertThat(outcome).isEqualTo(Outcome.RETRY_SCHEDULED);
    assertThat(queued.runAfter()).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(queued.error().registryCode()).isEqualTo("TOOMANYREQUESTS");
  }

  @Test
  void unavailableLastAttemptFails() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "exhausted");
    UUID id = enqueue("app", "1.0", image.manifest());
    registry.failNext("GET", "/v2/app/manifests/.*", 3,
        FakeRegistry.error(503, "UNAVAILABLE", "service unavailable"));

    List<Outcome> outcomes = new java.util.ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      outcomes.add(runner(INDEX_ALL).run(claim()));
      clock.advance(Duration.ofMinutes(1));
    }

    assertThat(outcomes).containsExactly(
        Outcome.RETRY_SCHEDULED, Outcome.RETRY_SCHEDULED, Outcome.FAILED);
    assertThat(store.get(id).state()).isEqualTo(JobState.FAILED);
    assertThat(store.get(id).attempts()).isEqualTo(3);
  }

  @Test
  void notFoundFailsAtOnce() throws Exception {
    UUID id = enqueue("app", "missing", null);

    Outcome outcome = runner(INDEX_ALL).run(claim());

    Job job = store.get(id);
    JobError error = job.error();
    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.attempts()).isEqualTo(1);
    assertThat(job.finishedAt()).isEqualTo(clock.instant());
    assertThat(error.operation()).isEqualTo("fetch manifest");
    assertThat(error.registry()).isEqualTo(registry.host());
    assertThat(error.status()).isEqualTo(404);
    assertThat(error.registryCode()).isEqualTo("MANIFEST_UNKNOWN");
    assertThat(error.message()).contains("app:missing");
    assertThat(error.retryable()).isFalse();
  }

  @Test
  void blobBadRequestFailsAtOnce() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "corrupt");
    UUID id = enqueue("app", "1.0", image.manifest());
    registry.failNext("GET", "/v2/app/blobs/" + image.layer(), 1,
        FakeRegistry.error(400, "BLOB_UNKNOWN", "bad request"));

    Outcome outcome = runner(INDEX_ALL).run(claim());

    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(store.get(id).error().status()).isEqualTo(400);
    assertThat(store.get(id).error().operation()).isEqualTo("fetch blob");
  }

  @Test
  void corruptLayerFailsAtOnce() throws Exception {
    byte[] gzip = TestImages.gzip(TestImages.tar("corrupt"));
    byte[] truncated = java.util.Arrays.copyOf(gzip, gzip.length / 2);
    TestImages.push(registry, "app", "corrupt", truncated, Digest.sha256(truncated));
    UUID id = enqueue("app", "corrupt", null);

    Outcome outcome = runner(INDEX_ALL).run(claim());

    JobError error = store.get(id).error();
    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(error.operation()).isEqualTo("index layer");
    assertThat(error.retryable()).isFalse();
    assertThat(error.message()).contains(Digest.sha256(truncated).toString());
  }

  @Test
  void timeoutRetriesThenFails() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "timeout");
    UUID id = enqueue("app", "1.0", image.manifest());
    RetryPolicy twoAttempts =
        new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(60), () -> 0L);
    IndexingJobRunner runner = new IndexingJobRunner(
        store, client, new ImageIndexer(INDEX_ALL), twoAttempts, NODE, clock);

    JobAttempt first = claim();
    clock.advance(TIMEOUT.plusSeconds(1));
    Outcome firstOutcome = runner.run(first);
    Job queued = store.get(id);
    clock.advance(Duration.ofMinutes(1));
    JobAttempt second = claim();
    clock.advance(TIMEOUT.plusSeconds(1));
    Outcome secondOutcome = runner.run(second);

    Job failed = store.get(id);
    assertThat(firstOutcome).isEqualTo(Outcome.RETRY_SCHEDULED);
    assertThat(queued.error().operation()).isEqualTo("run job");
    assertThat(queued.error().message()).contains("timed out");
    assertThat(secondOutcome).isEqualTo(Outcome.FAILED);
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.error().message()).contains("timed out");
  }

  @Test
  void lostLeaseWritesNothing() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "lost");
    UUID id = enqueue("app", "1.0", image.manifest());
    JobAttempt attempt = claim();
    store.stealLease(id, "node-b");
    attempt.stop(Reason.LEASE_LOST);

    Outcome outcome = runner(INDEX_ALL).run(attempt);

    Job job = store.get(id);
    assertThat(outcome).isEqualTo(Outcome.LEASE_LOST);
    assertThat(job.state()).isEqualTo(JobState.RUNNING);
    assertThat(job.leaseOwner()).isEqualTo("node-b");
    assertThat(job.result()).isNull();
    assertThat(job.error()).isNull();
    assertThat(registry.count("PUT /v2/app/manifests/.*")).isZero();
  }

  @Test
  void leaseTakenBeforeCompleteWritesNothing() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "taken");
    UUID id = enqueue("app", "1.0", image.manifest());
    JobAttempt attempt = claim();
    store.stealLease(id, "node-b");

    Outcome outcome = runner(INDEX_ALL).run(attempt);

    assertThat(outcome).isEqualTo(Outcome.LEASE_LOST);
    assertThat(store.get(id).state()).isEqualTo(JobState.RUNNING);
    assertThat(store.get(id).result()).isNull();
  }

  @Test
  void shutdownStopWritesNothing() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "shutdown");
    UUID id = enqueue("app", "1.0", image.manifest());
    JobAttempt attempt = claim();
    attempt.stop(Reason.SHUTDOWN);

    Outcome outcome = runner(INDEX_ALL).run(attempt);

    assertThat(outcome).isEqualTo(Outcome.STOPPED);
    assertThat(store.get(id).state()).isEqualTo(JobState.RUNNING);
    assertThat(store.get(id).error()).isNull();
  }

  @Test
  void registryNotAllowedFailsAtOnce() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "not-allowed");
    UUID id = enqueue("app", "1.0", image.manifest());
    int requestsBefore = registry.requests().size();
    ConfiguredImageAdmission admission =
        new ConfiguredImageAdmission(
            RegistryAllowList.of(List.of("registry.example")),
            Filters.none("soci-indexer.filters"),
            Map.of());

    Outcome outcome = runner(admission).run(claim());

    Job job = store.get(id);
    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.attempts()).isEqualTo(1);
    assertThat(job.finishedAt()).isEqualTo(clock.instant());
    assertThat(job.error().operation()).isEqualTo("check registry");
    assertThat(job.error().registry()).isEqualTo(registry.host());
    assertThat(job.error().retryable()).isFalse();
    assertThat(job.error().message())
        .startsWith("registry " + registry.host() + " is not in soci-indexer.registries.allowed");
    assertThat(registry.requests()).hasSize(requestsBefore);
  }

  @Test
  void filteredOutSkipsWithoutRequests() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0-rc1", "filtered");
    UUID id = enqueue("app", "1.0-rc1", image.manifest());
    int requestsBefore = registry.requests().size();
    Filters excludeRc =
        new Filters(
            "soci-indexer.filters", List.of(), List.of(FilterRule.of(null, null, "*-rc*")));
    ConfiguredImageAdmission admission =
        new ConfiguredImageAdmission(
            RegistryAllowList.of(List.of(registry.host())), excludeRc, Map.of());

    Outcome outcome = runner(admission).run(claim());

    Job job = store.get(id);
    assertThat(outcome).isEqualTo(Outcome.SKIPPED);
    assertThat(job.state()).isEqualTo(JobState.SKIPPED);
    assertThat(job.result().message())
        .endsWith("is excluded by soci-indexer.filters.exclude[0] {tag: *-rc*}");
    assertThat(registry.requests()).hasSize(requestsBefore);
  }

  @Test
  void allowedRegistryRuns() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "allowed");
    enqueue("app", "1.0", image.manifest());
    ConfiguredImageAdmission admission =
        new ConfiguredImageAdmission(
            RegistryAllowList.of(List.of(registry.host())),
            Filters.none("soci-indexer.filters"),
            Map.of());

    assertThat(runner(admission).run(claim())).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void jobClaimedTooOftenFails() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "crash-loop");
    UUID id = enqueue("app", "1.0", image.manifest());
    for (int i = 0; i < retryPolicy.maxAttempts(); i++) {
      store.claim(NODE, LEASE, Set.of()).orElseThrow();
      store.release(NODE);
    }
    int requestsBefore = registry.requests().size();

    Outcome outcome = runner(INDEX_ALL).run(claim());

    Job job = store.get(id);
    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.attempts()).isEqualTo(4);
    assertThat(job.error().message())
        .contains("started 4 times")
        .contains("maximum of 3 attempts")
        .contains("soci-indexer.retry.max-attempts");
    assertThat(job.error().retryable()).isFalse();
    assertThat(registry.requests().size()).isEqualTo(requestsBefore);
  }

  private IndexingJobRunner runner(ConfiguredImageAdmission admission) {
    return new IndexingJobRunner(
        store, client, new ImageIndexer(INDEX_ALL), admission, retryPolicy, NODE, clock);
  }

  private IndexingJobRunner runner(IndexOptions options) {
    return new IndexingJobRunner(
        store, client, new ImageIndexer(options), retryPolicy, NODE, clock);
  }

  private UUID enqueue(String repository, String tag, Digest digest) {
    ImageTarget target = new ImageTarget(registry.host(), repository, tag, digest);
    return store.enqueue(target, "test").job().id();
  }

  private JobAttempt claim() {
    Job job = store.claim(NODE, LEASE, Set.of()).orElseThrow();
    return new JobAttempt(job, TIMEOUT, clock);
  }
}
