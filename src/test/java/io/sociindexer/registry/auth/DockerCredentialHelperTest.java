package io.sociindexer.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs helper scripts written into a temporary directory, shaped after the protocol of
 * docker/docker-credential-helpers: server URL on standard input, JSON with ServerURL, Username
 * and Secret on standard output, and "credentials not found in native keychain" with exit status 1
 * when the store has no entry.
 */
class DockerCredentialHelperTest {

  private static final String SECRET = "helper-secret-5d2c";

  @TempDir Path directory;

  private Path calls;

  @BeforeEach
  void writeHelpers() throws IOException {
    calls = directory.resolve("calls.log");
    script("store", """
        read -r host
        echo "$host" >> %s
        case "$host" in
          ghcr.io) echo '{"ServerURL":"ghcr.io","Username":"octo","Secret":"%s"}' ;;
          token.example) echo '{"ServerURL":"token.example","Username":"<token>","Secret":"%s"}' ;;
          https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"hub","Secret":"%s"}' ;;
          *) echo 'credentials not found in native keychain'; exit 1 ;;
        esac
        """.formatted(calls, SECRET, SECRET, SECRET));
    script("broken", "echo 'leaked %s'\nexit 3\n".formatted(SECRET));
    script("garbage", "echo 'Secret=%s'\n".formatted(SECRET));
    script("slow", "sleep 30\n");
  }

  private void script(String name, String body) throws IOException {
    Path file = directory.resolve("docker-credential-" + name);
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private DockerCredentialHelper helper(Clock clock) {
    return new DockerCredentialHelper(List.of(directory), Duration.ofSeconds(2), Duration.ofMinutes(1), clock);
  }

  @Test
  void helperReturnsPassword() {
    Optional<Credential> credential = helper(Clock.systemUTC()).get("store", "ghcr.io");

    assertThat(credential).contains(new Credential("octo", SECRET));
  }

  @Test
  void helperReturnsIdentityToken() {
    Optional<Credential> credential = helper(Clock.systemUTC()).get("store", "token.example");

    assertThat(credential).contains(Credential.identityToken(SECRET));
    assertThat(credential.get().isIdentityToken()).isTrue();
  }

  @Test
  void dockerHubSendsIndexUrl() {
    assertThat(helper(Clock.systemUTC()).get("store", "docker.io")).contains(new Credential("hub", SECRET));
  }

  @Test
  void notFoundIsEmpty() {
    assertThat(helper(Clock.systemUTC()).get("store", "quay.io")).isEmpty();
  }

  @Test
  void resultCachedPerHost() throws IOException {
    TestClock clock = new TestClock(Instant.now());
    DockerCredentialHelper helper = helper(clock);

    helper.get("store", "ghcr.io");
    helper.get("store", "ghcr.io");
    helper.get("store", "quay.io");
    helper.get("store", "quay.io");
    assertThat(Files.readAllLines(calls)).containsExactly("ghcr.io", "quay.io");
    clock.advance(Duration.ofMinutes(2));
    helper.get("store", "ghcr.io");

    assertThat(Files.readAllLines(calls)).containsExactly("ghcr.io", "quay.io", "ghcr.io");
  }

  @Test
  void missingHelperFails() {
    CredentialLookupException error = catchThrowableOfType(CredentialLookupException.class,
        () -> helper(Clock.systemUTC()).get("absent", "ghcr.io"));

    assertThat(error.getMessage())
        .contains("docker-credential-absent")
        .contains("ghcr.io")
        .contains("was not found");
    assertThat(error.transientFailure()).isFalse();
  }

  @Test
  void failingHelperHidesOutput() {
    CredentialLookupException error = catchThrowableOfType(CredentialLookupException.class,
        () -> helper(Clock.systemUTC()).get("broken", "ghcr.io"));

    assertThat(error.getMessage()).contains("exited with status 3");
    assertThat(error.getMessage()).doesNotContain(SECRET);
    assertThat(error.transientFailure()).isFalse();
  }

  @Test
  void invalidOutputHidesOutput() {
    CredentialLookupException error = catchThrowableOfType(CredentialLookupException.class,
        () -> helper(Clock.systemUTC()).get("garbage", "ghcr.io"));

    assertThat(error.getMessage()).contains("not valid JSON");
    assertThat(error.getMessage()).doesNotContain(SECRET);
  }

  @Test
  void slowHelperTimesOut() {
    DockerCredentialHelper helper =
        new DockerCredentialHelper(List.of(directory), Duration.ofMillis(300), Duration.ZERO, Clock.systemUTC());
    long start = System.nanoTime();

    CredentialLookupException error =
        catchThrowableOfType(CredentialLookupException.class, () -> helper.get("slow", "ghcr.io"));

    assertThat(error.getMessage()).contains("timed out after PT0.3S");
    assertThat(error.transientFailure()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void invalidHelperNameRejected() {
    CredentialLookupException error = catchThrowableOfType(CredentialLookupException.class,
        () -> helper(Clock.systemUTC()).get("../store", "ghcr.io"));

    assertThat(error.getMessage()).contains("invalid name");
  }

  @Test
  void configHelpersBeforeAuths() throws IOException {
    Path config = directory.resolve("config.json");
    Files.writeString(config, """
        {"auths": {"ghcr.io": {"auth": "Zmlyc3Q6ZmlsZS1wYXNzd29yZA=="},
                   "quay.io": {"auth": "Zmlyc3Q6ZmlsZS1wYXNzd29yZA=="}},
         "credsStore": "store",
         "credHelpers": {"registry.example": "broken"}}
        """);
    DockerConfigCredentialProvider provider =
        DockerConfigCredentialProvider.fromFile(config, helper(Clock.systemUTC()));

    assertThat(provider.credentialsFor("ghcr.io")).contains(new Credential("octo", SECRET));
    assertThat(provider.credentialsFor("quay.io")).contains(new Credential("first", "file-password"));
    assertThat(provider.credentialsFor("https://index.docker.io/v1/")).contains(new Credential("hub", SECRET));
    CredentialLookupException error = catchThrowableOfType(
        CredentialLookupException.class, () -> provider.credentialsFor("registry.example"));
    assertThat(error.registry()).isEqualTo("registry.example");
  }

  @Test
  void environmentHelperRunner() throws IOException {
    Path home = directory.resolve("home");
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), "{\"credsStore\":\"store\"}");

    DockerConfigCredentialProvider provider =
        DockerConfigCredentialProvider.fromEnvironment(Map.of(), home, helper(Clock.systemUTC()));

    assertThat(provider.credentialsFor("ghcr.io")).contains(new Credential("octo", SECRET));
  }
}
