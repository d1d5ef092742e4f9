package io.sociindexer.webhook;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code artifactory} webhook source under {@code
 * soci-indexer.webhook.sources.artifactory}.
 */
@ConfigurationProperties("soci-indexer.webhook.sources.artifactory")
public class ArtifactorySourceProperties {

  /**
   * The secret token of the Artifactory webhook. When empty, every delivery is rejected unless
   * {@code allow-unauthenticated} is true.
   */
  private String secret = "";

  /**
   * Whether the webhook has "use secret for signing" on: then {@code X-JFrog-Event-Auth} contains
   * the hex HMAC-SHA256 of the body keyed with the secret, else the secret itself.
   */
  private boolean useSecretForSigning;

  /**
   * Registry of each Docker repository, keyed by Artifactory repository key ({@code repo_key}),
   * because the payload does not name the host clients push to. A value is {@code host[:port]} for
   * the subdomain and port access methods, or {@code host[:port]/<repo_key>} for the repository
   * path method, whose image names start with the repository key. Events of other repositories are
   * ignored.
   */
  private Map<String, String> registries = new LinkedHashMap<>();

  /** Accepts deliveries without the secret; only for tests on a closed network. */
  private boolean allowUnauthenticated;

  public String getSecret() {
    return secret;
  }

  public void setSecret(String secret) {
    this.secret = secret;
  }

  public boolean isUseSecretForSigning() {
    return useSecretForSigning;
  }

  public void setUseSecretForSigning(boolean useSecretForSigning) {
    this.useSecretForSigning = useSecretForSigning;
  }

  public Map<String, String> getRegistries() {
    return registries;
  }

  public void setRegistries(Map<String, String> registries) {
    this.registries = registries;
  }

  public boolean isAllowUnauthenticated() {
    return allowUnauthenticated;
  }

  public void setAllowUnauthenticated(boolean allowUnauthenticated) {
    this.allowUnauthenticated = allowUnauthenticated;
  }
}
