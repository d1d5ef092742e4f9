package io.sociindexer.registry;

/** The registry returned 404 for a manifest, so the tag or digest does not exist in the repository. */
public final class ManifestNotFoundException extends RegistryException {

  public ManifestNotFoundException(
      Context context, String reason, String errorCode, String registryMessage) {
    super(context, 404, reason, errorCode, registryMessage, null, null, null);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
