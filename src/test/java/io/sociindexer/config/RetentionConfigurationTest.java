package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.job.JdbcJobStore;
import io.sociindexer.job.JdbcZtocRecords;
import io.sociindexer.job.RetentionSweeper;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class RetentionConfigurationTest {

  private static final JdbcDataSource dataSource = new JdbcDataSource();

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SociIndexerProperties.class)
  static class Properties {}

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withUserConfiguration(Properties.class, RetentionConfiguration.class)
          .withBean(JdbcJobStore.class, () -> new JdbcJobStore(dataSource))
          .withBean(JdbcZtocRecords.class, () -> new JdbcZtocRecords(dataSource));

  @BeforeAll
  static void migrate() {
    dataSource.setURL(
        "jdbc:h2:mem:retention;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/h2").load()
        .migrate();
  }

  @Test
  void sweeperStartsWithContext() {
    context.run(started -> {
      assertThat(started).hasNotFailed();
      assertThat(started.getBean(RetentionSweeper.class).isRunning()).isTrue();
    });
  }

  @Test
  void negativeRetentionFailsStart() {
    context.withPropertyValues("soci-indexer.retention.ztoc-records=-1h").run(started -> {
      assertThat(started).hasFailed();
      assertThat(started.getStartupFailure())
          .rootCause()
          .hasMessageContaining("soci-indexer.retention.ztoc-records must not be negative");
    });
  }
}
