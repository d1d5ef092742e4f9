package io.sociindexer.registry.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads registry credentials from a docker {@code config.json}: {@code auths[host].auth} (base64
 * of {@code user:password}), the {@code username} and {@code password} fields, and {@code
 * identitytoken}. Host keys are normalised, so {@code https://index.docker.io/v1/}, {@code
 * index.docker.io}, {@code registry-1.docker.io} and {@code docker.io} all name Docker Hub, and a
 * scheme or path around any other host is ignored.
 *
 * <p>The file is read again when its modification time changes, so a {@code docker login} or an
 * updated mounted secret takes effect without a restart. A missing file means no credentials. An
 * entry that cannot be decoded is skipped with a warning, and its host goes anonymous.
 * Thread-safe.
 */
public final class DockerConfigCredentialProvider implements CredentialProvider {

  private static final Logger log = LoggerFactory.getLogger(DockerConfigCredentialProvider.class);

  private static final String DOCKER_HUB = "docker.io";
  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  private final Path path;
  private final Set<String> reportedHelperHosts = ConcurrentHashMap.newKeySet();
  private volatile Snapshot snapshot = new Snapshot(null, Map.of(), Map.of(), null);

  private DockerConfigCredentialProvider(Path path) {
    this.path = path;
  }

  /**
   * Reads {@code path}.
   *
   * @throws IllegalArgumentException when the file does not exist or is not a valid config.json
   */
  public static DockerConfigCredentialProvider fromFile(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "docker config file " + path + " not found; check the configured path");
    }
    DockerConfigCredentialProvider provider = new DockerConfigCredentialProvider(path);
    provider.current();
    return provider;
  }

  /**
   * Reads {@code $DOCKER_CONFIG/config.json} when {@code DOCKER_CONFIG} is set, else {@code
   * ~/.docker/config.json}, as the docker CLI does. A missing file means no credentials.
   */
  public static DockerConfigCredentialProvider fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** Like {@link #fromEnvironment()} with the environment and home directory given. */
  public static DockerConfigCredentialProvider fromEnvironment(Map<String, String> environment, Path home) {
    String dockerConfig = environment.get("DOCKER_CONFIG");
    Path directory = dockerConfig != null && !dockerConfig.isBlank()
        ? Path.of(dockerConfig)
        : home.resolve(".docker");
    return new DockerConfigCredentialProvider(directory.resolve("config.json"));
  }

  /** Returns the file this provider reads. */
  public Path path() {
    return path;
  }

  @Override
  public Optional<Credential> credentialsFor(String registryHost) {
    String host = normaliseHost(registryHost);
    Snapshot current = current();

    Credential credential = current.credentials().get(host);
    if (credential != null) {
      return Optional.of(credential);
    }
    credentialHelperFor(host).ifPresent(helper -> reportUnsupportedHelper(host, helper));
    return Optional.empty();
  }

  /**
   * Returns the credential helper that docker would run for {@code registryHost}: the {@code
   * credHelpers} entry for the host, else {@code credsStore}.
   */
  public Optional<String> credentialHelperFor(String registryHost) {
    Snapshot current = current();
    String helper = current.credentialHelpers().get(normaliseHost(registryHost));
    return Optional.ofNullable(helper != null ? helper : current.credentialsStore());
  }

  /**
   * Returns the lowercase host and port of a config.json key or registry name, with scheme and
   * path removed and the Docker Hub aliases mapped to {@code docker.io}.
   */
  public static String normaliseHost(String key) {
    String host = key.strip().toLowerCase(Locale.ROOT);
    int scheme = host.indexOf("://");
    if (scheme >= 0) {
      host = host.substring(scheme + 3);
    }
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    return DOCKER_HUB_ALIASES.contains(host) ? DOCKER_HUB : host;
  }

  // TODO: run docker-credential-<helper> get (host on stdin, JSON on stdout) as docker does.
  // Until then hosts whose credentials live in a helper or credsStore are accessed anonymously.
  private void reportUnsupportedHelper(String host, String helper) {
    if (reportedHelperHosts.add(host)) {
      log.warn("Docker config {} names credential helper docker-credential-{} for {}, but"
          + " credential helpers are not supported yet; requests to {} go anonymous",
          path, helper, host, host);
    }
  }

  private Snapshot current() {
    FileTime modified = lastModified();
    Snapshot current = snapshot;
    if (Objects.equals(modified, current.modified())) {
      return current;
    }
    synchronized (this) {
      if (!Objects.equals(modified, snapshot.modified())) {
        snapshot = modified == null ? new Snapshot(null, Map.of(), Map.of(), null) : read(modified);
      }
      return snapshot;
    }
  }

  private FileTime lastModified() {
    try {
      return Files.getLastModifiedTime(path);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read docker config file " + path, e);
    }
  }

  private Snapshot read(FileTime modified) {
    JsonNode json;
    try {
      json = JsonMapper.shared().readTree(Files.readAllBytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read docker config file " + path, e);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "invalid docker config file " + path + ": " + e.getOriginalMessage(), e);
    }

    Map<String, Credential> credentials = new HashMap<>();
    for (Map.Entry<String, JsonNode> entry : json.path("auths").properties()) {
      parseEntry(entry.getKey(), entry.getValue())
          .ifPresent(credential -> credentials.putIfAbsent(normaliseHost(entry.getKey()), credential));
    }
    Map<String, String> helpers = new HashMap<>();
    for (Map.Entry<String, JsonNode> entry : json.path("credHelpers").properties()) {
      helpers.put(normaliseHost(entry.getKey()), entry.getValue().asString(""));
    }
    String store = json.path("credsStore").asString("");
    log.debug("Read docker config {}: {} credentials, {} credential helpers",
        path, credentials.size(), helpers.size());
    return new Snapshot(modified, Map.copyOf(credentials), Map.copyOf(helpers), store.isEmpty() ? null : store);
  }

  private Optional<Credential> parseEntry(String key, JsonNode entry) {
    String identityToken = entry.path("identitytoken").asString("");
    if (!identityToken.isEmpty()) {
      return Optional.of(Credential.identityToken(identityToken));
    }
    String auth = entry.path("auth").asString("");
    if (!auth.isEmpty()) {
      return decodeAuth(key, auth);
    }
    String username = entry.path("username").asString("");
    String password = entry.path("password").asString("");
    if (!username.isEmpty() && !password.isEmpty()) {
      return Optional.of(new Credential(username, password));
    }
    return Optional.empty();
  }

  private Optional<Credential> decodeAuth(String key, String auth) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      log.warn("Skipping the credentials for {} in docker config {}: 'auth' is not valid base64",
          key, path);
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      log.warn("Skipping the credentials for {} in docker config {}: 'auth' does not decode to"
          + " user:password", key, path);
      return Optional.empty();
    }
    return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }

  private record Snapshot(
      FileTime modified,
      Map<String, Credential> credentials,
      Map<String, String> credentialHelpers,
      String credentialsStore) {}
}
