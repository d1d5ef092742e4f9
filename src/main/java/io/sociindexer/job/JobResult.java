package io.sociindexer.job;

import java.util.List;

/**
 * The output of a finished job.
 *
 * @param imageIndexDigest digest of the SOCI-enabled image index, null when nothing was pushed
 * @param outputTag tag that points at it, null when nothing was pushed
 * @param sociIndexDigests digest of each SOCI index manifest, one per indexed platform
 * @param layers each layer's outcome
 * @param message a one-line summary, such as "nothing to index" or "already indexed as 1.0-soci"
 */
public record JobResult(
    String imageIndexDigest,
    String outputTag,
    List<String> sociIndexDigests,
    List<LayerResult> layers,
    String message) {

  public JobResult {
    sociIndexDigests = sociIndexDigests == null ? List.of() : List.copyOf(sociIndexDigests);
    layers = layers == null ? List.of() : List.copyOf(layers);
  }

  public static JobResult message(String message) {
    return new JobResult(null, null, List.of(), List.of(), message);
  }

  /**
   * One layer of one platform.
   *
   * @param ztocDigest digest of the zTOC, null when skipped
   * @param skipReason why no zTOC was built, null when indexed
   * @param reused whether the zTOC of an earlier image was reused instead of reading the layer;
   *     results stored before this field existed read as false
   */
  public record LayerResult(
      String platform,
      String layerDigest,
      long size,
      String ztocDigest,
      String skipReason,
      Boolean reused) {

    public LayerResult {
      reused = Boolean.TRUE.equals(reused);
    }
  }
}
