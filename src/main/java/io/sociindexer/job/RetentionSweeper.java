package io.sociindexer.job;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Deletes old rows of the job store on one scheduled thread: jobs that finished longer ago than
 * {@code finishedJobs} and zTOC records last recorded longer ago than {@code ztocRecords}. A
 * retention of zero keeps those rows forever. The first sweep runs {@link #FIRST_SWEEP_DELAY}
 * after start (or after one interval when that is shorter), then one per interval.
 *
 * <p>Each table is deleted in statements of {@link #BATCH_SIZE} rows, so a first sweep over a
 * large table holds its locks briefly. Replicas that share a PostgreSQL store may sweep at the
 * same time: their statements skip the rows that another one has locked, and a row deleted twice
 * is simply gone. A failed sweep is logged at WARN and the next one tries again.
 *
 * <p>Thread-safe.
 */
public final class RetentionSweeper implements SmartLifecycle {

  /**
   * Rows per DELETE statement: large enough that a sweep of a million rows takes a thousand
   * statements, small enough that each one locks a bounded set of rows.
   */
  static final int BATCH_SIZE = 1_000;

  /** Delay of the first sweep, so that it does not compete with startup. */
  static final Duration FIRST_SWEEP_DELAY = Duration.ofSeconds(30);

  /** How long {@link #stop()} waits for a sweep under way to end after interrupting it. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

  /**
   * Retention settings.
   *
   * @param finishedJobs age after which final jobs are deleted; zero keeps them forever
   * @param ztocRecords age after which zTOC records are deleted; zero keeps them forever
   * @param interval time between the end of one sweep and the start of the next
   */
  public record Settings(Duration finishedJobs, Duration ztocRecords, Duration interval) {

    public Settings {
      Objects.requireNonNull(finishedJobs, "finishedJobs");
      Objects.requireNonNull(ztocRecords, "ztocRecords");
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException(
            "invalid retention interval " + interval + ": expected a positive duration");
      }
    }

    boolean keepsEverything() {
      return finishedJobs.isZero() && ztocRecords.isZero();
    }
  }

  /** The rows one sweep deleted; -1 for a table whose delete failed. */
  record Outcome(int jobs, int ztocs) {}

  private final JdbcJobStore jobs;
  private final JdbcZtocRecords ztocs;
  private final Settings settings;

  private ScheduledExecutorService scheduler;

  public RetentionSweeper(JdbcJobStore jobs, JdbcZtocRecords ztocs, Settings settings) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.ztocs = Objects.requireNonNull(ztocs, "ztocs");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("soci-retention").daemon().factory());
    if (settings.keepsEverything()) {
      log.info("retention off: finished jobs and zTOC records are kept forever");
      return;
    }

    long interval = settings.interval().toMillis();
    long firstDelay = Math.min(FIRST_SWEEP_DELAY.toMillis(), interval);
    scheduler.scheduleWithFixedDelay(this::sweep, firstDelay, interval, TimeUnit.MILLISECONDS);
    log.info(
        "retention sweep scheduled finished.jobs={} ztoc.records={} interval={}",
        settings.finishedJobs(),
        settings.ztocRecords(),
        settings.interval());
  }

  /** Interrupts a sweep under way, which then stops after its current statement. */
  @Override
  public synchronized void stop() {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("retention sweep still running {} after shutdown was requested", STOP_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }

  /**
   * Runs one sweep over both tables and logs one INFO line when it deleted rows. A table whose
   * delete throws a runtime exception is logged at WARN and counted as -1. The exception is not
   * rethrown, because it would cancel all later runs of the scheduled task.
   */
  Outcome sweep() {
    long started = System.nanoTime();
    int deletedJobs =
        sweepTable("jobs", () -> jobs.deleteFinishedOlderThan(settings.finishedJobs(), BATCH_SIZE));
    int deletedZtocs =
        sweepTable(
            "ztocs", () -> ztocs.deleteRecordedOlderThan(settings.ztocRecords(), BATCH_SIZE));

    if (deletedJobs > 0 || deletedZtocs > 0) {
      log.info(
          "retention sweep deleted jobs={} ztocs={} duration.ms={}",
          Math.max(deletedJobs, 0),
          Math.max(deletedZtocs, 0),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
    return new Outcome(deletedJobs, deletedZtocs);
  }

  private int sweepTable(String table, IntSupplier delete) {
    try {
      return delete.getAsInt();
    } catch (RuntimeException e) {
      log.warn(
          "retention sweep failed table={} next.sweep.in={}: {}",
          table,
          settings.interval(),
          e.toString(),
          e);
      return -1;
    }
  }
}
