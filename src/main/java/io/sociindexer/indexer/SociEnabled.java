package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;

/**
 * Recognises an image that is already SOCI-enabled, or is a SOCI index itself, so that it is not
 * indexed again: an image index that contains a SOCI v2 index descriptor, an image manifest that
 * carries {@code com.amazon.soci.index-digest}, and a SOCI v1 or v2 index manifest.
 */
final class SociEnabled {

  private SociEnabled() {}

  /** Returns why the image index is already SOCI-enabled, or null when it is not. */
  static String reason(ImageIndex index) {
    for (Descriptor descriptor : index.manifests()) {
      if (MediaType.SOCI_INDEX_V2.value().equals(descriptor.artifactType())) {
        return "image index " + index.digest() + " contains the SOCI index " + descriptor.digest();
      }
    }
    return null;
  }

  /** Returns why the image manifest is already SOCI-enabled or is a SOCI index, or null. */
  static String reason(ImageManifest manifest) {
    String configType = manifest.config().mediaType().value();
    if (isSociIndexType(configType)) {
      return "manifest " + manifest.digest() + " is a SOCI index manifest (config media type "
          + configType + ")";
    }
    if (isSociIndexType(manifest.artifactType())) {
      return "manifest " + manifest.digest() + " is a SOCI index manifest (artifact type "
          + manifest.artifactType() + ")";
    }
    String sociIndex = manifest.annotations().get(ImageIndexer.SOCI_INDEX_DIGEST_ANNOTATION);
    if (sociIndex != null) {
      return "image manifest " + manifest.digest() + " carries "
          + ImageIndexer.SOCI_INDEX_DIGEST_ANNOTATION + "=" + sociIndex;
    }
    return null;
  }

  private static boolean isSociIndexType(String type) {
    return MediaType.SOCI_INDEX_V1.value().equals(type)
        || MediaType.SOCI_INDEX_V2.value().equals(type);
  }
}
