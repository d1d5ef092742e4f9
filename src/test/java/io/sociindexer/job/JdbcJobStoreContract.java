package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sociindexer.job.JobStore.Enqueued;
import io.sociindexer.job.JobStore.Page;
import io.sociindexer.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@link JobStore} contract, run by a subclass per database. Each subclass migrates an empty
 * database once with {@link #migrate} and returns it from {@link #database}. Every test starts
 * with an empty jobs table.
 */
abstract class JdbcJobStoreContract {

  /** A database migrated by Flyway, with the outcome of the migration. */
  record MigratedDatabase(HikariDataSource pool, MigrateResult migration) {}

  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final String REGISTRY = "registry.example:5000";

  JdbcJobStore store;

  /** Returns the database that the subclass migrated before its first test. */
  abstract MigratedDatabase database();

  /** Migrates the empty database behind {@code url} with the vendor's Flyway scripts. */
  static MigratedDatabase migrate(String url, String username, String vendor) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword("");
    config.setMaximumPoolSize(12);
    HikariDataSource pool = new HikariDataSource(config);

    MigrateResult migration =
        Flyway.configure()
            .dataSource(pool)
            .locations("classpath:db/migration/" + vendor)
            .load()
            .migrate();
    return new MigratedDatabase(pool, migration);
  }

  @BeforeEach
  void emptyTable() {
    DataSource dataSource = database().pool();
    JdbcClient.create(dataSource).sql("DELETE FROM jobs").update();
    store = new JdbcJobStore(dataSource);
  }

  private static Digest digest(String seed) {
    return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
  }

  private static ImageTarget image(String repository, String tag, String digestSeed) {
    return new ImageTarget(
        REGISTRY, repository, tag, digestSeed == null ? null : digest(digestSeed));
  }

  private Job enqueue(ImageTarget image) {
    return store.enqueue(image, "api").job();
  }

  private Job claim(String owner) {
    return store.claim(owner, LEASE, Set.of()).orElseThrow();
  }

  private Job reload(Job job) {
    return store.find(job.id()).orElseThrow();
  }

  private static JobError error(boolean retryable) {
    return new JobError(
        "fetch manifest", REGISTRY, 503, "UNAVAILABLE", "registry returned 503", retryable);
  }

  private static JobResult result() {
    return new JobResult(
        digest("index").toString(),
        "1.0-soci",
        List.of(digest("soci").toString()),
        List.of(
            new JobResult.LayerResult(
                "linux/amd64", digest("layer1").toString(), 12_345_678, digest("z").toString(),
                null, true),
            new JobResult.LayerResult(
                "linux/amd64", digest("layer2").toString(), 100, null, "smaller than minimum",
                false)),
        "indexed 1 of 2 layers");
  }

  @Test
  void flywayMigratesEmptyDatabase() {
    MigrateResult migration = database().migration();

    assertThat(migration.success).isTrue();
    assertThat(migration.migrationsExecuted).isEqualTo(4);
    assertThat(migration.targetSchemaVersion).isEqualTo("4");
  }

  @Test
  void enqueueStoresQueuedJob() {
    Enqueued enqueued = store.enqueue(image("app", "1.0", "a"), "distribution");

    Job job = enqueued.job();
    assertThat(enqueued.created()).isTrue();
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    assertThat(job.image()).isEqualTo(image("app", "1.0", "a"));
    assertThat(job.source()).isEqualTo("distribution");
    assertThat(job.attempts()).isZero();
    assertThat(job.createdAt()).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
    assertThat(job.runAfter()).isEqualTo(job.createdAt());
    assertThat(job.startedAt()).isNull();
    assertThat(job.finishedAt()).isNull();
    assertThat(job.leaseOwner()).isNull();
    assertThat(job.progress()).isEqualTo(JobProgress.NONE);
    assertThat(job.result()).isNull();
    assertThat(job.error()).isNull();
    assertThat(store.find(job.id())).contains(job);
  }

  @Test
  void enqueueSameDigestReturnsActiveJob() {
    Job first = enqueue(image("app", "1.0", "a"));

    Enqueued again = store.enqueue(image("app", "latest", "a"), "distribution");
    claim("owner-a");
    Enqueued whileRunning = store.enqueue(image("app", "1.0", "a"), "api");

    assertThat(again.created()).isFalse();
    assertThat(again.job().id()).isEqualTo(first.id());
    assertThat(whileRunning.created()).isFalse();
    assertThat(whileRunning.job().id()).isEqualTo(first.id());
    assertThat(whileRunning.job().state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void enqueueOtherImageCreatesJob() {
    Job first = enqueue(image("app", "1.0", "a"));

    Enqueued otherRepository = store.enqueue(image("other", "1.0", "a"), "api");
    Enqueued otherRegistry =
        store.enqueue(new ImageTarget("other.example", "app", "1.0", digest("a")), "api");
    Enqueued otherDigest = store.enqueue(image("app", "1.0", "b"), "api");

    assertThat(otherRepository.created()).isTrue();
    assertThat(otherRegistry.created()).isTrue();
    assertThat(otherDigest.created()).isTrue();
    assertThat(otherDigest.job().id()).isNotEqualTo(first.id());
  }

  @Test
  void enqueueAfterFinalJobCreatesJob() {
    Job first = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    store.complete(first.id(), "owner-a", JobState.SUCCEEDED, result());

    Enqueued again = store.enqueue(image("app", "1.0", "a"), "api");

    assertThat(again.created()).isTrue();
    assertThat(again.job().id()).isNotEqualTo(first.id());
  }

  @Test
  void enqueueWithoutDigestNeverDeduplicated() {
    Enqueued first = store.enqueue(image("app", "1.0", null), "api");
    Enqueued second = store.enqueue(image("app", "1.0", null), "api");

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isTrue();
    assertThat(second.job().id()).isNotEqualTo(first.job().id());
  }

  @Test
  void enqueueConcurrentSameDigestCreatesOne() throws Exception {
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Enqueued>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      tasks.add(
          () -> {
            start.await();
            return store.enqueue(image("app", "1.0", "same"), "distribution");
          });
    }

    List<Enqueued> results = runAll(tasks, start);

    assertThat(results.stream().filter(Enqueued::created)).hasSize(1);
    assertThat(results.stream().map(e -> e.job().id()).distinct()).hasSize(1);
    assertThat(store.countByState().get(JobState.QUEUED)).isEqualTo(1);
  }

  private static <T> List<T> runAll(List<Callable<T>> tasks, CountDownLatch start)
      throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(executor.submit(task));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void claimTakesOldestFirst() {
    Job first = enqueue(image("app", "1", "1"));
    Job second = enqueue(image("app", "2", "2"));
    Job third = enqueue(image("app", "3", "3"));

    assertThat(claim("owner-a").id()).isEqualTo(first.id());
    assertThat(claim("owner-a").id()).isEqualTo(second.id());
    assertThat(claim("owner-b").id()).isEqualTo(third.id());
    assertThat(store.claim("owner-a", LEASE, Set.of())).isEmpty();
  }

  @Test
  void claimSetsLease() {
    Job queued = enqueue(image("app", "1.0", "a"));

    Job claimed = claim("owner-a");

    assertThat(claimed.id()).isEqualTo(queued.id());
    assertThat(claimed.state()).isEqualTo(JobState.RUNNING);
    assertThat(claimed.attempts()).isEqualTo(1);
    assertThat(claimed.leaseOwner()).isEqualTo("owner-a");
    assertThat(claimed.startedAt()).isNotNull();
    assertThat(Duration.between(claimed.startedAt(), claimed.leaseUntil())).isEqualTo(LEASE);
    assertThat(reload(claimed)).isEqualTo(claimed);
  }

  @Test
  void claimSkipsExcludedRegistries() {
    Job excluded = enqueue(new ImageTarget("busy.example", "app", "1.0", digest("a")));
    Job allowed = enqueue(image("app", "1.0", "b"));

    Optional<Job> claimed = store.claim("owner-a", LEASE, Set.of("busy.example", "full.example"));
    Optional<Job> none = store.claim("owner-a", LEASE, Set.of("busy.example"));

    assertThat(claimed.map(Job::id)).contains(allowed.id());
    assertThat(none).isEmpty();
    assertThat(reload(excluded).state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void claimWaitsForRetryTime() {
    Job job = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    store.fail(job.id(), "owner-a", error(true), Instant.now().plus(Duration.ofHours(1)));

    assertThat(store.claim("owner-a", LEASE, Set.of())).isEmpty();
  }

  @Test
  void claimConcurrentOwnersClaimEachJobOnce() throws Exception {
    int jobs = 200;
    for (int i = 0; i < jobs; i++) {
      enqueue(image("app", "t" + i, "d" + i));
    }
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<List<UUID>>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      String owner = i % 2 == 0 ? "owner-a" : "owner-b";
      tasks.add(
          () -> {
            start.await();
            List<UUID> claimed = new ArrayList<>();
            Optional<Job> job;
            while ((job = store.claim(owner, LEASE, Set.of())).isPresent()) {
              claimed.add(job.get().id());
            }
            return claimed;
          });
    }

    List<UUID> claimed = runAll(tasks, start).stream().flatMap(List::stream).toList();

    assertThat(claimed).hasSize(jobs);
    assertThat(new HashSet<>(claimed)).hasSize(jobs);
    assertThat(store.countByState().get(JobState.RUNNING)).isEqualTo(jobs);
    assertThat(store.list(JobState.RUNNING, null, 0, jobs).jobs())
        .allSatisfy(job -> assertThat(job.attempts()).isEqualTo(1));
  }

  @Test
  void expiredLeaseTakenOverByOtherOwner() throws InterruptedException {
    Job job = enqueue(image("app", "1.0", "a"));
    store.claim("owner-a", Duration.ofMillis(1), Set.of()).orElseThrow();
    Thread.sleep(50);

    Job takenOver = claim("owner-b");

    assertThat(takenOver.id()).isEqualTo(job.id());
    assertThat(takenOver.leaseOwner()).isEqualTo("owner-b");
    assertThat(takenOver.attempts()).isEqualTo(2);
  }

  @Test
  void lostLeaseRejectsOldOwner() throws InterruptedException {
    Job job = enqueue(image("app", "1.0", "a"));
    store.claim("owner-a", Duration.ofMillis(1), Set.of()).orElseThrow();
    Thread.sleep(50);
    claim("owner-b");

    assertThat(store.renewLease(job.id(), "owner-a", LEASE)).isFalse();
    assertThat(store.complete(job.id(), "owner-a", JobState.SUCCEEDED, result())).isFalse();
    assertThat(store.fail(job.id(), "owner-a", error(false), null)).isFalse();
    store.updateProgress(job.id(), "owner-a", new JobProgress(1, 2, 3, 4));
    assertThat(reload(job).state()).isEqualTo(JobState.RUNNING);
    assertThat(reload(job).leaseOwner()).isEqualTo("owner-b");
    assertThat(reload(job).progress()).isEqualTo(JobProgress.NONE);
    assertThat(store.complete(job.id(), "owner-b", JobState.SUCCEEDED, result())).isTrue();
  }

  @Test
  void renewLeaseKeepsJob() throws InterruptedException {
    Job job = enqueue(image("app", "1.0", "a"));
    store.claim("owner-a", Duration.ofMillis(300), Set.of()).orElseThrow();

    boolean renewed = store.renewLease(job.id(), "owner-a", LEASE);
    Thread.sleep(400);

    assertThat(renewed).isTrue();
    assertThat(store.claim("owner-b", LEASE, Set.of())).isEmpty();
    assertThat(reload(job).leaseOwner()).isEqualTo("owner-a");
  }

  @Test
  void updateProgressStoresCounts() {
    Job job = enqueue(image("app", "1.0", "a"));
    claim("owner-a");

    store.updateProgress(job.id(), "owner-a", new JobProgress(2, 5, 1_000_000_000_000L, 3L << 40));

    assertThat(reload(job).progress())
        .isEqualTo(new JobProgress(2, 5, 1_000_000_000_000L, 3L << 40));
  }

  @Test
  void updateDigestStoresResolvedDigest() {
    Job job = enqueue(image("app", "1.0", null));
    claim("owner-a");

    store.updateDigest(job.id(), "owner-a", digest("resolved"));
    Enqueued duplicate = store.enqueue(image("app", "1.0", "resolved"), "distribution");

    assertThat(reload(job).image().digest()).isEqualTo(digest("resolved"));
    assertThat(duplicate.created()).isFalse();
    assertThat(duplicate.job().id()).isEqualTo(job.id());
  }

  @Test
  void updateDigestOfActiveImageThrows() {
    Job active = enqueue(image("app", "1.0", "a"));
    Job byTag = enqueue(image("app", "latest", null));
    claim("owner-a");
    claim("owner-a");

    assertThatThrownBy(() -> store.updateDigest(byTag.id(), "owner-a", digest("a")))
        .isInstanceOfSatisfying(
            DuplicateJobException.class,
            e -> assertThat(e.activeJobId()).isEqualTo(active.id()));
    assertThat(reload(byTag).image().digest()).isNull();
  }

  @Test
  void completeStoresResult() {
    Job job = enqueue(image("app", "1.0", "a"));
    claim("owner-a");

    boolean completed = store.complete(job.id(), "owner-a", JobState.SUCCEEDED, result());

    Job done = reload(job);
    assertThat(completed).isTrue();
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.result()).isEqualTo(result());
    assertThat(done.finishedAt()).isNotNull();
    assertThat(done.leaseOwner()).isNull();
    assertThat(done.leaseUntil()).isNull();
  }

  @Test
  void completeAsSkippedStoresMessage() {
    Job job = enqueue(image("app", "1.0", "a"));
    claim("owner-a");

    store.complete(job.id(), "owner-a", JobState.SKIPPED, JobResult.message("nothing to index"));

    assertThat(reload(job).state()).isEqualTo(JobState.SKIPPED);
    assertThat(reload(job).result()).isEqualTo(JobResult.message("nothing to index"));
  }

  @Test
  void completeRejectsNonFinalState() {
    Job job = enqueue(image("app", "1.0", "a"));
    claim("owner-a");

    assertThatThrownBy(() -> store.complete(job.id(), "owner-a", JobState.FAILED, result()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected succeeded or skipped");
  }

  @Test
  void completeOfQueuedJobRejected() {
    Job job = enqueue(image("app", "1.0", "a"));

    assertThat(store.complete(job.id(), "owner-a", JobState.SUCCEEDED, result())).isFalse();
    assertThat(reload(job).state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void failWithRetryQueuesAgain() throws InterruptedException {
    Job job = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    Instant retryAt = Instant.now().plusMillis(100).truncatedTo(ChronoUnit.MILLIS);

    boolean failed = store.fail(job.id(), "owner-a", error(true), retryAt);
    Job waiting = reload(job);
    Thread.sleep(200);
    Job second = claim("owner-b");

    assertThat(failed).isTrue();
    assertThat(waiting.state()).isEqualTo(JobState.QUEUED);
    assertThat(waiting.runAfter()).isEqualTo(retryAt);
    assertThat(waiting.error()).isEqualTo(error(true));
    assertThat(waiting.leaseOwner()).isNull();
    assertThat(waiting.finishedAt()).isNull();
    assertThat(second.id()).isEqualTo(job.id());
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(second.error()).isNull();
  }

  @Test
  void failWithoutRetryEndsJob() {
    Job job = enqueue(image("app", "1.0", "a"));
    claim("owner-a");

    store.fail(job.id(), "owner-a", error(false), null);

    Job failed = reload(job);
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.error()).isEqualTo(error(false));
    assertThat(failed.finishedAt()).isNotNull();
    assertThat(failed.leaseOwner()).isNull();
  }

  @Test
  void retryQueuesFailedJob() {
    Job job = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    store.fail(job.id(), "owner-a", error(false), null);

    Optional<Job> retried = store.retry(job.id());

    assertThat(retried).isPresent();
    assertThat(retried.get().state()).isEqualTo(JobState.QUEUED);
    assertThat(retried.get().attempts()).isZero();
    assertThat(retried.get().error()).isEqualTo(error(false));
    assertThat(retried.get().finishedAt()).isNull();
    assertThat(claim("owner-a").id()).isEqualTo(job.id());
  }

  @Test
  void retryQueuesCancelledJob() {
    Job job = enqueue(image("app", "1.0", "a"));
    store.cancel(job.id());

    assertThat(store.retry(job.id()).map(Job::state)).contains(JobState.QUEUED);
  }

  @Test
  void retryRejectsActiveAndSucceededJobs() {
    Job running = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    Job succeeded = enqueue(image("app", "1.0", "b"));
    claim("owner-a");
    store.complete(succeeded.id(), "owner-a", JobState.SUCCEEDED, result());
    Job queued = enqueue(image("app", "1.0", "c"));

    assertThat(store.retry(queued.id())).isEmpty();
    assertThat(store.retry(running.id())).isEmpty();
    assertThat(store.retry(succeeded.id())).isEmpty();
    assertThat(store.retry(UUID.randomUUID())).isEmpty();
    assertThat(reload(running).state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void retryWhileImageActiveReturnsActiveJob() {
    Job cancelled = enqueue(image("app", "1.0", "a"));
    store.cancel(cancelled.id());
    Job active = enqueue(image("app", "1.0", "a"));

    Optional<Job> retried = store.retry(cancelled.id());

    assertThat(retried.map(Job::id)).contains(active.id());
    assertThat(reload(cancelled).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void cancelQueuedJob() {
    Job job = enqueue(image("app", "1.0", "a"));

    Optional<Job> cancelled = store.cancel(job.id());

    assertThat(cancelled.map(Job::state)).contains(JobState.CANCELLED);
    assertThat(cancelled.get().finishedAt()).isNotNull();
    assertThat(store.claim("owner-a", LEASE, Set.of())).isEmpty();
  }

  @Test
  void cancelRejectsRunningAndFinalJobs() {
    Job running = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    Job cancelled = enqueue(image("app", "1.0", "b"));
    store.cancel(cancelled.id());

    assertThat(store.cancel(running.id())).isEmpty();
    assertThat(store.cancel(cancelled.id())).isEmpty();
    assertThat(store.cancel(UUID.randomUUID())).isEmpty();
    assertThat(reload(running).state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void releaseRequeuesOwnersJobs() {
    Job first = enqueue(image("app", "1", "1"));
    Job second = enqueue(image("app", "2", "2"));
    Job other = enqueue(image("app", "3", "3"));
    claim("owner-a");
    claim("owner-a");
    claim("owner-b");

    int released = store.release("owner-a");

    assertThat(released).isEqualTo(2);
    for (Job job : List.of(reload(first), reload(second))) {
      assertThat(job.state()).isEqualTo(JobState.QUEUED);
      assertThat(job.leaseOwner()).isNull();
      assertThat(job.leaseUntil()).isNull();
      assertThat(job.attempts()).isEqualTo(1);
    }
    assertThat(reload(other).leaseOwner()).isEqualTo("owner-b");
    assertThat(claim("owner-b").id()).isEqualTo(first.id());
  }

  @Test
  void findSucceededReturnsNewest() {
    assertThat(store.findSucceeded(REGISTRY, "app", digest("a"))).isEmpty();
    Job older = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    store.complete(older.id(), "owner-a", JobState.SUCCEEDED, result());
    Job newer = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    store.complete(newer.id(), "owner-a", JobState.SUCCEEDED, result());
    Job failed = enqueue(image("app", "1.0", "a"));
    claim("owner-a");
    store.fail(failed.id(), "owner-a", error(false), null);

    assertThat(store.findSucceeded(REGISTRY, "app", digest("a")).map(Job::id))
        .contains(newer.id());
    assertThat(store.findSucceeded(REGISTRY, "other", digest("a"))).isEmpty();
    assertThat(store.findSucceeded(REGISTRY, "app", digest("b"))).isEmpty();
  }

  @Test
  void listPagesNewestFirst() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(enqueue(image("app", "t" + i, "d" + i)).id());
    }
    Collections.reverse(ids);

    Page first = store.list(null, null, 0, 2);
    Page last = store.list(null, null, 2, 2);
    Page beyond = store.list(null, null, 3, 2);

    assertThat(first.jobs()).extracting(Job::id).containsExactly(ids.get(0), ids.get(1));
    assertThat(first.total()).isEqualTo(5);
    assertThat(first.page()).isZero();
    assertThat(first.size()).isEqualTo(2);
    assertThat(last.jobs()).extracting(Job::id).containsExactly(ids.get(4));
    assertThat(beyond.jobs()).isEmpty();
    assertThat(beyond.total()).isEqualTo(5);
  }

  @Test
  void listFiltersByState() {
    Job queued = enqueue(image("app", "1", "1"));
    Job running = enqueue(image("app", "2", "2"));
    store.cancel(queued.id());
    claim("owner-a");

    Page page = store.list(JobState.RUNNING, null, 0, 10);

    assertThat(page.jobs()).extracting(Job::id).containsExactly(running.id());
    assertThat(page.total()).isEqualTo(1);
    assertThat(store.list(JobState.FAILED, null, 0, 10).total()).isZero();
  }

  @Test
  void listFiltersByImageSubstring() {
    Job web = enqueue(new ImageTarget("ghcr.io", "team/web-app", "v1.2", digest("w")));
    Job db = enqueue(new ImageTarget("quay.io", "team/database", "latest", null));

    assertThat(ids(store.list(null, "WEB", 0, 10))).containsExactly(web.id());
    assertThat(ids(store.list(null, "quay", 0, 10))).containsExactly(db.id());
    assertThat(ids(store.list(null, "v1.2", 0, 10))).containsExactly(web.id());
    assertThat(ids(store.list(null, digest("w").hex().substring(3, 20), 0, 10)))
        .containsExactly(web.id());
    assertThat(ids(store.list(null, "team/", 0, 10))).containsExactly(db.id(), web.id());
    assertThat(ids(store.list(JobState.QUEUED, "team", 0, 1))).containsExactly(db.id());
    assertThat(store.list(JobState.QUEUED, "team", 0, 1).total()).isEqualTo(2);
    assertThat(ids(store.list(null, "%", 0, 10))).isEmpty();
    assertThat(ids(store.list(null, "web_app", 0, 10))).isEmpty();
    assertThat(ids(store.list(null, "ghcr.io/team/web-app:v1.2", 0, 10))).containsExactly(web.id());
    assertThat(ids(store.list(null, "web-app:v1.2@" + digest("w"), 0, 10))).containsExactly(web.id());
    assertThat(ids(store.list(null, "quay.io/team/database:latest", 0, 10))).containsExactly(db.id());
  }

  @Test
  void startupReleasesRunningJobsOnlyOnH2() {
    Job running = enqueue(image("app", "v1", "r"));
    claim("owner-that-died");

    int released = store.releaseAbandonedEmbeddedJobs();

    boolean embedded = database().pool().getJdbcUrl().startsWith("jdbc:h2:");
    assertThat(released).isEqualTo(embedded ? 1 : 0);
    assertThat(reload(running).state()).isEqualTo(embedded ? JobState.QUEUED : JobState.RUNNING);
  }

  private static List<UUID> ids(Page page) {
    return page.jobs().stream().map(Job::id).toList();
  }

  @Test
  void listRejectsInvalidPage() {
    assertThatThrownBy(() -> store.list(null, null, -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.list(null, null, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countByStateCountsEveryState() {
    Job succeeded = enqueue(image("app", "1", "1"));
    Job failed = enqueue(image("app", "2", "2"));
    Job running = enqueue(image("app", "3", "3"));
    claim("owner-a");
    claim("owner-a");
    claim("owner-a");
    store.complete(succeeded.id(), "owner-a", JobState.SUCCEEDED, result());
    store.fail(failed.id(), "owner-a", error(false), null);
    enqueue(image("app", "4", "4"));
    enqueue(image("app", "5", "5"));

    Map<JobState, Long> counts = store.countByState();

    assertThat(counts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                JobState.QUEUED, 2L,
                JobState.RUNNING, 1L,
                JobState.SUCCEEDED, 1L,
                JobState.SKIPPED, 0L,
                JobState.FAILED, 1L,
                JobState.CANCELLED, 0L));
    assertThat(reload(running).state()).isEqualTo(JobState.RUNNING);
  }

  /** Ends a new job in {@code state} and sets its finished_at to {@code age} ago. */
  private Job finishedJob(String seed, JobState state, Duration age) {
    Job job = enqueue(image("app", seed, seed));
    if (state == JobState.CANCELLED) {
      store.cancel(job.id()).orElseThrow();
    } else {
      assertThat(claim("owner-a").id()).isEqualTo(job.id());
      if (state == JobState.FAILED) {
        store.fail(job.id(), "owner-a", error(false), null);
      } else {
        store.complete(job.id(), "owner-a", state, result());
      }
    }
    setTime(job, "finished_at", age);
    return reload(job);
  }

  private void setTime(Job job, String column, Duration age) {
    OffsetDateTime time = OffsetDateTime.ofInstant(Instant.now().minus(age), ZoneOffset.UTC);
    JdbcClient.create(database().pool())
        .sql("UPDATE jobs SET " + column + " = :time WHERE id = :id")
        .param("time", time)
        .param("id", job.id())
        .update();
  }

  @Test
  void retentionDeletesOldFinishedJobs() {
    Duration old = Duration.ofDays(31);
    List<Job> deleted =
        List.of(
            finishedJob("succeeded", JobState.SUCCEEDED, old),
            finishedJob("skipped", JobState.SKIPPED, old),
            finishedJob("failed", JobState.FAILED, old),
            finishedJob("cancelled", JobState.CANCELLED, old));
    Job recent = finishedJob("recent", JobState.SUCCEEDED, Duration.ofDays(29));

    int count = store.deleteFinishedOlderThan(Duration.ofDays(30), 1_000);

    assertThat(count).isEqualTo(4);
    for (Job job : deleted) {
      assertThat(store.find(job.id())).as("job %s", job.state()).isEmpty();
    }
    assertThat(store.find(recent.id())).isPresent();
  }

  @Test
  void retentionKeepsQueuedAndRunningJobs() {
    Duration old = Duration.ofDays(365);
    Job running = enqueue(image("app", "running", "running"));
    claim("owner-a");
    Job queued = enqueue(image("app", "queued", "queued"));
    for (Job job : List.of(running, queued)) {
      setTime(job, "created_at", old);
      // Only final jobs have a finished_at; a stray one must not make an active job deletable.
      setTime(job, "finished_at", old);
    }

    int count = store.deleteFinishedOlderThan(Duration.ofDays(30), 1_000);

    assertThat(count).isZero();
    assertThat(reload(running).state()).isEqualTo(JobState.RUNNING);
    assertThat(reload(queued).state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void retentionDeletesInBatchesUntilDone() {
    List<Job> old = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      old.add(finishedJob("old-" + i, JobState.SUCCEEDED, Duration.ofDays(40)));
    }
    Job recent = finishedJob("recent", JobState.SUCCEEDED, Duration.ofDays(1));

    int count = store.deleteFinishedOlderThan(Duration.ofDays(30), 2);

    assertThat(count).isEqualTo(5);
    assertThat(store.countByState()).containsEntry(JobState.SUCCEEDED, 1L);
    assertThat(store.find(recent.id())).isPresent();
  }

  @Test
  void concurrentRetentionSweepsAreHarmless() throws Exception {
    int jobs = 40;
    for (int i = 0; i < jobs; i++) {
      finishedJob("old-" + i, JobState.SUCCEEDED, Duration.ofDays(40));
    }
    int sweepers = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(sweepers);
    List<Future<Integer>> results = new ArrayList<>();
    try {
      for (int i = 0; i < sweepers; i++) {
        Callable<Integer> sweep =
            () -> {
              start.await();
              return store.deleteFinishedOlderThan(Duration.ofDays(30), 3);
            };
        results.add(pool.submit(sweep));
      }
      start.countDown();
      int deleted = 0;
      for (Future<Integer> result : results) {
        deleted += result.get();
      }
      // A sweep that loses rows to another one may see a short batch and stop early; on H2 it
      // does. The next sweep deletes the rest, and no row is counted twice.
      deleted += store.deleteFinishedOlderThan(Duration.ofDays(30), 3);

      assertThat(deleted).isEqualTo(jobs);
      assertThat(store.countByState()).containsEntry(JobState.SUCCEEDED, 0L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void retentionZeroKeepsJobs() {
    Job old = finishedJob("old", JobState.FAILED, Duration.ofDays(3_650));

    assertThat(store.deleteFinishedOlderThan(Duration.ZERO, 1_000)).isZero();

    assertThat(store.find(old.id())).isPresent();
  }

  @Test
  void retentionRejectsNegativeAgeOrBatch() {
    assertThatThrownBy(() -> store.deleteFinishedOlderThan(Duration.ofDays(-1), 1_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid retention");
    assertThatThrownBy(() -> store.deleteFinishedOlderThan(Duration.ofDays(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid batch size 0");
  }
}
