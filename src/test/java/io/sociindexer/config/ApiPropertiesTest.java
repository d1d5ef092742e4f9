package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
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

  /** Starts an application with only {@link ApiProperties} and expects its startup to fail. */
  static void startWith(String... arguments) {
    SpringApplication application = new SpringApplication(Settings.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    assertThatThrownBy(() -> application.run(arguments)).isNotNull();
  }

  @Test
  void shortTokenReportNamesProperty(CapturedOutput output) {
    startWith("--soci-indexer.api.tokens=short-secret");

    assertThat(output).contains("Property: soci-indexer.api.tokens\n");
    assertThat(output).contains("Value: \"(1 token, not shown)\"");
    assertThat(output).contains("Origin: \"soci-indexer.api.tokens\" from property source");
    assertThat(output).contains("Reason: token 1 of 1 has 12 characters: each token in");
    assertThat(output).doesNotContain("short-secret");
    assertThat(output).doesNotContain("tokenListValid");
  }

  @Test
  void tokenReportListsEachBadToken(CapturedOutput output) {
    startWith(
        "--soci-indexer.api.tokens[0]=long-enough-token-0123",
        "--soci-indexer.api.tokens[1]=with a space in the token",
        "--soci-indexer.api.tokens[2]=tiny");

    assertThat(output).contains("Value: \"(3 tokens, not shown)\"");
    assertThat(output).contains("token 2 of 3 contains whitespace, token 3 of 3 has 4 characters");
    assertThat(output).doesNotContain("with a space in the token");
    assertThat(output).doesNotContain("long-enough-token-0123");
    assertThat(output).doesNotContain("tiny");
  }

  @Test
  void zeroBodySizeReportNamesProperty(CapturedOutput output) {
    startWith("--soci-indexer.api.max-body-size=0");

    assertThat(output).contains("Property: soci-indexer.api.maxBodySize");
    assertThat(output).contains("Value: \"0B\"");
    assertThat(output).contains("Origin: \"soci-indexer.api.max-body-size\" from property source");
    assertThat(output).contains("Reason: soci-indexer.api.max-body-size must be greater than zero");
    assertThat(output).doesNotContain("maxBodySizePositive");
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
