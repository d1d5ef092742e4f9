package io.sociindexer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import io.sociindexer.oci.Digest;
import io.sociindexer.worker.IndexingJobRunner.Outcome;
import io.sociindexer.worker.JobStoppedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class WorkerPoolTest {

  private static final String NODE = "node-a";

  private final InMemoryJobStore store = new InMemoryJobStore(Clock.systemUTC());
  private WorkerPool pool;

  @AfterEach
  void stopPool() {
    if (pool != null) {
      pool.stop();
    }
  }

  @Test
  void perRegistryLimitHolds() throws Exception {
    ConcurrencyRunner runner = new ConcurrencyRunner(Duration.ofMillis(100));
    for (int i = 0; i < 6; i++) {
      enqueue("registry-a:5000", i);
    }
    for (int i = 0; i < 2; i++) {
      enqueue("registry-b:5000", i);
    }
    pool = new WorkerPool(store, runner, settings(4, 2, Duration.ofSeconds(30)), NODE,
        Clock.systemUTC());

    pool.start();
    waitUntil(() -> countFinished() == 8, Duration.ofSeconds(20));

    assertThat(runner.maxPerRegistry.get("registry-a:5000")).isEqualTo(2);
    assertThat(runner.maxPerRegistry.get("registry-b:5000")).isLessThanOrEqualTo(2);
    assertThat(runner.maxTotal.get()).isLessThanOrEqualTo(4);
  }

  @Test
  void workerCountLimitsJobs() throws Exception {
    ConcurrencyRunner runner = new ConcurrencyRunner(Duration.ofMillis(100));
    for (int i = 0; i < 6; i++) {
      enqueue("registry-" + i + ":5000", i);
    }
    pool = new WorkerPool(store, runner, settings(2, 2, Duration.ofSeconds(30)), NODE,
        Clock.systemUTC());

    pool.start();
    waitUntil(() -> countFinished() == 6, Duration.ofSeconds(20));

    assertThat(runner.maxTotal.get()).isEqualTo(2);
  }

  @Test
  void zeroWorkersClaimNothing() throws Exception {
    UUID id = enqueue("registry-a:5000", 0);
    pool = new WorkerPool(store, attempt -> Outcome.SUCCEEDED,
        settings(0, 2, Duration.ofSeconds(30)), NODE, Clock.systemUTC());

    pool.start();
    Thread.sleep(200);

    Health health = new WorkersHealthIndicator(pool).health();
    assertThat(pool.isRunning()).isTrue();
    assertThat(store.get(id).state()).isEqualTo(JobState.QUEUED);
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("nodeId", NODE);
    assertThat(health.getDetails()).containsEntry("workers", 0);
  }

  @Test
  void wakeUpStartsJobEarly() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    pool = new WorkerPool(store, attempt -> {
      ran.countDown();
      return Outcome.SUCCEEDED;
    }, settingsWithPoll(Duration.ofMinutes(5)), NODE, Clock.systemUTC());
    pool.start();
    Thread.sleep(100);

    enqueue("registry-a:5000", 0);
    pool.wakeUp();

    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void stopReleasesUnfinishedJobs() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger stoppedForShutdown = new AtomicInteger();
    UUID id = enqueue("registry-a:5000", 0);
    pool = new WorkerPool(store, attempt -> {
      started.countDown();
      return runUntilStopped(attempt, stoppedForShutdown);
    }, settings(1, 1, Duration.ofMillis(300)), NODE, Clock.systemUTC());
    pool.start();
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    pool.stop();

    Job job = store.get(id);
    assertThat(pool.isRunning()).isFalse();
    assertThat(stoppedForShutdown.get()).isEqualTo(1);
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    assertThat(job.leaseOwner()).isNull();
    assertThat(new WorkersHealthIndicator(pool).health().getStatus()).isEqualTo(Status.DOWN);
  }

  @Test
  void stopWaitsForRunningJobs() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    UUID id = enqueue("registry-a:5000", 0);
    pool = new WorkerPool(store, attempt -> {
      started.countDown();
      sleep(Duration.ofMillis(300));
      store.complete(attempt.job().id(), NODE, JobState.SUCCEEDED, JobResult.message("done"));
      return Outcome.SUCCEEDED;
    }, settings(1, 1, Duration.ofSeconds(10)), NODE, Clock.systemUTC());
    pool.start();
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    pool.stop();

    assertThat(store.get(id).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void lostLeaseStopsJob() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Map<UUID, Reason> reasons = new ConcurrentHashMap<>();
    UUID id = enqueue("registry-a:5000", 0);
    WorkerPool.Settings shortLease = new WorkerPool.Settings(1, 1, Duration.ofMinutes(1),
        Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofSeconds(5));
    pool = new WorkerPool(store, attempt -> {
      started.countDown();
      while (attempt.stopReason() == null) {
        sleep(Duration.ofMillis(10));
      }
      reasons.put(attempt.job().id(), attempt.stopReason());
      return Outcome.LEASE_LOST;
    }, shortLease, NODE, Clock.systemUTC());
    pool.start();
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    store.stealLease(id, "node-b");
    waitUntil(() -> reasons.containsKey(id), Duration.ofSeconds(5));

    assertThat(reasons.get(id)).isEqualTo(Reason.LEASE_LOST);
    assertThat(store.get(id).leaseOwner()).isEqualTo("node-b");
  }

  @Test
  void renewalExtendsLease() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    UUID id = enqueue("registry-a:5000", 0);
    WorkerPool.Settings shortLease = new WorkerPool.Settings(1, 1, Duration.ofMinutes(1),
        Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofSeconds(5));
    pool = new WorkerPool(store, attempt -> {
      started.countDown();
      await(finish);
      return Outcome.SUCCEEDED;
    }, shortLease, NODE, Clock.systemUTC());
    pool.start();
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    var firstLease = store.get(id).leaseUntil();

    Thread.sleep(500);

    assertThat(store.get(id).leaseUntil()).isAfter(firstLease.plusMillis(100));
    assertThat(store.claim("node-b", Duration.ofSeconds(1), java.util.Set.of())).isEmpty();
    finish.countDown();
  }

  private Outcome runUntilStopped(JobAttempt attempt, AtomicInteger stoppedForShutdown) {
    try {
      while (true) {
        attempt.checkContinue();
        sleep(Duration.ofMillis(10));
      }
    } catch (JobStoppedException e) {
      if (e.reason() == Reason.SHUTDOWN) {
        stoppedForShutdown.incrementAndGet();
      }
      return Outcome.STOPPED;
    }
  }

  /** Records how many jobs run at once, in all and per registry, and completes each job. */
  private final class ConcurrencyRunner implements JobRunner {

    private final Duration work;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger maxTotal = new AtomicInteger();
    private final Map<String, AtomicInteger> perRegistry = new ConcurrentHashMap<>();
    private final Map<String, Integer> maxPerRegistry = new ConcurrentHashMap<>();

    ConcurrencyRunner(Duration work) {
      this.work = work;
    }

    @Override
    public Outcome run(JobAttempt attempt) {
      String registry = attempt.job().image().registry();
      AtomicInteger running = perRegistry.computeIfAbsent(registry, r -> new AtomicInteger());
      int now = running.incrementAndGet();
      maxPerRegistry.merge(registry, now, Math::max);
      maxTotal.accumulateAndGet(total.incrementAndGet(), Math::max);

      sleep(work);

      running.decrementAndGet();
      total.decrementAndGet();
      store.complete(attempt.job().id(), NODE, JobState.SUCCEEDED, JobResult.message("done"));
      return Outcome.SUCCEEDED;
    }
  }

  private long countFinished() {
    return store.all().stream().filter(job -> job.state() == JobState.SUCCEEDED).count();
  }

  private UUID enqueue(String registry, int index) {
    Digest digest = Digest.sha256((registry + index).getBytes());
    return store.enqueue(new ImageTarget(registry, "app", "v" + index, digest), "test").job().id();
  }

  private static WorkerPool.Settings settings(int count, int perRegistry, Duration grace) {
    return new WorkerPool.Settings(count, perRegistry, Duration.ofMinutes(1),
        Duration.ofMinutes(1), Duration.ofMillis(20), grace);
  }

  private static WorkerPool.Settings settingsWithPoll(Duration pollInterval) {
    return new WorkerPool.Settings(1, 1, Duration.ofMinutes(1), Duration.ofMinutes(1),
        pollInterval, Duration.ofSeconds(5));
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within " + timeout).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
