package io.sociindexer.registry.auth;

import java.util.List;
import java.util.Optional;

/**
 * Asks several providers in order and returns the first credentials found, so earlier providers
 * take precedence. A provider that throws {@link CredentialLookupException} stops the lookup,
 * because skipping it could send a request with weaker credentials than configured.
 * Thread-safe when every provider is. {@link #close()} closes the providers that are {@link
 * AutoCloseable}.
 */
public final class ChainedCredentialProvider implements CredentialProvider, AutoCloseable {

  private final List<CredentialProvider> providers;

  public ChainedCredentialProvider(List<CredentialProvider> providers) {
    this.providers = List.copyOf(providers);
  }

  @Override
  public Optional<Credential> credentialsFor(String registryHost) {
    for (CredentialProvider provider : providers) {
      Optional<Credential> credential = provider.credentialsFor(registryHost);
      if (credential.isPresent()) {
        return credential;
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() throws Exception {
    for (CredentialProvider provider : providers) {
      if (provider instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  @Override
  public String toString() {
    return "ChainedCredentialProvider" + providers;
  }
}
