package io.sociindexer.config;

import io.sociindexer.registry.auth.Credential;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Registry credentials, under the prefix {@code soci-indexer.credentials}. Precedence, first
 * match wins: {@link #getRegistries() registries} here, then the {@link #getDockerConfigFiles()
 * docker config files} such as mounted Kubernetes secrets in their listed order, then the docker
 * config.json of {@code soci-indexer.docker-config} or the environment, then Amazon ECR.
 */
@ConfigurationProperties("soci-indexer.credentials")
@Validated
public class CredentialsProperties {

  /**
   * Credentials per registry host. Keys with dots or a port need brackets in YAML, such as
   * {@code "[ghcr.io]"} or {@code "[127.0.0.1:5000]"}. Values may be placeholders such as
   * {@code ${GHCR_TOKEN}}.
   */
  @Valid @NotNull private Map<String, RegistryCredentials> registries = new LinkedHashMap<>();

  /**
   * docker config.json files read in addition to the default one, such as the {@code
   * .dockerconfigjson} key of a mounted {@code kubernetes.io/dockerconfigjson} secret. Each file
   * is read again when its modification time changes.
   */
  @NotNull private List<Path> dockerConfigFiles = new ArrayList<>();

  @Valid @NotNull private Helpers helpers = new Helpers();

  @Valid @NotNull private Ecr ecr = new Ecr();

  /** A username with a password, or an identity token, for one registry. */
  public static class RegistryCredentials {

    private String username;

    /** Password or access token; use a placeholder so that the value stays out of the file. */
    private String password;

    /** docker identity token (an OAuth2 refresh token); replaces username and password. */
    private String identityToken;

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public String getIdentityToken() {
      return identityToken;
    }

    public void setIdentityToken(String identityToken) {
      this.identityToken = identityToken;
    }

    /**
     * Returns the credential.
     *
     * @throws IllegalArgumentException when neither an identity token nor both username and
     *     password are set
     */
    public Credential toCredential(String host) {
      if (hasText(identityToken)) {
        return Credential.identityToken(identityToken);
      }
      if (hasText(username) && hasText(password)) {
        return new Credential(username, password);
      }
      throw new IllegalArgumentException("soci-indexer.credentials.registries[" + host + "] is"
          + " incomplete; set username and password, or identity-token");
    }

    @Override
    public String toString() {
      return "RegistryCredentials[username=" + username + ", password=<redacted>,"
          + " identityToken=<redacted>]";
    }

    private static boolean hasText(String value) {
      return value != null && !value.isBlank();
    }
  }

  /** docker credential helpers named by {@code credHelpers} and {@code credsStore}. */
  public static class Helpers {

    /** Directories searched for docker-credential-<name>; empty means the PATH. */
    @NotNull private List<Path> directories = new ArrayList<>();

    /** How long one helper run may take before it is killed. */
    @NotNull private Duration timeout = Duration.ofSeconds(10);

    /** How long a helper's result for a host is reused. */
    @NotNull private Duration cacheTime = Duration.ofMinutes(1);

    public List<Path> getDirectories() {
      return directories;
    }

    public void setDirectories(List<Path> directories) {
      this.directories = directories;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Duration getCacheTime() {
      return cacheTime;
    }

    public void setCacheTime(Duration cacheTime) {
      this.cacheTime = cacheTime;
    }
  }

  /** Amazon ECR credentials through GetAuthorizationToken. */
  public static class Ecr {

    /** Whether hosts of the form <account>.dkr.ecr.<region>.amazonaws.com get ECR tokens. */
    private boolean enabled = true;

    /** ECR API endpoint for every region, such as a VPC endpoint; unset means the regional one. */
    private URI endpoint;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public URI getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(URI endpoint) {
      this.endpoint = endpoint;
    }
  }

  public Map<String, RegistryCredentials> getRegistries() {
    return registries;
  }

  public void setRegistries(Map<String, RegistryCredentials> registries) {
    this.registries = registries;
  }

  public List<Path> getDockerConfigFiles() {
    return dockerConfigFiles;
  }

  public void setDockerConfigFiles(List<Path> dockerConfigFiles) {
    this.dockerConfigFiles = dockerConfigFiles;
  }

  public Helpers getHelpers() {
    return helpers;
  }

  public void setHelpers(Helpers helpers) {
    this.helpers = helpers;
  }

  public Ecr getEcr() {
    return ecr;
  }

  public void setEcr(Ecr ecr) {
    this.ecr = ecr;
  }
}
