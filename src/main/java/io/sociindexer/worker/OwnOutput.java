package io.sociindexer.worker;

import io.sociindexer.indexer.ImageStore.StoredManifest;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;

/**
 * Recognises SOCI artifacts by content, so that the pushes of this service (or of the soci CLI)
 * are not indexed again: a SOCI index manifest, an image manifest that already names its SOCI
 * index, and an image index that contains a SOCI v2 index descriptor.
 */
final class OwnOutput {

  static final String SOCI_INDEX_DIGEST_ANNOTATION = "com.amazon.soci.index-digest";

  static final String SOCI_OUTPUT = "soci-indexer output";
  static final String SOCI_ENABLED = "already SOCI-enabled";

  private OwnOutput() {}

  /**
   * Returns why the manifest must not be indexed, or null when it is an ordinary image.
   *
   * @throws io.sociindexer.oci.ManifestFormatException when the bytes are not a valid manifest
   */
  static String skipReason(StoredManifest manifest) {
    MediaType mediaType = manifest.mediaType();
    if (mediaType.isIndex()) {
      return skipReason(ImageIndex.parse(manifest.bytes()));
    }
    if (mediaType.isManifest()) {
      return skipReason(ImageManifest.parse(manifest.bytes()));
    }
    return null;
  }

  private static String skipReason(ImageManifest manifest) {
    if (isSociIndexType(manifest.config().mediaType().value())
        || isSociIndexType(manifest.artifactType())) {
      return SOCI_OUTPUT;
    }
    if (manifest.annotations().containsKey(SOCI_INDEX_DIGEST_ANNOTATION)) {
      return SOCI_ENABLED;
    }
    return null;
  }

  private static String skipReason(ImageIndex index) {
    for (Descriptor descriptor : index.manifests()) {
      if (MediaType.SOCI_INDEX_V2.value().equals(descriptor.artifactType())) {
        return SOCI_ENABLED;
      }
    }
    return null;
  }

  private static boolean isSociIndexType(String type) {
    return MediaType.SOCI_INDEX_V1.value().equals(type)
        || MediaType.SOCI_INDEX_V2.value().equals(type);
  }
}
