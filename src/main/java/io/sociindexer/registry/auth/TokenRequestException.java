package io.sociindexer.registry.auth;

import java.io.IOException;

/**
 * Thrown when a bearer token cannot be obtained: the challenge is unusable, the token realm
 * rejects the request or returns no token. The message names the realm without its query string
 * and never contains credentials or tokens. {@code status} is the token endpoint's HTTP status,
 * or 0 when no response arrived or the challenge itself was invalid.
 */
public final class TokenRequestException extends IOException {

  private final String registry;
  private final int status;

  public TokenRequestException(String registry, int status, String message, Throwable cause) {
    super(message, cause);
    this.registry = registry;
    this.status = status;
  }

  public String registry() {
    return registry;
  }

  public int status() {
    return status;
  }
}
