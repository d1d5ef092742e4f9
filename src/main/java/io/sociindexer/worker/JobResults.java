package io.sociindexer.worker;

import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.indexer.LayerOutcome;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobResult.LayerResult;
import java.util.ArrayList;
import java.util.List;

/** Maps an {@link IndexResult} to the {@link JobResult} the job store keeps. */
final class JobResults {

  static final String NOTHING_TO_INDEX = "nothing to index";

  private JobResults() {}

  static JobResult of(IndexResult result) {
    List<String> sociIndexes = new ArrayList<>();
    List<LayerResult> layers = new ArrayList<>();
    for (PlatformOutcome platform : result.platforms()) {
      if (platform.sociIndex() != null) {
        sociIndexes.add(platform.sociIndex().digest().toString());
      }
      String platformName = platform.platform() != null ? platform.platform().toString() : null;
      for (LayerOutcome layer : platform.layers()) {
        layers.add(layerResult(platformName, layer));
      }
    }

    if (result.status() == IndexResult.Status.NOTHING_TO_INDEX) {
      return new JobResult(null, null, List.of(), layers, NOTHING_TO_INDEX);
    }
    if (result.status() == IndexResult.Status.ALREADY_SOCI_ENABLED) {
      String message = "already SOCI-enabled: " + result.reason() + "; nothing was pushed";
      return new JobResult(null, null, List.of(), layers, message);
    }
    // A SOCI v1 index is attached to the image as a referrer: no new image index, no new tag.
    boolean referrer = result.imageIndex().digest().equals(result.sourceDigest());
    String message =
        referrer
            ? "indexed: SOCI v1 index attached to " + result.sourceDigest() + " as a referrer"
            : "indexed as " + result.outputTag();
    return new JobResult(
        result.imageIndex().digest().toString(), result.outputTag(), sociIndexes, layers, message);
  }

  private static LayerResult layerResult(String platform, LayerOutcome layer) {
    String ztocDigest = layer.indexed() ? layer.ztoc().digest().toString() : null;
    return new LayerResult(
        platform,
        layer.layer().digest().toString(),
        layer.layer().size(),
        ztocDigest,
        layer.skipReason(),
        layer.reused());
  }
}
