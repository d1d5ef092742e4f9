package io.sociindexer.indexer;

import io.sociindexer.indexer.ImageStore.StoredManifest;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.Platform;
import java.io.IOException;
import java.util.List;

/**
 * The image a tag points at: either an image index (or Docker manifest list) with its entries, or
 * a single image manifest.
 *
 * @param index the parsed index, null for a single manifest
 * @param entries the index's manifest descriptors in order, or the one manifest
 */
record SourceImage(StoredManifest root, ImageIndex index, List<Entry> entries) {

  /**
   * One manifest descriptor of the image.
   *
   * @param platform the platform from the index descriptor, null for a single manifest
   * @param manifest the parsed manifest when it is the root itself, else null until fetched
   */
  record Entry(Descriptor descriptor, Platform platform, ImageManifest manifest) {}

  /**
   * Parses the root manifest or index of {@code image}.
   *
   * @throws IOException naming the image, the manifest digest and the cause when the root is not
   *     valid JSON of its media type, or its media type is neither a manifest nor an index type
   */
  static SourceImage of(String image, StoredManifest root) throws IOException {
    if (root.mediaType().isIndex()) {
      ImageIndex index = parseIndex(image, root);
      List<Entry> entries =
          index.manifests().stream().map(d -> new Entry(d, d.platform(), null)).toList();
      return new SourceImage(root, index, entries);
    }
    if (root.mediaType().isManifest()) {
      ImageManifest manifest = parseManifest(image, root.digest(), root.bytes());
      Descriptor descriptor = new Descriptor(
          root.mediaType(), root.digest(), root.bytes().length, null, null, null, null);
      return new SourceImage(root, null, List.of(new Entry(descriptor, null, manifest)));
    }
    throw new IOException(
        "image " + image + ": manifest " + root.digest() + " has media type " + root.mediaType()
            + ", which is neither an image manifest nor an image index type, so there is nothing"
            + " to index");
  }

  /**
   * Parses the image manifest {@code digest} of {@code image}.
   *
   * @throws IOException naming the image, the digest and the cause when the bytes are not a valid
   *     image manifest, such as invalid JSON or an image index where a manifest was expected
   */
  static ImageManifest parseManifest(String image, Digest digest, byte[] bytes)
      throws IOException {
    try {
      return ImageManifest.parse(bytes);
    } catch (RuntimeException e) {
      throw new IOException(
          "image " + image + ": invalid image manifest " + digest + ": " + e.getMessage(), e);
    }
  }

  private static ImageIndex parseIndex(String image, StoredManifest root) throws IOException {
    try {
      return ImageIndex.parse(root.bytes());
    } catch (RuntimeException e) {
      throw new IOException(
          "image " + image + ": invalid image index " + root.digest() + ": " + e.getMessage(), e);
    }
  }
}
