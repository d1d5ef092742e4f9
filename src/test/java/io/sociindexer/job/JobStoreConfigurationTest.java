package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.ZtocCache;
import io.sociindexer.indexer.ZtocRecords.ZtocRecord;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The job store as the service wires it: application.yml's H2 URL in a data directory that does
 * not exist yet, migrated by Flyway at startup.
 */
@SpringBootTest(
    classes = JobStoreConfigurationTest.StoreOnly.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE)
class JobStoreConfigurationTest {

  @TempDir static Path tempDir;

  @DynamicPropertySource
  static void freshDataDir(DynamicPropertyRegistry registry) {
    registry.add("soci-indexer.data-dir", () -> dataDir().toString());
  }

  private static Path dataDir() {
    return tempDir.resolve("fresh/data");
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(JobStoreConfiguration.class)
  static class StoreOnly {}

  @Autowired JobStore store;

  @Autowired JdbcTemplate jdbcTemplate;

  @Autowired JdbcZtocRecords ztocRecords;

  @Test
  void storeUsesH2FileInDataDir() {
    ImageTarget image =
        new ImageTarget(
            "registry.example", "app", "1.0", Digest.sha256("a".getBytes(StandardCharsets.UTF_8)));

    JobStore.Enqueued enqueued = store.enqueue(image, "api");

    assertThat(store).isInstanceOf(JdbcJobStore.class);
    assertThat(enqueued.created()).isTrue();
    assertThat(store.find(enqueued.job().id())).contains(enqueued.job());
    assertThat(Files.exists(dataDir().resolve("jobs.mv.db"))).isTrue();
  }

  @Test
  void flywayAppliedH2Migration() {
    Integer applied =
        jdbcTemplate.queryForObject(
            "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '1'"
                + " AND \"success\"",
            Integer.class);

    assertThat(applied).isEqualTo(1);
  }

  @Test
  void ztocRecordsInSameDatabase() {
    ZtocCache.Key key =
        new ZtocCache.Key(
            Digest.sha256("layer".getBytes(StandardCharsets.UTF_8)),
            MediaType.DOCKER_LAYER_GZIP,
            4 << 20,
            "AWS SOCI CLI v0.2",
            ZtocCache.Key.CURRENT_FORMAT);
    Descriptor ztoc =
        Descriptor.of(MediaType.OCTET_STREAM, "ztoc".getBytes(StandardCharsets.UTF_8));
    ZtocRecord record = new ZtocRecord(key, ztoc, 3, 2, 4096, "registry.example", "app");

    ztocRecords.record(record);

    assertThat(ztocRecords.find(key, "registry.example", "app")).containsExactly(record);
    assertThat(jdbcTemplate.queryForObject("SELECT COUNT(*) FROM ztocs", Integer.class))
        .isEqualTo(1);
  }
}
