package io.sociindexer.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.config.SociIndexerProperties;
import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.ImageTarget;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

class AdmissionConfigurationTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SociIndexerProperties.class)
  @Import(AdmissionConfiguration.class)
  static class AdmissionOnly {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(AdmissionOnly.class);

  private static boolean admits(ImageAdmission admission, String registry, String source) {
    return admission.check(new ImageTarget(registry, "team/app", "1.0", null), source).isEmpty();
  }

  @Test
  void configurationDefaultRejectsAll() {
    runner.run(context -> {
      ImageAdmission admission = context.getBean(ImageAdmission.class);

      assertThat(admits(admission, "docker.io", "api")).isFalse();
      assertThat(admits(admission, "127.0.0.1:5000", "api")).isFalse();
    });
  }

  @Test
  void configurationAllowListUnion() {
    runner
        .withPropertyValues(
            "soci-indexer.registries.allowed=registry.example:5000,*.corp.example",
            "soci-indexer.plain-http-registries=127.0.0.1:5000",
            "soci-indexer.credentials.registries[ghcr.io].username=bot",
            "soci-indexer.credentials.registries[ghcr.io].password=not-a-real-secret")
        .run(context -> {
          ImageAdmission admission = context.getBean(ImageAdmission.class);

          assertThat(admits(admission, "registry.example:5000", "api")).isTrue();
          assertThat(admits(admission, "a.corp.example", "api")).isTrue();
          assertThat(admits(admission, "127.0.0.1:5000", "api")).isTrue();
          assertThat(admits(admission, "ghcr.io", "api")).isTrue();
          assertThat(admits(admission, "registry.example", "api")).isFalse();
          assertThat(admits(admission, "127.0.0.1:5001", "api")).isFalse();
        });
  }

  @Test
  void configurationBindsFilters() {
    runner
        .withPropertyValues(
            "soci-indexer.registries.allowed=registry.example",
            "soci-indexer.filters.exclude[0].tag=*-rc*",
            "soci-indexer.webhook.max-body-size=2MB",
            "soci-indexer.webhook.sources.harbor.secret=not-a-real-secret",
            "soci-indexer.webhook.sources.harbor.filters.include[0].repository=prod/**")
        .run(context -> {
          ImageAdmission admission = context.getBean(ImageAdmission.class);
          ImageTarget rc = new ImageTarget("registry.example", "prod/app", "1.0-rc1", null);
          ImageTarget dev = new ImageTarget("registry.example", "dev/app", "1.0", null);

          assertThat(admission.check(rc, "api")).isPresent();
          assertThat(admission.check(dev, "api")).isEmpty();
          assertThat(admission.check(dev, "harbor")).isPresent();
          assertThat(context.getBean(SociIndexerProperties.class).getWebhook().getMaxBodySize())
              .hasToString("2097152B");
        });
  }

  @Test
  void configurationInvalidRuleStops() {
    runner
        .withPropertyValues(
            "soci-indexer.registries.allowed=registry.example",
            "soci-indexer.webhook.sources.quay.filters.exclude[0].tag=")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure())
              .hasStackTraceContaining(
                  "soci-indexer.webhook.sources.quay.filters.exclude[0]: invalid filter rule")
              .hasStackTraceContaining("set at least one of registry");
        });
  }

  @Test
  void configurationInvalidEntryStops() {
    runner
        .withPropertyValues("soci-indexer.registries.allowed=https://registry.example")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure())
              .rootCause()
              .hasMessageContaining("'https://registry.example'");
        });
  }

  @Test
  void invalidPlainHttpEntryNamesSetting() {
    runner
        .withPropertyValues("soci-indexer.plain-http-registries=bad host!")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure())
              .hasStackTraceContaining(
                  "soci-indexer.plain-http-registries has an invalid registry 'bad host!'");
          assertThat(context.getStartupFailure()).hasStackTraceContaining("expected host[:port]");
        });
  }

  @Test
  void invalidAllowedEntryNamesSetting() {
    runner
        .withPropertyValues("soci-indexer.registries.allowed=https://registry.example")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure())
              .hasStackTraceContaining(
                  "soci-indexer.registries.allowed has an invalid registry"
                      + " 'https://registry.example'");
        });
  }
}
