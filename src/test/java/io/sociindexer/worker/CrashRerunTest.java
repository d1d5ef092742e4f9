package io.sociindexer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.ImageIndexer;
import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.RegistryImageStore;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobState;
import io.sociindexer.oci.Digest;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.worker.IndexingJobRunner.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job whose first attempt pushed all of its output, tag included, and then died before it
 * recorded the result (a SIGKILL) runs again after the restart. The second attempt must end
 * succeeded with the output that is already there, and leave the registry's tags as they were.
 */
class CrashRerunTest {

  private static final String NODE = "node-a";
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final IndexOptions SUFFIX = IndexOptions.defaults().withMinLayerSize(0);
  private static final IndexOptions IN_PLACE = SUFFIX.withInPlace(true);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryJobStore store = new InMemoryJobStore(clock);
  private final RetryPolicy retryPolicy =
      new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(60), () -> 0L);

  private FakeRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void startRegistry() throws Exception {
    registry = new FakeRegistry();
    client = RegistryClient.builder().plainHttpRegistries(Set.of(registry.host())).build();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void rerunAfterTagSucceeds() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "suffix");
    UUID id = enqueue(image.manifest());
    Digest pushed = killAfterPush(SUFFIX, image.manifest());

    Outcome outcome = runner(SUFFIX).run(claim());

    Job job = store.get(id);
    assertThat(outcome).isEqualTo(Outcome.SUCCEEDED);
    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.attempts()).isEqualTo(2);
    assertThat(job.result().outputTag()).isEqualTo("1.0-soci");
    assertThat(job.result().imageIndexDigest()).isEqualTo(pushed.toString());
    assertThat(registry.tagDigest("app", "1.0-soci")).isEqualTo(pushed);
    assertThat(registry.tagDigest("app", "1.0")).isEqualTo(image.manifest());
  }

  @Test
  void rerunInPlaceSucceeds() throws Exception {
    TestImages.Pushed image = TestImages.push(registry, "app", "1.0", "in-place");
    UUID id = enqueue(image.manifest());
    Digest pushed = killAfterPush(IN_PLACE, image.manifest());
    assertThat(registry.tagDigest("app", "1.0"))
        .as("tag moved by the killed attempt")
        .isEqualTo(pushed);

    Outcome outcome = runner(IN_PLACE).run(claim());

    Job job = store.get(id);
    assertThat(outcome).as("error: %s", job.error()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.attempts()).isEqualTo(2);
    assertThat(job.result().outputTag()).isEqualTo("1.0");
    assertThat(job.result().imageIndexDigest()).isEqualTo(pushed.toString());
    assertThat(registry.tagDigest("app", "1.0")).isEqualTo(pushed);
  }

  /**
   * Claims the job and pushes its output as the first attempt would, then puts the job back in
   * the queue without a result, as an embedded node does at start for jobs a killed run left
   * running. Returns the digest of the image index that the attempt tagged.
   */
  private Digest killAfterPush(IndexOptions options, Digest manifest) throws Exception {
    Job first = claim().job();
    RegistryImageStore images = new RegistryImageStore(client, first.image().toReference());
    IndexResult result = new ImageIndexer(options).index(images, "1.0", manifest);
    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);

    assertThat(store.release(NODE)).isEqualTo(1);
    return result.imageIndex().digest();
  }

  private IndexingJobRunner runner(IndexOptions options) {
    return new IndexingJobRunner(
        store, client, new ImageIndexer(options), retryPolicy, NODE, clock);
  }

  private UUID enqueue(Digest digest) {
    ImageTarget target = new ImageTarget(registry.host(), "app", "1.0", digest);
    return store.enqueue(target, "distribution").job().id();
  }

  private JobAttempt claim() {
    Job job = store.claim(NODE, LEASE, Set.of()).orElseThrow();
    return new JobAttempt(job, TIMEOUT, clock);
  }
}
