package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.SociVersion;
import io.sociindexer.layer.LayerLimits;
import io.sociindexer.registry.RequestRetryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class SociIndexerPropertiesTest {

  @Test
  void defaultsMatchTheCommandLine() {
    IndexOptions options = new SociIndexerProperties().toIndexOptions();

    assertThat(options.spanSize()).isEqualTo(IndexOptions.DEFAULT_SPAN_SIZE);
    assertThat(options.minLayerSize()).isEqualTo(IndexOptions.DEFAULT_MIN_LAYER_SIZE);
    assertThat(options.tagSuffix()).isEqualTo("-soci");
    assertThat(options.sociVersion()).isEqualTo(SociVersion.V2);
  }

  @Test
  void settingsReachIndexOptions() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setSpanSize(DataSize.ofMegabytes(1));
    properties.setPlatforms(List.of("linux/arm64"));
    properties.setSociVersion("V1");

    IndexOptions options = properties.toIndexOptions();

    assertThat(options.spanSize()).isEqualTo(1L << 20);
    assertThat(options.platforms()).hasSize(1);
    assertThat(options.sociVersion()).isEqualTo(SociVersion.V1);
  }

  @Test
  void layerLimitsReachIndexOptions() {
    SociIndexerProperties defaults = new SociIndexerProperties();
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setMaxUncompressedLayerSize(DataSize.ofGigabytes(8));
    properties.setMaxInflateRatio(50);
    properties.setInflateRatioCheckAbove(DataSize.ofMegabytes(256));
    properties.setMaxTarEntries(1000);
    properties.setMaxZtocSize(DataSize.ofMegabytes(64));

    LayerLimits limits = properties.toIndexOptions().layerLimits();

    assertThat(defaults.toIndexOptions().layerLimits()).isEqualTo(LayerLimits.defaults());
    assertThat(limits).isEqualTo(new LayerLimits(8L << 30, 50, 256L << 20, 1000, 64L << 20));
  }

  @Test
  void registryRequestSettingsReachPolicy() {
    SociIndexerProperties.RegistryRequests requests = new SociIndexerProperties.RegistryRequests();
    SociIndexerProperties.RegistryRequests changed = new SociIndexerProperties.RegistryRequests();
    changed.setMaxAttempts(2);
    changed.setInitialBackoff(Duration.ofMillis(100));
    changed.setMaxBackoff(Duration.ofSeconds(1));
    changed.setMaxRetryAfter(Duration.ofSeconds(30));
    changed.setMaxResumes(0);

    assertThat(requests.toPolicy()).isEqualTo(RequestRetryPolicy.DEFAULT);
    assertThat(changed.toPolicy())
        .isEqualTo(new RequestRetryPolicy(
            2, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30), 0));
  }

  @Test
  void negativeRequestBackoffFailsValidation() {
    SociIndexerProperties.RegistryRequests requests = new SociIndexerProperties.RegistryRequests();
    requests.setInitialBackoff(Duration.ofSeconds(-1));

    assertThat(requests.isDurationsNotNegative()).isFalse();
  }

  @Test
  void invalidSociVersionFailsValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setSociVersion("v3");

    assertThat(properties.isSociVersionValid()).isFalse();
  }

  @Test
  void emptySuffixNeedsInPlace() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setTagSuffix("");

    assertThat(properties.isTagSuffixUsable()).isFalse();
    properties.setInPlace(true);
    assertThat(properties.isTagSuffixUsable()).isTrue();
  }
}
