package io.sociindexer.config;

import io.sociindexer.job.JdbcJobStore;
import io.sociindexer.job.JdbcZtocRecords;
import io.sociindexer.job.RetentionSweeper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the sweep that deletes old rows of the job store, with the settings under {@code
 * soci-indexer.retention}. Spring starts and stops it as a lifecycle bean.
 */
@Configuration(proxyBeanMethods = false)
public class RetentionConfiguration {

  @Bean
  public RetentionSweeper retentionSweeper(
      JdbcJobStore jobStore, JdbcZtocRecords ztocRecords, SociIndexerProperties properties) {
    SociIndexerProperties.Retention retention = properties.getRetention();
    RetentionSweeper.Settings settings =
        new RetentionSweeper.Settings(
            retention.getFinishedJobs(), retention.getZtocRecords(), retention.getInterval());
    return new RetentionSweeper(jobStore, ztocRecords, settings);
  }
}
