package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.ZtocCache;
import io.sociindexer.indexer.ZtocRecords.ZtocRecord;
import io.sociindexer.job.JdbcJobStoreContract.MigratedDatabase;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.nio.charset.StandardCharsets;
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
}
