package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

class ApiPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(ApiProperties.class)
  static class Settings {}

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
          .withUserConfiguration(Settings.class);

  @Test
  void defaultsRequireTokens() {
    ApiProperties properties = new ApiProperties();

    assertThat(properties.getAuthentication()).isEqualTo(ApiProperties.Authentication.TOKEN);
    assertThat(properties.getTokens()).isEmpty();
    assertThat(properties.getMaxBodySize().toBytes()).isEqualTo(64 * 1024);
  }

  @Test
  void shortTokenFailsStartup() {
    runner
        .withPropertyValues("soci-indexer.api.tokens=changeme")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("at least 16 characters and no whitespace"));
  }

  @Test
  void tokenWithSpaceFailsStartup() {
    runner
        .withPropertyValues("soci-indexer.api.tokens[0]=sixteen chars or more")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("at least 16 characters and no whitespace"));
  }

  @Test
  void noneBindsCaseInsensitively() {
    runner
        .withPropertyValues(
            "soci-indexer.api.authentication=none",
            "soci-indexer.api.tokens=long-enough-token-0123")
        .run(
            context -> {
              ApiProperties properties = context.getBean(ApiProperties.class);
              assertThat(properties.getAuthentication())
                  .isEqualTo(ApiProperties.Authentication.NONE);
              assertThat(properties.toString()).doesNotContain("long-enough-token-0123");
            });
  }
}
