package io.sociindexer.registry.auth;

import java.util.Optional;

/**
 * Looks up the credentials for a registry. Implementations must be thread-safe because one
 * {@code RegistryClient} calls them from many requests at once.
 */
@FunctionalInterface
public interface CredentialProvider {

  /** A provider without credentials, so every request goes anonymous. */
  CredentialProvider ANONYMOUS = registryHost -> Optional.empty();

  /**
   * Returns the credentials for {@code registryHost}, the registry part of an image reference
   * such as {@code docker.io}, {@code ghcr.io} or {@code 127.0.0.1:5000}, or empty when requests
   * to it go anonymous.
   */
  Optional<Credential> credentialsFor(String registryHost);
}
