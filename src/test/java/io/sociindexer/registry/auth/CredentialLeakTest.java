package io.sociindexer.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sociindexer.config.CredentialsProperties;
import io.sociindexer.config.SociIndexerProperties;
import io.sociindexer.job.JobError;
import io.sociindexer.metrics.IndexingMetrics;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryAuthException;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.registry.RegistryException;
import io.sociindexer.registry.ecr.EcrCredentialProvider;
import io.sociindexer.worker.RetryPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks that no password, helper secret or bearer token reaches the logs (captured at DEBUG),
 * exception messages and stack traces, the job error that {@link RetryPolicy#classify} builds,
 * or the {@code toString} of credential types. The flows run against a token-auth registry.
 */
class CredentialLeakTest {

  private static final String USER = "leak-check-user";
  private static final String PASSWORD = "pw-LEAK-6b1f0e";
  private static final String WRONG_PASSWORD = "pw-WRONG-93ad47";
  private static final String HELPER_SECRET = "helper-LEAK-1c8e";

  private static TokenIssuer issuer;
  private static TokenAuthRegistry registry;

  @TempDir Path directory;

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger root;
  private Level previousLevel;

  @BeforeAll
  static void start() throws IOException, InterruptedException, GeneralSecurityException {
    issuer = TokenIssuer.start(USER, PASSWORD);
    registry = TokenAuthRegistry.start(issuer);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @BeforeEach
  void captureLogs() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void restoreLogs() {
    root.detachAppender(appender);
    root.setLevel(previousLevel);
  }

  private RegistryClient client(CredentialProvider credentials) {
    return RegistryClient.builder()
        .credentials(credentials)
        .plainHttpRegistries(Set.of(registry.host()))
        .build();
  }

  private CredentialProvider only(Credential credential) {
    String host = registry.host();
    return registryHost -> registryHost.equals(host) ? Optional.of(credential) : Optional.empty();
  }

  @Test
  void successfulFlowLeaksNothing() throws IOException {
    RegistryClient client = client(only(new Credential(USER, PASSWORD)));
    Reference image = Reference.parse(registry.host() + "/leak/ok:v1");
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest configDigest = Digest.sha256(config);

    client.pushBlob(image, configDigest, config);
    client.pushManifest(image, MediaType.OCI_MANIFEST, ("{\"schemaVersion\":2,\"mediaType\":\""
        + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"" + MediaType.OCI_EMPTY
        + "\",\"digest\":\"" + configDigest + "\",\"size\":2},\"layers\":[]}")
        .getBytes(StandardCharsets.UTF_8));
    client.fetchManifest(image);

    assertThat(issuer.issuedTokens()).isNotEmpty();
    assertThat(appender.list).isNotEmpty();
    assertNoSecret(logText());
  }

  @Test
  void metricsLeakNothing() throws IOException {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IndexingMetrics metrics = new IndexingMetrics(meters);
    RegistryClient client =
        RegistryClient.builder()
            .credentials(only(new Credential(USER, PASSWORD)))
            .plainHttpRegistries(Set.of(registry.host()))
            .requestListener(metrics)
            .build();
    Reference image = Reference.parse(registry.host() + "/leak/metrics:v1");
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);

    client.pushBlob(image, Digest.sha256(config), config);
    catchThrowableOfType(
        RegistryException.class,
        () -> client(only(new Credential(USER, WRONG_PASSWORD))).fetchManifest(image));

    String scrape = meters.scrape();
    assertThat(scrape).contains("soci_registry_requests_total");
    assertNoSecret(scrape);
  }

  @Test
  void rejectedPasswordLeaksNothing() {
    RegistryClient client = client(only(new Credential(USER, WRONG_PASSWORD)));
    Reference image = Reference.parse(registry.host() + "/leak/denied:v1");

    RegistryAuthException error =
        catchThrowableOfType(RegistryAuthException.class, () -> client.fetchManifest(image));
    JobError jobError = classify(error);

    assertThat(error.getMessage()).contains(USER);
    assertNoSecret(stackTrace(error));
    assertNoSecret(error.toString());
    assertNoSecret(jobError.toString());
    assertNoSecret(JsonMapper.shared().writeValueAsString(jobError));
    assertThat(jobError.retryable()).isFalse();
    assertNoSecret(logText());
  }

  @Test
  void failingHelperLeaksNothing() throws IOException {
    Path helper = directory.resolve("docker-credential-leaky");
    Files.writeString(helper, "#!/bin/sh\necho 'token " + HELPER_SECRET + "'\necho '"
        + HELPER_SECRET + "' >&2\nexit 2\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = directory.resolve("config.json");
    Files.writeString(config, "{\"credHelpers\":{\"" + registry.host() + "\":\"leaky\"}}");
    DockerCredentialHelper helpers = new DockerCredentialHelper(
        List.of(directory), Duration.ofSeconds(5), Duration.ofMinutes(1), Clock.systemUTC());
    RegistryClient client = client(DockerConfigCredentialProvider.fromFile(config, helpers));
    Reference image = Reference.parse(registry.host() + "/leak/helper:v1");

    RegistryAuthException error =
        catchThrowableOfType(RegistryAuthException.class, () -> client.fetchManifest(image));
    JobError jobError = classify(error);

    assertThat(error.getMessage()).contains("docker-credential-leaky");
    assertThat(jobError.message()).contains("docker-credential-leaky");
    assertNoSecret(stackTrace(error));
    assertNoSecret(jobError.toString());
    assertNoSecret(logText());
  }

  @Test
  void credentialTypesRedacted() {
    CredentialsProperties.RegistryCredentials settings = new CredentialsProperties.RegistryCredentials();
    settings.setUsername(USER);
    settings.setPassword(PASSWORD);
    settings.setIdentityToken(HELPER_SECRET);
    Credential credential = new Credential(USER, PASSWORD);
    StaticCredentialProvider configured = new StaticCredentialProvider(Map.of("ghcr.io", credential));
    EcrCredentialProvider ecr = new EcrCredentialProvider(region -> null, Clock.systemUTC());

    List<String> texts = new ArrayList<>();
    texts.add(credential.toString());
    texts.add(Credential.identityToken(HELPER_SECRET).toString());
    texts.add(new BearerTokenClient.Token(PASSWORD, Duration.ofMinutes(5)).toString());
    texts.add(settings.toString());
    texts.add(configured.toString());
    texts.add(new ChainedCredentialProvider(List.of(configured, ecr)).toString());

    for (String text : texts) {
      assertNoSecret(text);
    }
  }

  private static JobError classify(Throwable failure) {
    RetryPolicy policy = RetryPolicy.from(new SociIndexerProperties().getRetry(), new Random(1));
    return policy.classify(failure).error();
  }

  private String logText() {
    StringBuilder text = new StringBuilder();
    // Threads of other tests may log while this reads; AppenderBase appends under its own lock.
    List<ILoggingEvent> events;
    synchronized (appender) {
      events = new ArrayList<>(appender.list);
    }
    for (ILoggingEvent event : events) {
      text.append(event.getFormattedMessage()).append('\n');
      if (event.getThrowableProxy() != null) {
        text.append(event.getThrowableProxy().getMessage()).append('\n');
      }
    }
    return text.toString();
  }

  private static String stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  private static void assertNoSecret(String text) {
    List<String> secrets = new ArrayList<>(List.of(PASSWORD, WRONG_PASSWORD, HELPER_SECRET,
        basic(PASSWORD), basic(WRONG_PASSWORD)));
    secrets.addAll(issuer.issuedTokens());
    for (String secret : secrets) {
      assertThat(text).doesNotContain(secret);
    }
  }

  private static String basic(String password) {
    return Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
