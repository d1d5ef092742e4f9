package io.sociindexer.worker;

import io.sociindexer.job.Job;
import io.sociindexer.job.JobEnqueuedEvent;
import io.sociindexer.job.JobStore;
import io.sociindexer.worker.JobStoppedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * The indexing workers of this replica: {@code count} threads that claim due jobs from the
 * {@link JobStore} and run them with a {@link JobRunner}, and one thread that renews
 * the leases of running jobs every third of the lease.
 *
 * <p>A worker claims only jobs of registries that run fewer than {@code perRegistry} jobs on this
 * replica, and sleeps {@code pollInterval} when no job is due, or less when {@link #wakeUp()} is
 * called. A job whose lease renewal returns false is stopped and writes no result.
 *
 * <p>{@link #stop()} stops claiming, lets running jobs finish within the grace period, then stops
 * the rest and puts them back in the queue with {@link JobStore#release(String)}. The pool stops
 * in the highest lifecycle phase, so before the web server and long before the data source,
 * which closes only after every lifecycle bean stopped.
 */
public final class WorkerPool implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  /** The logging context key of the job a log line belongs to. */
  static final String JOB_ID_KEY = "job.id";

  /** How long stopped jobs may take to reach their next check before the queue gets them back. */
  static final Duration STOP_WAIT = Duration.ofSeconds(5);

  /**
   * Settings of the pool.
   *
   * @param count worker threads; 0 runs no jobs on this replica
   * @param perRegistry jobs that may run at once against one registry on this replica
   * @param jobTimeout time one attempt may take
   * @param lease how long a claim lasts without renewal
   * @param pollInterval sleep of an idle worker
   * @param shutdownGracePeriod how long {@link #stop()} waits for running jobs
   */
  public record Settings(
      int count,
      int perRegistry,
      Duration jobTimeout,
      Duration lease,
      Duration pollInterval,
      Duration shutdownGracePeriod) {

    public Settings {
      if (count < 0 || perRegistry < 1) {
        throw new IllegalArgumentException(
            "worker count must be at least 0 and per-registry at least 1, got count " + count
                + " and per-registry " + perRegistry);
      }
      Objects.requireNonNull(jobTimeout, "jobTimeout");
      Objects.requireNonNull(lease, "lease");
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
    }
  }

  private final JobStore store;
  private final JobRunner runner;
  private final Settings settings;
  private final String nodeId;
  private final Clock clock;

  /** Guards claims, {@link #perRegistry} and the wake-up signal. */
  private final Object lock = new Object();
  private final Map<String, Integer> perRegistry = new HashMap<>();
  private final Map<UUID, JobAttempt> running = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private boolean wakeUpPending;

  private volatile boolean started;
  private volatile boolean claiming;
  private ScheduledExecutorService renewer;

  public WorkerPool(
      JobStore store, JobRunner runner, Settings settings, String nodeId, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public String nodeId() {
    return nodeId;
  }

  public Settings settings() {
    return settings;
  }

  /** Returns the jobs this replica runs now. */
  public List<Job> runningJobs() {
    return running.values().stream().map(JobAttempt::job).toList();
  }

  /** Wakes an idle worker when a job was stored on this replica. */
  @EventListener
  public void onJobEnqueued(JobEnqueuedEvent event) {
    wakeUp();
  }

  /** Wakes one idle worker so that a job enqueued on this replica starts without polling delay. */
  public void wakeUp() {
    synchronized (lock) {
      wakeUpPending = true;
      lock.notify();
    }
  }

  @Override
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    claiming = true;
    for (int i = 0; i < settings.count(); i++) {
      Thread thread = Thread.ofPlatform().name("soci-worker-" + (i + 1)).unstarted(this::work);
      threads.add(thread);
      thread.start();
    }
    if (settings.count() > 0) {
      renewer = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("soci-lease-renewer").daemon().factory());
      long period = Math.max(1, settings.lease().toMillis() / 3);
      renewer.scheduleAtFixedRate(this::renewLeases, period, period, TimeUnit.MILLISECONDS);
    }
    log.info(
        "workers started node.id={} workers={} per.registry={}",
        nodeId,
        settings.count(),
        settings.perRegistry());
  }

  /**
   * Stops claiming, waits up to the grace period for running jobs, stops the rest and puts them
   * back in the queue. Returns when every worker thread ended or {@link #STOP_WAIT} passed after
   * the grace period.
   */
  @Override
  public synchronized void stop() {
    if (!started) {
      return;
    }
    claiming = false;
    synchronized (lock) {
      lock.notifyAll();
    }
    log.info("workers stopping node.id={} running.jobs={}", nodeId, running.size());

    boolean finished = joinAll(clock.millis() + settings.shutdownGracePeriod().toMillis());
    if (!finished) {
      running.values().forEach(attempt -> attempt.stop(Reason.SHUTDOWN));
      joinAll(clock.millis() + STOP_WAIT.toMillis());
      releaseUnfinished();
    }
    if (renewer != null) {
      renewer.shutdownNow();
    }
    threads.clear();
    started = false;
    log.info("workers stopped node.id={}", nodeId);
  }

  @Override
  public boolean isRunning() {
    return started;
  }

  /** Runs last among lifecycle beans at startup and stops first, before the web server. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }

  private void releaseUnfinished() {
    try {
      int released = store.release(nodeId);
      log.info("jobs put back in the queue for shutdown node.id={} jobs={}", nodeId, released);
    } catch (RuntimeException e) {
      log.error(
          "cannot put running jobs back in the queue node.id={}; they run again once their"
              + " lease of {} expires",
          nodeId,
          settings.lease(),
          e);
    }
  }

  private boolean joinAll(long deadlineMillis) {
    for (Thread thread : threads) {
      long remaining = deadlineMillis - clock.millis();
      try {
        if (remaining > 0) {
          thread.join(remaining);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return threads.stream().noneMatch(Thread::isAlive);
  }

  /**
   * Claims and runs jobs until the pool stops. While the job store keeps failing, only the first
   * failure is logged at ERROR and the others at DEBUG, so that an outage does not flood the log.
   */
  private void work() {
    int failures = 0;
    while (claiming) {
      Optional<JobAttempt> attempt;
      try {
        attempt = claim();
      } catch (RuntimeException e) {
        logClaimFailure(++failures, e);
        idle();
        continue;
      }

      if (failures > 0) {
        log.info("worker claims jobs again node.id={} failed.claims={}", nodeId, failures);
        failures = 0;
      }
      if (attempt.isPresent()) {
        runClaimed(attempt.get());
      } else {
        idle();
      }
    }
  }

  private void logClaimFailure(int failures, RuntimeException e) {
    String message = "worker cannot claim a job node.id={} failed.claims={}; trying again in {}";
    if (failures == 1) {
      log.error(message, nodeId, failures, settings.pollInterval(), e);
    } else {
      log.debug(message, nodeId, failures, settings.pollInterval(), e);
    }
  }

  /** Claims a job under the lock, so that two workers never exceed the per-registry limit. */
  private Optional<JobAttempt> claim() {
    synchronized (lock) {
      if (!claiming) {
        return Optional.empty();
      }
      Optional<Job> job = store.claim(nodeId, settings.lease(), registriesAtLimit());
      if (job.isEmpty()) {
        return Optional.empty();
      }
      JobAttempt attempt = new JobAttempt(job.get(), settings.jobTimeout(), clock);
      perRegistry.merge(job.get().image().registry(), 1, Integer::sum);
      running.put(job.get().id(), attempt);
      return Optional.of(attempt);
    }
  }

  private Set<String> registriesAtLimit() {
    Set<String> atLimit = new HashSet<>();
    perRegistry.forEach((registry, count) -> {
      if (count >= settings.perRegistry()) {
        atLimit.add(registry);
      }
    });
    return atLimit;
  }

  private void runClaimed(JobAttempt attempt) {
    try {
      runner.run(attempt);
    } catch (RuntimeException e) {
      // NOTE: the job stays running in the store until its lease expires, then any replica
      // claims it again.
      try (MDC.MDCCloseable ignored = jobContext(attempt.job())) {
        log.error(
            "job runner failed job.id={} node.id={}; the job runs again after its lease expires",
            attempt.job().id(),
            nodeId,
            e);
      }
    } finally {
      synchronized (lock) {
        running.remove(attempt.job().id());
        perRegistry.computeIfPresent(
            attempt.job().image().registry(), (registry, count) -> count > 1 ? count - 1 : null);
        // A slot is free again, so a worker that skipped this registry may claim now.
        lock.notify();
      }
    }
  }

  private void idle() {
    synchronized (lock) {
      if (!claiming || wakeUpPending) {
        wakeUpPending = false;
        return;
      }
      try {
        lock.wait(Math.max(1, settings.pollInterval().toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        claiming = false;
      }
      wakeUpPending = false;
    }
  }

  private void renewLeases() {
    for (JobAttempt attempt : running.values()) {
      Job job = attempt.job();
      try (MDC.MDCCloseable ignored = jobContext(job)) {
        if (!store.renewLease(job.id(), nodeId, settings.lease())) {
          log.warn("lease lost, stopping job job.id={} node.id={}", job.id(), nodeId);
          attempt.stop(Reason.LEASE_LOST);
        }
      } catch (RuntimeException e) {
        log.warn(
            "cannot renew lease job.id={} node.id={}; trying again in {}",
            job.id(),
            nodeId,
            settings.lease().dividedBy(3),
            e);
      }
    }
  }

  /**
   * Puts the job id into the logging context of the current thread as {@code job.id}, so that
   * structured logs carry it as a field; closing removes it again.
   */
  static MDC.MDCCloseable jobContext(Job job) {
    return MDC.putCloseable(JOB_ID_KEY, job.id().toString());
  }
}
