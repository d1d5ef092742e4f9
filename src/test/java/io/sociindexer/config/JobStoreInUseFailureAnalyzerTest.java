package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class JobStoreInUseFailureAnalyzerTest {

  private final JobStoreInUseFailureAnalyzer analyzer = new JobStoreInUseFailureAnalyzer();

  @Test
  void lockedStoreNamesFileAndFix() {
    SQLException locked =
        new SQLException(
            "Database may be already in use: \"/srv/data/jobs.mv.db\". Possible solutions: close"
                + " all other connection(s); use the server mode [90020-240]",
            "90020",
            90020);
    BeanCreationException failure =
        new BeanCreationException("jobStore", "Could not get Connection", locked);

    FailureAnalysis analysis = analyzer.analyze(failure);

    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription()).contains("/srv/data/jobs.mv.db");
    assertThat(analysis.getDescription()).contains("soci-indexer.data-dir");
    assertThat(analysis.getAction()).contains("--soci-indexer.data-dir=DIR");
    assertThat(analysis.getAction()).contains("spring.datasource.url");
    assertThat(analysis.getAction()).contains("jdbc:postgresql://");
    assertThat(analysis.getAction()).contains("source repository");
    assertThat(analysis.getAction()).doesNotContain("server mode");
  }

  @Test
  void otherSqlFailureIsLeftAlone() {
    SQLException other = new SQLException("Table not found", "42S02", 42102);

    assertThat(analyzer.analyze(new BeanCreationException("jobStore", "failed", other))).isNull();
  }
}
