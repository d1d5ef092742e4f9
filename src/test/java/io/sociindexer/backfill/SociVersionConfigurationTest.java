package io.sociindexer.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.SociVersion;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class SociVersionConfigurationTest {

  @Test
  void defaultIsV2() {
    Object bean = SociVersionConfiguration.sociVersionPostProcessor(new MockEnvironment())
        .postProcessAfterInitialization(IndexOptions.defaults(), "indexOptions");

    assertThat(((IndexOptions) bean).sociVersion()).isEqualTo(SociVersion.V2);
  }

  @Test
  void propertySelectsV1() {
    MockEnvironment environment =
        new MockEnvironment().withProperty(SociVersionConfiguration.PROPERTY, "V1");

    Object bean = SociVersionConfiguration.sociVersionPostProcessor(environment)
        .postProcessAfterInitialization(IndexOptions.defaults(), "indexOptions");

    assertThat(((IndexOptions) bean).sociVersion()).isEqualTo(SociVersion.V1);
  }

  @Test
  void invalidValueNamesProperty() {
    MockEnvironment environment =
        new MockEnvironment().withProperty(SociVersionConfiguration.PROPERTY, "v3");

    assertThatThrownBy(() -> SociVersionConfiguration.sociVersion(environment))
        .hasMessageContaining("soci-indexer.soci-version")
        .hasMessageContaining("expected v1 or v2");
  }
}
