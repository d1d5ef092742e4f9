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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads registry credentials from a docker {@code config.json}: {@code auths[host].auth} (base64
 * of {@code user:password}), the {@code username} and {@code password} fields, {@code
 * identitytoken}, and the credential helpers of {@code credHelpers} (per host) and {@code
 * credsStore} (every other host). As in the docker CLI, a host's helper is asked first; when it
 * has no credentials for the host, the {@code auths} entry applies. Host keys are normalised, so {@code https://index.docker.io/v1/}, {@code
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
  private final DockerCredentialHelper helpers;
  private volatile Snapshot snapshot = new Snapshot(null, Map.of(), Map.of(), null);

  private DockerConfigCredentialProvider(Path path, DockerCredentialHelper helpers) {
    this.path = path;
    this.helpers = Objects.requireNonNull(helpers, "helpers");
  }

  /**
   * Reads {@code path}, running credential helpers from the {@code PATH}.
   *
   * @throws IllegalArgumentException when the file does not exist or is not a valid config.json
   */
  public static DockerConfigCredentialProvider fromFile(Path path) {
    return fromFile(path, DockerCredentialHelper.onSystemPath());
  }

  /**
   * Reads {@code path}, running credential helpers with {@code helpers}. The file may also be a
   * mounted Kubernetes secret of type {@code kubernetes.io/dockerconfigjson}, whose
   * {@code .dockerconfigjson} key has the same format.
   *
   * @throws IllegalArgumentException when the file does not exist or is not a valid config.json
   */
  public static DockerConfigCredentialProvider fromFile(Path path, DockerCredentialHelper helpers) {
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException(
          "docker config file " + path + " is a directory; give the path of the config.json in it");
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "docker config file " + path + " not found; check the configured path");
    }
    DockerConfigCredentialProvider provider = new DockerConfigCredentialProvider(path, helpers);
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
    return fromEnvironment(environment, home, DockerCredentialHelper.onSystemPath());
  }

  /** Like {@link #fromEnvironment()} with the environment, home directory and helper runner given. */
  public static DockerConfigCredentialProvider fromEnvironment(
      Map<String, String> environment, Path home, DockerCredentialHelper helpers) {
    String dockerConfig = environment.get("DOCKER_CONFIG");
    Path directory = dockerConfig != null && !dockerConfig.isBlank()
        ? Path.of(dockerConfig)
        : home.resolve(".docker");
    return new DockerConfigCredentialProvider(directory.resolve("config.json"), helpers);
  }

  /** Returns the file this provider reads. */
  public Path path() {
    return path;
  }

  /**
   * Returns the credentials for {@code registryHost}: from its credential helper when one is
   * configured and has them, else from its {@code auths} entry.
   *
   * @throws CredentialLookupException when the credential helper is missing, fails or times out
   */
  @Override
  public Optional<Credential> credentialsFor(String registryHost) {
    String host = normaliseHost(registryHost);
    Snapshot current = current();

    Optional<String> helper = credentialHelperFor(host);
    if (helper.isPresent()) {
      Optional<Credential> fromHelper = helpers.get(helper.get(), host);
      if (fromHelper.isPresent()) {
        return fromHelper;
      }
    }
    return Optional.ofNullable(current.credentials().get(host));
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
