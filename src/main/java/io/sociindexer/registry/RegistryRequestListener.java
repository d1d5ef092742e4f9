package io.sociindexer.registry;

/**
 * Receives one call per HTTP request that the {@link RegistryClient} sends to a registry, for
 * metrics. Token requests to an authorization server are not reported on their own. A failed
 * token request is reported as the registry request it was made for, with the token endpoint's
 * status.
 *
 * <p>Implementations are called from the requesting thread, so they must be quick and
 * thread-safe, and they must not throw.
 */
@FunctionalInterface
public interface RegistryRequestListener {

  /** A listener that ignores every request. */
  RegistryRequestListener NONE = (registry, operation, status) -> {};

  /**
   * Called when a request has ended.
   *
   * @param registry the registry host as written in the image reference, such as {@code ghcr.io}
   * @param operation the client operation, one of a fixed set such as {@code fetch manifest} or
   *     {@code push blob}
   * @param status the HTTP status, or 0 when no response arrived
   */
  void requestFinished(String registry, String operation, int status);
}
