package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.indexer.ZtocCache;
import io.sociindexer.indexer.ZtocRecords.ZtocRecord;
import io.sociindexer.job.JdbcJobStoreContract.MigratedDatabase;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@link JdbcZtocRecords} contract, run by a subclass per database on a database that Flyway
 * migrated. Every test starts with an empty ztocs table.
 */
abstract class JdbcZtocRecordsContract {

  private static final String REGISTRY = "registry.example:5000";
  private static final MediaType GZIP_LAYER =
      new MediaType("application/vnd.oci.image.layer.v1.tar+gzip");

  JdbcZtocRecords records;

  /** Returns the database that the subclass migrated before its first test. */
  abstract MigratedDatabase database();

  @BeforeEach
  void emptyTable() {
    DataSource dataSource = database().pool();
    JdbcClient.create(dataSource).sql("DELETE FROM ztocs").update();
    records = new JdbcZtocRecords(dataSource);
  }

  private static Digest digest(String seed) {
    return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
  }

  private static ZtocCache.Key key(String layer) {
    return new ZtocCache.Key(
        digest(layer), GZIP_LAYER, 4 << 20, "AWS SOCI CLI v0.2", ZtocCache.Key.CURRENT_FORMAT);
  }

  private static ZtocRecord record(ZtocCache.Key key, String ztoc, String repository) {
    Descriptor descriptor = Descriptor.of(MediaType.OCTET_STREAM, digest(ztoc), 12_345);
    return new ZtocRecord(key, descriptor, 120, 7, 30_000_000L, REGISTRY, repository);
  }

  @Test
  void recordThenFind() {
    ZtocRecord stored = record(key("base"), "ztoc", "team/a");

    records.record(stored);

    assertThat(records.find(key("base"), REGISTRY, "team/a")).containsExactly(stored);
  }

  @Test
  void findPrefersOwnRepository() throws InterruptedException {
    ZtocRecord teamA = record(key("base"), "ztoc", "team/a");
    ZtocRecord teamB = record(key("base"), "ztoc", "team/b");
    records.record(teamA);
    // recorded_at comes from the database clock, so the pause orders the two rows.
    Thread.sleep(20);
    records.record(teamB);

    assertThat(records.find(key("base"), REGISTRY, "team/a")).containsExactly(teamA, teamB);
    assertThat(records.find(key("base"), REGISTRY, "team/b")).containsExactly(teamB, teamA);
    assertThat(records.find(key("base"), REGISTRY, "team/c")).containsExactly(teamB);
  }

  @Test
  void findMatchesWholeKeyAndRegistry() {
    records.record(record(key("base"), "ztoc", "team/a"));
    ZtocCache.Key base = key("base");

    assertThat(records.find(key("other"), REGISTRY, "team/a")).isEmpty();
    assertThat(records.find(base, "other.example", "team/a")).isEmpty();
    assertThat(
            records.find(
                new ZtocCache.Key(
                    base.layerDigest(), base.layerMediaType(), 1 << 20,
                    base.buildToolIdentifier(), base.format()),
                REGISTRY,
                "team/a"))
        .isEmpty();
    assertThat(
            records.find(
                new ZtocCache.Key(
                    base.layerDigest(), base.layerMediaType(), base.spanSize(),
                    base.buildToolIdentifier(), "ztoc-v2-0"),
                REGISTRY,
                "team/a"))
        .isEmpty();
    assertThat(
            records.find(
                new ZtocCache.Key(
                    base.layerDigest(), MediaType.DOCKER_LAYER_GZIP, base.spanSize(),
                    base.buildToolIdentifier(), base.format()),
                REGISTRY,
                "team/a"))
        .isEmpty();
  }

  @Test
  void recordReplacesSameRepository() {
    records.record(record(key("base"), "old", "team/a"));
    ZtocRecord newer = record(key("base"), "new", "team/a");

    records.record(newer);

    assertThat(records.find(key("base"), REGISTRY, "team/a")).containsExactly(newer);
  }

  @Test
  void removeDeletesOneRepository() {
    ZtocRecord teamA = record(key("base"), "ztoc", "team/a");
    ZtocRecord teamB = record(key("base"), "ztoc", "team/b");
    records.record(teamA);
    records.record(teamB);

    records.remove(key("base"), REGISTRY, "team/a");

    assertThat(records.find(key("base"), REGISTRY, "team/a")).containsExactly(teamB);
  }

  @Test
  void concurrentRecordsKeepOneRow() throws Exception {
    ZtocRecord stored = record(key("base"), "ztoc", "team/a");
    int writers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Void>> results = new ArrayList<>();
    try {
      for (int i = 0; i < writers; i++) {
        Callable<Void> write =
            () -> {
              start.await();
              records.record(stored);
              return null;
            };
        results.add(pool.submit(write));
      }
      start.countDown();
      for (Future<Void> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }

    JdbcClient jdbc = JdbcClient.create(database().pool());
    Long rows = jdbc.sql("SELECT COUNT(*) FROM ztocs").query(Long.class).single();
    assertThat(rows).isEqualTo(1);
    assertThat(records.find(key("base"), REGISTRY, "team/a")).containsExactly(stored);
  }

  /** Records a zTOC of {@code layer} in {@code repository}, recorded {@code age} ago. */
  private ZtocRecord recordAged(String layer, String repository, Duration age) {
    ZtocRecord stored = record(key(layer), "ztoc-" + layer, repository);
    records.record(stored);
    OffsetDateTime time = OffsetDateTime.ofInstant(Instant.now().minus(age), ZoneOffset.UTC);
    JdbcClient.create(database().pool())
        .sql("UPDATE ztocs SET recorded_at = :time WHERE layer_digest = :layer"
            + " AND repository = :repository")
        .param("time", time)
        .param("layer", key(layer).layerDigest().toString())
        .param("repository", repository)
        .update();
    return stored;
  }

  private long rows() {
    return JdbcClient.create(database().pool())
        .sql("SELECT COUNT(*) FROM ztocs")
        .query(Long.class)
        .single();
  }

  @Test
  void retentionDeletesOldRecords() {
    recordAged("old", "team/a", Duration.ofDays(91));
    recordAged("old", "team/b", Duration.ofDays(200));
    ZtocRecord recent = recordAged("recent", "team/a", Duration.ofDays(89));

    int count = records.deleteRecordedOlderThan(Duration.ofDays(90), 1_000);

    assertThat(count).isEqualTo(2);
    assertThat(records.find(key("old"), REGISTRY, "team/a")).isEmpty();
    assertThat(records.find(key("recent"), REGISTRY, "team/a")).containsExactly(recent);
  }

  @Test
  void retentionDeletesRecordsInBatchesUntilDone() {
    for (int i = 0; i < 7; i++) {
      recordAged("layer-" + i, "team/a", Duration.ofDays(100));
    }
    recordAged("recent", "team/a", Duration.ofHours(1));

    int count = records.deleteRecordedOlderThan(Duration.ofDays(90), 3);

    assertThat(count).isEqualTo(7);
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void retentionRecordAgainRenewsRow() {
    ZtocRecord stored = recordAged("base", "team/a", Duration.ofDays(100));

    records.record(stored);

    assertThat(records.deleteRecordedOlderThan(Duration.ofDays(90), 1_000)).isZero();
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void retentionZeroKeepsRecords() {
    recordAged("old", "team/a", Duration.ofDays(3_650));

    assertThat(records.deleteRecordedOlderThan(Duration.ZERO, 1_000)).isZero();

    assertThat(rows()).isEqualTo(1);
    assertThatThrownBy(() -> records.deleteRecordedOlderThan(Duration.ofDays(-1), 1_000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
