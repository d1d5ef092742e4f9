package io.sociindexer.registry;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest or index exactly as the registry served it. {@code digest} is computed from {@code
 * bytes}, which must never be re-serialised because any change alters the digest. The array is
 * not copied, so callers must not modify it.
 */
public record RawManifest(MediaType mediaType, byte[] bytes, Digest digest) {

  public RawManifest {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(digest, "digest");
  }

  /** Returns the descriptor that points at this manifest. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawManifest that
        && mediaType.equals(that.mediaType)
        && digest.equals(that.digest)
        && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "RawManifest[mediaType=" + mediaType + ", digest=" + digest + ", size=" + bytes.length + "]";
  }
}
