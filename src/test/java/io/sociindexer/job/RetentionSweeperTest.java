package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sociindexer.indexer.ZtocCache;
import io.sociindexer.indexer.ZtocRecords.ZtocRecord;
import io.sociindexer.job.JdbcJobStoreContract.MigratedDatabase;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The retention sweep on the embedded H2 database; the contract tests cover its deletes. */
class RetentionSweeperTest {

  private static final String REGISTRY = "registry.example";
  private static final Duration OLD = Duration.ofDays(400);
  private static final RetentionSweeper.Settings DEFAULTS =
      new RetentionSweeper.Settings(Duration.ofDays(30), Duration.ofDays(90), Duration.ofHours(1));

  @TempDir Path dataDir;

  private MigratedDatabase database;
  private JdbcJobStore jobs;
  private JdbcZtocRecords ztocs;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(RetentionSweeper.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
    logger.setLevel(Level.INFO);
  }

  @BeforeEach
  void migrate() {
    String url =
        "jdbc:h2:file:" + dataDir.resolve("jobs") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    database = JdbcJobStoreContract.migrate(url, "sa", "h2");
    jobs = new JdbcJobStore(database.pool());
    ztocs = new JdbcZtocRecords(database.pool());
  }

  @AfterEach
  void close() {
    logger.detachAppender(logs);
    logger.setLevel(null);
    jobs.close();
    database.pool().close();
  }

  /** Returns the logged lines of {@code level}, formatted. */
  private List<String> logged(Level level) {
    return logs.list.stream()
        .filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static Digest digest(String seed) {
    return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
  }

  /** Stores a succeeded job and a zTOC record, both dated {@code OLD} ago. */
  private void storeOldRows() {
    Job job = jobs.enqueue(new ImageTarget(REGISTRY, "app", "1.0", digest("image")), "api").job();
    jobs.claim("owner", Duration.ofMinutes(1), Set.of()).orElseThrow();
    jobs.complete(job.id(), "owner", JobState.SUCCEEDED, JobResult.message("done"));
    ZtocCache.Key key =
        new ZtocCache.Key(
            digest("layer"), MediaType.DOCKER_LAYER_GZIP, 4 << 20, "test",
            ZtocCache.Key.CURRENT_FORMAT);
    ztocs.record(
        new ZtocRecord(
            key, Descriptor.of(MediaType.OCTET_STREAM, digest("ztoc"), 100), 1, 1, 10, REGISTRY,
            "app"));

    OffsetDateTime old = OffsetDateTime.ofInstant(Instant.now().minus(OLD), ZoneOffset.UTC);
    JdbcClient jdbc = JdbcClient.create(database.pool());
    jdbc.sql("UPDATE jobs SET finished_at = :old").param("old", old).update();
    jdbc.sql("UPDATE ztocs SET recorded_at = :old").param("old", old).update();
  }

  @Test
  void sweepDeletesBothTablesAndLogs() {
    storeOldRows();

    RetentionSweeper.Outcome outcome = new RetentionSweeper(jobs, ztocs, DEFAULTS).sweep();

    assertThat(outcome).isEqualTo(new RetentionSweeper.Outcome(1, 1));
    assertThat(logged(Level.INFO)).singleElement().asString()
        .startsWith("retention sweep deleted jobs=1 ztocs=1 duration.ms=");
  }

  @Test
  void sweepWithNothingOldLogsNothing() {
    RetentionSweeper.Outcome outcome = new RetentionSweeper(jobs, ztocs, DEFAULTS).sweep();

    assertThat(outcome).isEqualTo(new RetentionSweeper.Outcome(0, 0));
    assertThat(logs.list).isEmpty();
  }

  @Test
  void sweepZeroKeepsOneTable() {
    storeOldRows();
    RetentionSweeper.Settings keepJobs =
        new RetentionSweeper.Settings(Duration.ZERO, Duration.ofDays(90), Duration.ofHours(1));

    RetentionSweeper.Outcome outcome = new RetentionSweeper(jobs, ztocs, keepJobs).sweep();

    assertThat(outcome).isEqualTo(new RetentionSweeper.Outcome(0, 1));
  }

  @Test
  void sweepFailureLogsWarning() {
    RetentionSweeper sweeper = new RetentionSweeper(jobs, ztocs, DEFAULTS);
    database.pool().close();

    RetentionSweeper.Outcome outcome = sweeper.sweep();

    assertThat(outcome).isEqualTo(new RetentionSweeper.Outcome(-1, -1));
    List<String> warnings = logged(Level.WARN);
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0))
        .startsWith("retention sweep failed table=jobs next.sweep.in=PT1H: ");
    assertThat(warnings.get(1))
        .startsWith("retention sweep failed table=ztocs next.sweep.in=PT1H: ");
    assertThat(logs.list.get(0).getThrowableProxy()).isNotNull();
  }

  @Test
  void startThenStop() {
    RetentionSweeper sweeper = new RetentionSweeper(jobs, ztocs, DEFAULTS);

    sweeper.start();
    assertThat(sweeper.isRunning()).isTrue();
    sweeper.stop();

    assertThat(sweeper.isRunning()).isFalse();
    assertThat(logged(Level.INFO))
        .containsExactly(
            "retention sweep scheduled finished.jobs=PT720H ztoc.records=PT2160H interval=PT1H");
  }

  @Test
  void startWithRetentionOffSchedulesNothing() {
    RetentionSweeper.Settings off =
        new RetentionSweeper.Settings(Duration.ZERO, Duration.ZERO, Duration.ofHours(1));
    RetentionSweeper sweeper = new RetentionSweeper(jobs, ztocs, off);

    sweeper.start();
    sweeper.stop();

    assertThat(logged(Level.INFO))
        .containsExactly("retention off: finished jobs and zTOC records are kept forever");
  }

  @Test
  void settingsRejectZeroInterval() {
    assertThatThrownBy(
            () -> new RetentionSweeper.Settings(Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid retention interval PT0S");
  }
}
