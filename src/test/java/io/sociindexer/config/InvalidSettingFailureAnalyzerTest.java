package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class InvalidSettingFailureAnalyzerTest {

  private final InvalidSettingFailureAnalyzer analyzer = new InvalidSettingFailureAnalyzer();

  @Test
  void settingFailureBecomesReport() {
    IllegalArgumentException invalid =
        new IllegalArgumentException(
            "soci-indexer.credentials.registries[ghcr.io] is incomplete; set username and"
                + " password, or identity-token");

    FailureAnalysis analysis =
        analyzer.analyze(new BeanCreationException("credentialProvider", "failed", invalid));

    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription())
        .isEqualTo(
            "soci-indexer.credentials.registries[ghcr.io] is incomplete; set username and"
                + " password, or identity-token");
    assertThat(analysis.getAction()).contains("docs/configuration/reference.md");
  }

  @Test
  void otherArgumentFailureIsLeftAlone() {
    IllegalArgumentException other = new IllegalArgumentException("bad index");

    assertThat(analyzer.analyze(new BeanCreationException("x", "failed", other))).isNull();
  }
}
