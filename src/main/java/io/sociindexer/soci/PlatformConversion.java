package io.sociindexer.soci;

import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import java.util.Objects;

/**
 * A platform manifest of the source image and the v2 SOCI index built for it.
 *
 * @param manifest the platform's image manifest as parsed from the bytes the registry serves,
 *     so that its digest matches the descriptor in the source index
 * @param sociIndex the v2 SOCI index built from {@code manifest}'s layers
 */
public record PlatformConversion(ImageManifest manifest, SociIndexManifest sociIndex) {

  public PlatformConversion {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(sociIndex, "sociIndex");
    if (!sociIndex.artifactType().equals(MediaType.SOCI_INDEX_V2)) {
      throw new IllegalArgumentException(
          "conversion needs a v2 SOCI index but got artifact type " + sociIndex.artifactType()
              + " for manifest " + manifest.digest());
    }
  }
}
