package io.sociindexer.job;

import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Provides the {@link JobStore} and the {@link JdbcZtocRecords} on the auto-configured
 * DataSource: the embedded H2 file in the data directory by default, or PostgreSQL when {@code
 * spring.datasource.url} names one. H2 creates the missing directories of its database file
 * itself, so a fresh data directory needs no preparation (checked on H2 2.4.240).
 */
@Configuration(proxyBeanMethods = false)
public class JobStoreConfiguration {

  /** Creates the store once Flyway has migrated the database. */
  @Bean
  @DependsOnDatabaseInitialization
  public JdbcJobStore jobStore(JdbcTemplate jdbcTemplate) {
    JdbcJobStore store = new JdbcJobStore(jdbcTemplate.getDataSource());
    store.releaseAbandonedEmbeddedJobs();
    return store;
  }

  /** Creates the zTOC records in the job store's database once Flyway has migrated it. */
  @Bean
  @DependsOnDatabaseInitialization
  public JdbcZtocRecords ztocRecords(JdbcTemplate jdbcTemplate) {
    return new JdbcZtocRecords(jdbcTemplate.getDataSource());
  }
}
