package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * One repository that images are read from and SOCI artifacts are written to: a registry
 * repository or an OCI image layout on disk. Implementations are thread-safe.
 */
public interface ImageStore extends AutoCloseable {

  /** Returns the manifest or index that a tag or digest names, with its exact bytes. */
  StoredManifest fetchManifest(String tagOrDigest) throws IOException;

  /** Returns the digest the tag points at now, or empty when the tag does not exist. */
  Optional<Digest> resolveTag(String tag) throws IOException;

  /** Opens a blob for streaming; the caller closes the stream. */
  InputStream openBlob(Descriptor blob) throws IOException;

  /**
   * Opens a layer for the layer indexer, which hashes every byte and checks digest and size
   * itself, so a store may skip its own check here. The caller closes the stream.
   */
  default InputStream openLayer(Descriptor layer) throws IOException {
    return openBlob(layer);
  }

  /** Reads a small blob, such as an image config, failing above {@code maxBytes}. */
  default byte[] readBlob(Descriptor blob, int maxBytes) throws IOException {
    if (blob.size() > maxBytes) {
      throw new IOException(
          "blob " + blob.digest() + " in " + describe() + " is " + blob.size()
              + " bytes, more than the limit of " + maxBytes);
    }
    try (InputStream in = openBlob(blob)) {
      return in.readNBytes(maxBytes);
    }
  }

  /** Stores a blob unless the store already has it. */
  void pushBlob(Descriptor blob, byte[] content) throws IOException;

  /**
   * Stores a manifest or index under its digest, or under {@code tag} when the tag is not null.
   */
  void pushManifest(MediaType mediaType, byte[] bytes, String tag) throws IOException;

  /**
   * Returns the registry repository of this store, whose tag has no meaning. Empty for a store
   * outside a registry, such as an OCI image layout.
   */
  default Optional<Reference> repository() {
    return Optional.empty();
  }

  /**
   * Returns a store for another repository of the same registry, which uses the same client and
   * credentials. Empty for a store outside a registry.
   *
   * @throws IllegalArgumentException when {@code repository} is not a valid repository name
   */
  default Optional<ImageStore> otherRepository(String repository) {
    return Optional.empty();
  }

  /** Describes the store for messages, such as {@code 127.0.0.1:5000/app}. */
  String describe();

  /** Releases what the store holds open; the default holds nothing. */
  @Override
  default void close() {}

  /** A manifest or index with the exact bytes the store returned. */
  record StoredManifest(MediaType mediaType, byte[] bytes, Digest digest) {}
}
