package io.sociindexer.indexer;

import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.Platform;
import java.util.List;

/**
 * One image manifest of the source image with the outcome of its layers, before publishing.
 *
 * @param manifest the parsed manifest, null when the manifest was skipped without reading it
 * @param skipReason why the manifest is left unchanged, null when its layers were indexed
 */
record ManifestWork(
    SourceImage.Entry entry,
    Platform platform,
    ImageManifest manifest,
    List<LayerOutcome> layers,
    String skipReason) {

  ManifestWork {
    layers = List.copyOf(layers);
  }

  static ManifestWork skipped(SourceImage.Entry entry, Platform platform, String reason) {
    return new ManifestWork(entry, platform, null, List.of(), reason);
  }

  /** Returns true when at least one layer of this manifest got a zTOC. */
  boolean hasZtoc() {
    return layers.stream().anyMatch(LayerOutcome::indexed);
  }

  PlatformOutcome toOutcome() {
    return new PlatformOutcome(
        platform, entry.descriptor().digest(), skipReason, layers, null, null);
  }
}
