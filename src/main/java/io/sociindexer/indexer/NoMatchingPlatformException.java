package io.sociindexer.indexer;

import io.sociindexer.oci.Platform;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Raised when platforms were requested and no image manifest of the image has any of them. The
 * failure is final: indexing the same image again cannot succeed.
 */
public final class NoMatchingPlatformException extends IOException {

  private final List<Platform> requested;
  private final List<Platform> available;

  /**
   * @param image the image as the user named it, for the message
   * @param requested the platforms the options request
   * @param available the platforms of the image's manifests, attestations excluded
   */
  public NoMatchingPlatformException(
      String image, List<Platform> requested, List<Platform> available) {
    super(
        "no manifest of " + image + " matches the requested platforms " + join(requested)
            + "; the image has " + (available.isEmpty() ? "no platform" : join(available)));
    this.requested = List.copyOf(requested);
    this.available = List.copyOf(available);
  }

  public List<Platform> requested() {
    return requested;
  }

  public List<Platform> available() {
    return available;
  }

  private static String join(List<Platform> platforms) {
    return platforms.stream().map(Platform::toString).collect(Collectors.joining(", "));
  }
}
