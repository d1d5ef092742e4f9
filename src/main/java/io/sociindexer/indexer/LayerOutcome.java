package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import java.time.Duration;

/**
 * What happened to one layer: it got a zTOC, or it was skipped for a stated reason.
 *
 * @param ztoc the zTOC blob descriptor, null when skipped
 * @param ztocBytes the serialized zTOC, null when skipped
 * @param skipReason why no zTOC was built, null when indexed
 * @param entries number of tar entries in the zTOC
 * @param spans number of spans in the zTOC
 * @param reused whether the zTOC was built for an earlier image and reused, so the layer was not
 *     read
 */
public record LayerOutcome(
    Descriptor layer,
    Descriptor ztoc,
    byte[] ztocBytes,
    String skipReason,
    int entries,
    int spans,
    long uncompressedSize,
    Duration duration,
    boolean reused) {

  public static LayerOutcome skipped(Descriptor layer, String reason) {
    return new LayerOutcome(layer, null, null, reason, 0, 0, 0, Duration.ZERO, false);
  }

  public boolean indexed() {
    return ztoc != null;
  }
}
