package io.sociindexer.soci;

import io.sociindexer.oci.Descriptor;
import java.util.Objects;

/**
 * One object that a conversion produced and that must be pushed to the image's repository.
 *
 * @param kind what the object is, which decides the registry endpoint
 * @param descriptor digest, size and media type of {@code content}
 * @param content the exact bytes to push
 */
public record OutputBlob(Kind kind, Descriptor descriptor, byte[] content) {

  /** What a pushed object is. */
  public enum Kind {
    ZTOC,
    SOCI_INDEX_CONFIG,
    SOCI_INDEX_MANIFEST,
    IMAGE_MANIFEST,
    IMAGE_INDEX;

    /** Returns true when the object goes to the {@code /manifests/} endpoint, not {@code /blobs/}. */
    public boolean isManifest() {
      return this == SOCI_INDEX_MANIFEST || this == IMAGE_MANIFEST || this == IMAGE_INDEX;
    }
  }

  public OutputBlob {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(content, "content");
    if (descriptor.size() != content.length) {
      throw new IllegalArgumentException(
          "descriptor size " + descriptor.size() + " does not match content length "
              + content.length + " for " + descriptor.digest());
    }
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OutputBlob that
        && kind == that.kind
        && descriptor.equals(that.descriptor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, descriptor);
  }

  @Override
  public String toString() {
    return "OutputBlob[" + kind + " " + descriptor.digest() + ", " + content.length + " bytes]";
  }
}
