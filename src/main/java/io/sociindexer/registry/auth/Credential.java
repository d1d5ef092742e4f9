package io.sociindexer.registry.auth;

import java.util.Objects;

/**
 * A username and secret for one registry. The secret is a password, a personal access token or,
 * when {@code username} is {@value #IDENTITY_TOKEN_USERNAME}, a docker identity token (an OAuth2
 * refresh token that is exchanged at the token realm). {@link #toString()} never shows the
 * secret.
 */
public record Credential(String username, String secret) {

  /** The username docker writes for credentials that hold an identity token. */
  public static final String IDENTITY_TOKEN_USERNAME = "<token>";

  public Credential {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(secret, "secret");
  }

  /** Creates a credential for a docker identity token. */
  public static Credential identityToken(String token) {
    return new Credential(IDENTITY_TOKEN_USERNAME, token);
  }

  /** Returns true when the secret is an identity token rather than a password. */
  public boolean isIdentityToken() {
    return username.equals(IDENTITY_TOKEN_USERNAME);
  }

  @Override
  public String toString() {
    return "Credential[username=" + username + ", secret=<redacted>]";
  }
}
