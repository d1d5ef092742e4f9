package io.sociindexer.registry;

/** The registry returned 404 for a blob, so the digest does not exist in the repository. */
public final class BlobNotFoundException extends RegistryException {

  public BlobNotFoundException(
      Context context, String reason, String errorCode, String registryMessage) {
    super(context, 404, reason, errorCode, registryMessage, null, null, null);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
