package io.sociindexer.job;

import java.util.Optional;

/**
 * Decides whether an image may become a job: the registry must be one the service is configured
 * to contact, and the registry, repository and tag must pass the include and exclude filters of
 * the source and the global ones. Webhooks, the job API and workers all ask it, so that no path
 * makes the service contact an address it was not configured for.
 *
 * <p>Implementations are thread-safe.
 */
public interface ImageAdmission {

  /** Admits every image; used until filters and an allow-list are configured. */
  ImageAdmission ALL = (image, source) -> Optional.empty();

  /**
   * Returns empty when {@code image} may be indexed, else the reason it is refused, naming the
   * setting that refuses it.
   *
   * @param source the webhook source name, or {@code api}
   */
  Optional<Refusal> check(ImageTarget image, String source);

  /**
   * Why an image is refused.
   *
   * @param registryNotAllowed true when the registry is outside the allow-list, which the API
   *     reports as an error. False when a filter left the image out, which is not an error
   */
  record Refusal(String reason, boolean registryNotAllowed) {}
}
