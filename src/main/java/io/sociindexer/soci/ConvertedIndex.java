package io.sociindexer.soci;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of binding v2 SOCI indexes into an image.
 *
 * @param index the new OCI image index, whose {@code raw()} bytes are what the destination tag
 *     must point to
 * @param blobsInPushOrder every new object, children before parents: zTOC blobs, the {@code {}}
 *     config, SOCI index manifests, rewritten image manifests, and last the image index. Each
 *     digest appears once. Image layers and configs are not listed because they are unchanged.
 * @param rewrittenManifests the rewritten image manifest for each source manifest digest
 */
public record ConvertedIndex(
    ImageIndex index,
    List<OutputBlob> blobsInPushOrder,
    Map<Digest, ImageManifest> rewrittenManifests) {

  public ConvertedIndex {
    Objects.requireNonNull(index, "index");
    blobsInPushOrder = List.copyOf(blobsInPushOrder);
    rewrittenManifests = Map.copyOf(rewrittenManifests);
  }
}
