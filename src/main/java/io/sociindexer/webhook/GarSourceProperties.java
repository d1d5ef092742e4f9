package io.sociindexer.webhook;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code gar} webhook source under {@code soci-indexer.webhook.sources.gar}.
 *
 * <p>A Pub/Sub push subscription with authentication sends a Google-signed OIDC token. The service
 * checks it against Google's public keys, which the operator provides as a JWKS file or as PEM
 * text, because the service never fetches keys at request time.
 */
@ConfigurationProperties("soci-indexer.webhook.sources.gar")
public class GarSourceProperties {

  /** Expected {@code aud} claim: the audience set on the push subscription. */
  private String audience = "";

  /** Expected {@code email} claim: the service account the push subscription signs tokens as. */
  private String serviceAccountEmail = "";

  /**
   * Path of a JWKS file with Google's signing keys, such as a copy of
   * https://www.googleapis.com/oauth2/v3/certs. It is read again whenever its modification time
   * changes, so a job that refreshes the file needs no restart.
   */
  private String jwksPath = "";

  /** Signing keys as PEM text: {@code PUBLIC KEY} or X.509 {@code CERTIFICATE} blocks. */
  private List<String> publicKeys = new ArrayList<>();

  /**
   * Shared token expected in the {@code token} query parameter, for subscriptions without OIDC
   * authentication such as those with payload unwrapping. Empty means no token is accepted.
   */
  private String token = "";

  /** Accepts deliveries without a token; only for tests on a closed network. */
  private boolean allowUnauthenticated;

  public String getAudience() {
    return audience;
  }

  public void setAudience(String audience) {
    this.audience = audience;
  }

  public String getServiceAccountEmail() {
    return serviceAccountEmail;
  }

  public void setServiceAccountEmail(String serviceAccountEmail) {
    this.serviceAccountEmail = serviceAccountEmail;
  }

  public String getJwksPath() {
    return jwksPath;
  }

  public void setJwksPath(String jwksPath) {
    this.jwksPath = jwksPath;
  }

  public List<String> getPublicKeys() {
    return publicKeys;
  }

  public void setPublicKeys(List<String> publicKeys) {
    this.publicKeys = publicKeys;
  }

  public String getToken() {
    return token;
  }

  public void setToken(String token) {
    this.token = token;
  }

  public boolean isAllowUnauthenticated() {
    return allowUnauthenticated;
  }

  public void setAllowUnauthenticated(boolean allowUnauthenticated) {
    this.allowUnauthenticated = allowUnauthenticated;
  }
}
