package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.SociVersion;
import io.sociindexer.layer.LayerLimits;
import io.sociindexer.registry.RequestRetryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.Errors;

@ExtendWith(OutputCaptureExtension.class)
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
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.getRegistryRequests().setInitialBackoff(Duration.ofSeconds(-1));

    Errors errors = validate(properties);

    assertThat(errors.getFieldError("registryRequests.initialBackoff")).isNotNull();
    assertThat(errors.getFieldError("registryRequests.initialBackoff").getDefaultMessage())
        .isEqualTo("soci-indexer.registry-requests.initial-backoff must not be negative");
  }

  @Test
  void invalidSociVersionFailsValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setSociVersion("v3");

    Errors errors = validate(properties);

    assertThat(errors.getFieldError("sociVersion").getDefaultMessage())
        .isEqualTo("soci-indexer.soci-version must be v1 or v2");
  }

  @Test
  void emptySuffixNeedsInPlace() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setTagSuffix("");

    assertThat(validate(properties).getFieldError("tagSuffix")).isNotNull();
    properties.setInPlace(true);
    assertThat(validate(properties).hasErrors()).isFalse();
  }

  @Test
  void invalidPlatformNamesEntry() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setPlatforms(List.of("linux/amd64", "amd64"));

    Errors errors = validate(properties);

    assertThat(errors.getFieldError("platforms").getDefaultMessage())
        .contains("invalid entry 'amd64'");
  }

  @Test
  void defaultsPassValidation() {
    assertThat(validate(new SociIndexerProperties()).hasErrors()).isFalse();
  }

  @Test
  void zeroSpanSizeReportNamesProperty(CapturedOutput output) {
    SpringApplication application = new SpringApplication(Settings.class);
    application.setWebApplicationType(WebApplicationType.NONE);

    assertThatThrownBy(() -> application.run("--soci-indexer.span-size=0")).isNotNull();

    assertThat(output).contains("Property: soci-indexer.spanSize\n");
    assertThat(output).contains("Origin: \"soci-indexer.span-size\" from property source");
    assertThat(output).contains(
        "Reason: soci-indexer.span-size must be greater than zero, such as 4MB");
    assertThat(output).doesNotContain("spanSizePositive");
  }

  @Test
  void zeroLeaseReportNamesProperty(CapturedOutput output) {
    startWith("--soci-indexer.workers.lease=0s");

    assertThat(output).contains("Property: soci-indexer.workers.lease\n");
    assertThat(output).contains("Reason: soci-indexer.workers.lease must be greater than zero");
  }

  @Test
  void rangeReportNamesProperty(CapturedOutput output) {
    startWith("--soci-indexer.layer-concurrency=0");

    assertThat(output).contains("Reason: soci-indexer.layer-concurrency must be between 1 and 64");
  }

  @Test
  void unresolvedNodeIdFailsValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setNodeId("${HOSTNAME}");

    Errors errors = validate(properties);

    assertThat(errors.getFieldError("nodeId").getDefaultMessage())
        .startsWith("soci-indexer.node-id contains a placeholder that was not resolved");
  }

  @Test
  void wildcardPlainHttpFailsValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setPlainHttpRegistries(List.of("*.corp.example"));

    Errors errors = validate(properties);

    assertThat(errors.getFieldError("plainHttpRegistries").getDefaultMessage())
        .contains("wildcard entry '*.corp.example'");
  }

  @Test
  void negativeMinLayerSizeFailsValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.setMinLayerSize(DataSize.ofMegabytes(-1));

    assertThat(validate(properties).getFieldError("minLayerSize")).isNotNull();
  }

  @Test
  void zeroPollIntervalFailsValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.getWorkers().setPollInterval(Duration.ZERO);
    properties.getWorkers().setJobTimeout(Duration.ZERO);

    Errors errors = validate(properties);

    assertThat(errors.getFieldError("workers.pollInterval")).isNotNull();
    assertThat(errors.getFieldError("workers.jobTimeout")).isNotNull();
  }

  @Test
  void retentionDefaults() {
    SociIndexerProperties.Retention retention = new SociIndexerProperties().getRetention();

    assertThat(retention.getFinishedJobs()).isEqualTo(Duration.ofDays(30));
    assertThat(retention.getZtocRecords()).isEqualTo(Duration.ofDays(90));
    assertThat(retention.getInterval()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void retentionZeroPassesValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.getRetention().setFinishedJobs(Duration.ZERO);
    properties.getRetention().setZtocRecords(Duration.ZERO);

    assertThat(validate(properties).hasErrors()).isFalse();
  }

  @Test
  void negativeRetentionFailsValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.getRetention().setFinishedJobs(Duration.ofDays(-1));
    properties.getRetention().setZtocRecords(Duration.ofDays(-2));

    Errors errors = validate(properties);

    assertThat(errors.getFieldError("retention.finishedJobs").getDefaultMessage())
        .isEqualTo(
            "soci-indexer.retention.finished-jobs must not be negative, such as 30d"
                + " (0 keeps rows forever)");
    assertThat(errors.getFieldError("retention.ztocRecords").getDefaultMessage())
        .startsWith("soci-indexer.retention.ztoc-records must not be negative");
  }

  @Test
  void zeroRetentionIntervalFailsValidation() {
    SociIndexerProperties properties = new SociIndexerProperties();
    properties.getRetention().setInterval(Duration.ZERO);

    Errors errors = validate(properties);

    assertThat(errors.getFieldError("retention.interval").getDefaultMessage())
        .isEqualTo("soci-indexer.retention.interval must be greater than zero, such as 30s");
  }

  @Test
  void retentionReportNamesProperty(CapturedOutput output) {
    startWith("--soci-indexer.retention.finished-jobs=-1d");

    assertThat(output).contains("Property: soci-indexer.retention.finishedJobs\n");
    assertThat(output)
        .contains("Reason: soci-indexer.retention.finished-jobs must not be negative");
  }

  private static void startWith(String... arguments) {
    SpringApplication application = new SpringApplication(Settings.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    assertThatThrownBy(() -> application.run(arguments)).isNotNull();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SociIndexerProperties.class)
  static class Settings {}

  private static Errors validate(SociIndexerProperties properties) {
    Errors errors = new BeanPropertyBindingResult(properties, "soci-indexer");
    properties.validate(properties, errors);
    return errors;
  }
}
