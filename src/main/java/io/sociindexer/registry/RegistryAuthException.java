package io.sociindexer.registry;

/**
 * The registry or its token realm rejected the request with 401 or 403 after authentication was
 * attempted, or authentication could not be attempted at all. Retrying without other credentials
 * does not help, so {@link #retryable()} is false.
 */
public final class RegistryAuthException extends RegistryException {

  public RegistryAuthException(
      Context context, int status, String reason, String errorCode, String registryMessage,
      String detail, Throwable cause) {
    super(context, status, reason, errorCode, registryMessage, null, detail, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
