package io.sociindexer.job;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import java.util.Objects;

/**
 * The image a job indexes: registry host (with port), repository, and the tag and manifest digest
 * the push named. A webhook push carries both; an API request may name only one, and the worker
 * fills in the digest when it resolves the tag.
 */
public record ImageTarget(String registry, String repository, String tag, Digest digest) {

  public ImageTarget {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("an image target needs a tag or a digest");
    }
  }

  public static ImageTarget of(Reference reference) {
    return new ImageTarget(
        reference.registry(), reference.repository(), reference.tag(), reference.digest());
  }

  public Reference toReference() {
    return new Reference(registry, repository, tag, digest);
  }

  public ImageTarget withDigest(Digest newDigest) {
    return new ImageTarget(registry, repository, tag, newDigest);
  }

  /** Returns {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    return toReference().toString();
  }
}
