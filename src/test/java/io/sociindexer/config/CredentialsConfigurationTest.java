package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.job.JobStore;
import io.sociindexer.registry.auth.Credential;
import io.sociindexer.registry.auth.CredentialProvider;
import io.sociindexer.worker.InMemoryJobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/**
 * The credential provider that {@link ServiceConfiguration} builds from {@code
 * soci-indexer.credentials}: precedence of configuration, mounted secrets and the docker
 * config.json, placeholders, and re-reading a changed secret.
 */
class CredentialsConfigurationTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties({SociIndexerProperties.class, CredentialsProperties.class})
  static class Properties {}

  @TempDir Path directory;

  private Path dockerConfig;
  private Path secret;
  private ApplicationContextRunner context;

  @BeforeEach
  void writeFiles() throws IOException {
    dockerConfig = directory.resolve("config.json");
    Files.writeString(dockerConfig, auths("ghcr.io", "docker-user", "docker-pw")
        .replace("}}}", "},\"quay.io\":{\"auth\":\"" + base64("docker-user:docker-pw") + "\"},"
            + "\"harbor.example\":{\"auth\":\"" + base64("docker-user:docker-pw") + "\"}}}"));
    secret = directory.resolve("regcred/.dockerconfigjson");
    Files.createDirectories(secret.getParent());
    Files.writeString(secret, auths("quay.io", "secret-user", "secret-pw"));

    context = new ApplicationContextRunner()
        .withUserConfiguration(Properties.class, ServiceConfiguration.class)
        .withBean(JobStore.class, () -> new InMemoryJobStore(Clock.systemUTC()))
        .withPropertyValues(
            "soci-indexer.workers.count=0",
            "soci-indexer.docker-config=" + dockerConfig,
            "soci-indexer.credentials.docker-config-files=" + secret,
            "soci-indexer.credentials.ecr.enabled=false",
            "test.ghcr-token=config-pw",
            "soci-indexer.credentials.registries[ghcr.io].username=config-user",
            "soci-indexer.credentials.registries[ghcr.io].password=${test.ghcr-token}")
        // TestPropertyValues splits at the first ':', so a key with a port needs a property source.
        .withInitializer(started -> started.getEnvironment().getPropertySources().addFirst(
            new MapPropertySource("port-key", Map.of(
                "soci-indexer.credentials.registries[127.0.0.1:5000].identity-token", "refresh-123"))));
  }

  private static String auths(String host, String user, String password) {
    return "{\"auths\":{\"" + host + "\":{\"auth\":\"" + base64(user + ":" + password) + "\"}}}";
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void configurationFirst() {
    context.run(started -> {
      CredentialProvider provider = started.getBean(CredentialProvider.class);

      assertThat(provider.credentialsFor("ghcr.io")).contains(new Credential("config-user", "config-pw"));
      assertThat(provider.credentialsFor("127.0.0.1:5000")).contains(Credential.identityToken("refresh-123"));
    });
  }

  @Test
  void secretBeforeDockerConfig() {
    context.run(started -> {
      CredentialProvider provider = started.getBean(CredentialProvider.class);

      assertThat(provider.credentialsFor("quay.io")).contains(new Credential("secret-user", "secret-pw"));
      assertThat(provider.credentialsFor("harbor.example"))
          .contains(new Credential("docker-user", "docker-pw"));
      assertThat(provider.credentialsFor("other.example")).isEmpty();
    });
  }

  @Test
  void changedSecretReread() {
    context.run(started -> {
      CredentialProvider provider = started.getBean(CredentialProvider.class);
      assertThat(provider.credentialsFor("quay.io")).contains(new Credential("secret-user", "secret-pw"));

      Files.writeString(secret, auths("quay.io", "rotated-user", "rotated-pw"));
      Files.setLastModifiedTime(secret, FileTime.from(Instant.now().plusSeconds(5)));

      assertThat(provider.credentialsFor("quay.io")).contains(new Credential("rotated-user", "rotated-pw"));
    });
  }

  @Test
  void incompleteEntryFailsStartup() {
    context
        .withPropertyValues("soci-indexer.credentials.registries[registry.example].username=only-user")
        .run(started -> {
          assertThat(started).hasFailed();
          assertThat(started.getStartupFailure())
              .rootCause()
              .hasMessageContaining("soci-indexer.credentials.registries[registry.example] is incomplete");
        });
  }

  @Test
  void settingsToStringRedacted() {
    CredentialsProperties.RegistryCredentials credentials = new CredentialsProperties.RegistryCredentials();
    credentials.setUsername("u");
    credentials.setPassword("p4ssw0rd-value");
    credentials.setIdentityToken("identity-value");

    assertThat(credentials.toString()).doesNotContain("p4ssw0rd-value").doesNotContain("identity-value");
  }
}
