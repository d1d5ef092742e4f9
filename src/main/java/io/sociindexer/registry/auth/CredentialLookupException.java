package io.sociindexer.registry.auth;

/**
 * Thrown by a {@link CredentialProvider} when the credentials of a registry exist but cannot be
 * obtained: a docker credential helper is missing, fails or times out, or a cloud token request
 * fails. The message names the registry and the source, and never contains a secret. {@link
 * RegistryAuthInterceptor} turns it into a failed request for that registry.
 */
public final class CredentialLookupException extends RuntimeException {

  private final String registry;
  private final boolean transientFailure;

  /**
   * Creates the exception.
   *
   * @param transientFailure whether the same lookup may succeed later, as after a timeout or a
   *     network error. A missing helper or rejected cloud credentials are not transient.
   */
  public CredentialLookupException(
      String registry, String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.registry = registry;
    this.transientFailure = transientFailure;
  }

  public String registry() {
    return registry;
  }

  public boolean transientFailure() {
    return transientFailure;
  }
}
