package io.sociindexer.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code github} webhook source under {@code soci-indexer.webhook.sources.github}.
 */
@ConfigurationProperties("soci-indexer.webhook.sources.github")
public class GithubSourceProperties {

  /**
   * The webhook secret entered in GitHub; deliveries must carry its HMAC-SHA256 signature in {@code
   * X-Hub-Signature-256}. When empty, every delivery is rejected unless {@code
   * allow-unauthenticated} is true.
   */
  private String secret = "";

  /** Accepts deliveries without a valid signature; only for tests on a closed network. */
  private boolean allowUnauthenticated;

  public String getSecret() {
    return secret;
  }

  public void setSecret(String secret) {
    this.secret = secret;
  }

  public boolean isAllowUnauthenticated() {
    return allowUnauthenticated;
  }

  public void setAllowUnauthenticated(boolean allowUnauthenticated) {
    this.allowUnauthenticated = allowUnauthenticated;
  }
}
