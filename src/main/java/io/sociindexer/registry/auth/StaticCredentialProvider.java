package io.sociindexer.registry.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials given per registry host, for example from the service configuration. Host keys are
 * normalised like docker config keys, so {@code https://index.docker.io/v1/} and {@code docker.io}
 * name the same registry. Immutable and thread-safe.
 */
public final class StaticCredentialProvider implements CredentialProvider {

  private final Map<String, Credential> credentials;

  /** Creates a provider from credentials keyed by registry host, such as {@code ghcr.io}. */
  public StaticCredentialProvider(Map<String, Credential> credentialsByHost) {
    Map<String, Credential> normalised = new HashMap<>();
    credentialsByHost.forEach((host, credential) ->
        normalised.put(DockerConfigCredentialProvider.normaliseHost(host), credential));
    this.credentials = Map.copyOf(normalised);
  }

  @Override
  public Optional<Credential> credentialsFor(String registryHost) {
    return Optional.ofNullable(credentials.get(DockerConfigCredentialProvider.normaliseHost(registryHost)));
  }

  @Override
  public String toString() {
    return "StaticCredentialProvider[hosts=" + credentials.keySet() + "]";
  }
}
