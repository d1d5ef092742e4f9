package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Platform;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of indexing one image.
 *
 * @param sourceDigest digest of the manifest or index the source tag pointed at
 * @param platforms one entry per image manifest that was considered
 * @param imageIndex descriptor of the SOCI-enabled image index, null when nothing was indexed. For
 *     SOCI v1 output it describes the unchanged source manifest or index, which its referrers
 *     now make SOCI-enabled
 * @param outputTag tag that now points at {@code imageIndex}, null when nothing was pushed. For
 *     SOCI v1 output it is the source tag, or null when the image was named by digest only
 * @param reason why the image is already SOCI-enabled, set only for {@link
 *     Status#ALREADY_SOCI_ENABLED}
 */
public record IndexResult(
    Status status,
    String image,
    Digest sourceDigest,
    List<PlatformOutcome> platforms,
    Descriptor imageIndex,
    String outputTag,
    Duration duration,
    String reason) {

  public IndexResult {
    platforms = List.copyOf(platforms);
  }

  /** Creates a result without a {@code reason}, for the statuses other than ALREADY_SOCI_ENABLED. */
  public IndexResult(
      Status status,
      String image,
      Digest sourceDigest,
      List<PlatformOutcome> platforms,
      Descriptor imageIndex,
      String outputTag,
      Duration duration) {
    this(status, image, sourceDigest, platforms, imageIndex, outputTag, duration, null);
  }

  /** Whether a SOCI index was built and pushed, and if not, why. */
  public enum Status {
    /** A SOCI index was built and pushed. */
    INDEXED,
    /** No layer needed a zTOC, so nothing was pushed. */
    NOTHING_TO_INDEX,
    /**
     * The image already has a SOCI index, or is one, so nothing was read or pushed; {@link
     * IndexResult#reason()} names the manifest that showed it.
     */
    ALREADY_SOCI_ENABLED
  }

  /**
   * The outcome of one image manifest of the image.
   *
   * @param manifestDigest digest of the source image manifest
   * @param skipReason why the manifest was left alone (attestation, platform not selected), or null
   * @param layers the outcome of each layer, in manifest order
   * @param sociIndex descriptor of the SOCI index manifest, null when no layer got a zTOC
   * @param rewrittenManifest descriptor of the annotated image manifest, null when not rewritten,
   *     which SOCI v1 output never does
   */
  public record PlatformOutcome(
      Platform platform,
      Digest manifestDigest,
      String skipReason,
      List<LayerOutcome> layers,
      Descriptor sociIndex,
      Descriptor rewrittenManifest) {

    public PlatformOutcome {
      layers = List.copyOf(layers);
    }
  }
}
