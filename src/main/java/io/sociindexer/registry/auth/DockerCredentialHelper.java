package io.sociindexer.registry.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs docker credential helpers with the protocol of docker/docker-credential-helpers: {@code
 * docker-credential-<name> get} receives the server URL on standard input and prints {@code
 * {"ServerURL","Username","Secret"}} on standard output. A username of {@code <token>} marks the
 * secret as an identity token. A helper that exits non-zero and prints {@code credentials not
 * found in native keychain} has no credentials for the host.
 *
 * <p>Results, including "no credentials", are cached per helper and host for {@code cacheTime}
 * so that a burst of requests runs the helper once. Failures are not cached. The helper's output
 * never reaches logs or exception messages because it may contain the secret. Thread-safe.
 */
public final class DockerCredentialHelper {

  private static final Logger log = LoggerFactory.getLogger(DockerCredentialHelper.class);

  /** The message of {@code ErrCredentialsNotFound} in docker-credential-helpers. */
  private static final String NOT_FOUND_MESSAGE = "credentials not found in native keychain";

  /** Helper names are file name parts, so path separators and shell characters are rejected. */
  private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** A helper prints one small JSON object, so the cap only stops a runaway helper. */
  private static final int MAX_OUTPUT_BYTES = 64 * 1024;

  /** The helper run timeout of {@link #onSystemPath()}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The result cache time of {@link #onSystemPath()}. */
  public static final Duration DEFAULT_CACHE_TIME = Duration.ofMinutes(1);

  private final List<Path> searchPath;
  private final Duration timeout;
  private final Duration cacheTime;
  private final Clock clock;
  private final Map<CacheKey, CacheEntry> cache = new ConcurrentHashMap<>();

  /**
   * Creates a runner.
   *
   * @param searchPath the directories searched for {@code docker-credential-<name>}, in order
   * @param timeout how long one helper run may take before it is killed
   * @param cacheTime how long a helper's result for a host is reused
   */
  public DockerCredentialHelper(List<Path> searchPath, Duration timeout, Duration cacheTime, Clock clock) {
    this.searchPath = List.copyOf(searchPath);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.cacheTime = Objects.requireNonNull(cacheTime, "cacheTime");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Returns the directories searched for helpers, in order. */
  public List<Path> searchPath() {
    return searchPath;
  }

  /** Creates a runner that searches the directories of the {@code PATH} environment variable. */
  public static DockerCredentialHelper onSystemPath(Duration timeout, Duration cacheTime, Clock clock) {
    return new DockerCredentialHelper(systemPath(), timeout, cacheTime, clock);
  }

  /** Creates a runner on the {@code PATH} with the default timeout and cache time. */
  public static DockerCredentialHelper onSystemPath() {
    return onSystemPath(DEFAULT_TIMEOUT, DEFAULT_CACHE_TIME, Clock.systemUTC());
  }

  static List<Path> systemPath() {
    String path = System.getenv("PATH");
    List<Path> directories = new ArrayList<>();
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          directories.add(Path.of(entry));
        }
      }
    }
    return directories;
  }

  /**
   * Returns the credentials that helper {@code helperName} stores for {@code registryHost}, or
   * empty when it has none.
   *
   * @throws CredentialLookupException when the helper is missing, exits with an error, prints
   *     invalid output or times out
   */
  public Optional<Credential> get(String helperName, String registryHost) {
    CacheKey key = new CacheKey(helperName, registryHost);
    CacheEntry cached = cache.get(key);
    if (cached != null && clock.instant().isBefore(cached.expiresAt())) {
      return cached.credential();
    }

    Optional<Credential> credential = run(helperName, registryHost);
    cache.put(key, new CacheEntry(credential, clock.instant().plus(cacheTime)));
    return credential;
  }

  private Optional<Credential> run(String helperName, String registryHost) {
    Path executable = locate(helperName, registryHost);
    log.debug("Running credential helper {} for {}", executable, registryHost);
    Process process;
    try {
      process = new ProcessBuilder(executable.toString(), "get")
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw failure(helperName, registryHost, "could not be started: " + e.getMessage(), false, e);
    }

    try {
      byte[] output = exchange(process, serverUrl(registryHost), helperName, registryHost);
      return parse(helperName, registryHost, process.exitValue(), output);
    } finally {
      process.destroyForcibly();
    }
  }

  private byte[] exchange(Process process, String serverUrl, String helperName, String registryHost) {
    CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(
        () -> readCapped(process.getInputStream()), Thread::startVirtualThread);
    try (OutputStream in = process.getOutputStream()) {
      in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // A helper may exit before reading its input. Its exit code and output decide the result.
      log.debug("Writing the server URL to credential helper {} failed: {}", helperName, e.toString());
    }

    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw failure(helperName, registryHost, "timed out after " + timeout, true, null);
      }
      return output.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(helperName, registryHost, "was interrupted", true, e);
    } catch (TimeoutException | ExecutionException e) {
      throw failure(helperName, registryHost, "did not close its output within " + timeout, true, null);
    }
  }

  private static byte[] readCapped(InputStream in) {
    try (in) {
      return in.readNBytes(MAX_OUTPUT_BYTES);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private Optional<Credential> parse(String helperName, String registryHost, int exitCode, byte[] output) {
    String text = new String(output, StandardCharsets.UTF_8).strip();
    if (exitCode != 0) {
      if (text.equals(NOT_FOUND_MESSAGE)) {
        return Optional.empty();
      }
      throw failure(helperName, registryHost, "exited with status " + exitCode
          + "; run 'docker-credential-" + helperName + " get' with the host on standard input"
          + " to see its error", false, null);
    }

    JsonNode json;
    try {
      json = JsonMapper.shared().readTree(text);
    } catch (JacksonException e) {
      throw failure(helperName, registryHost,
          "printed output that is not valid JSON; expected {\"Username\",\"Secret\"}", false, null);
    }
    String username = json.path("Username").asString("");
    String secret = json.path("Secret").asString("");
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    if (username.isEmpty()) {
      throw failure(helperName, registryHost, "returned a secret without a Username", false, null);
    }
    return Optional.of(new Credential(username, secret));
  }

  private Path locate(String helperName, String registryHost) {
    if (!HELPER_NAME.matcher(helperName).matches()) {
      throw failure(helperName, registryHost,
          "has an invalid name; expected letters, digits, '.', '_' or '-'", false, null);
    }
    String fileName = "docker-credential-" + helperName;
    for (Path directory : searchPath) {
      Path candidate = directory.resolve(fileName);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw failure(helperName, registryHost, "was not found in " + searchPath
        + "; install it or remove it from credHelpers and credsStore in the docker config", false, null);
  }

  /** Returns what docker sends for the host: the legacy index URL for Docker Hub, else the host. */
  static String serverUrl(String registryHost) {
    return registryHost.equals("docker.io") ? "https://index.docker.io/v1/" : registryHost;
  }

  private static CredentialLookupException failure(
      String helperName, String registryHost, String problem, boolean transientFailure, Throwable cause) {
    return new CredentialLookupException(registryHost,
        "credential helper docker-credential-" + helperName + " for registry " + registryHost
            + " " + problem,
        transientFailure, cause);
  }

  private record CacheKey(String helperName, String registryHost) {}

  private record CacheEntry(Optional<Credential> credential, Instant expiresAt) {}
}
