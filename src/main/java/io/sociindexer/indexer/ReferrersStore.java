package io.sociindexer.indexer;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.MediaType;
import java.io.IOException;
import java.util.Optional;

/**
 * The referrers operations that SOCI v1 output needs beyond {@link ImageStore}. Registry stores
 * implement it; an OCI image layout does not, so v1 output goes to registries only.
 */
public interface ReferrersStore {

  /**
   * Stores a manifest that has a {@code subject} under its digest.
   *
   * @return true when the store confirmed that it indexed {@code subject} for the referrers API
   *     (a registry's {@code OCI-Subject} response header names it)
   */
  boolean pushManifestWithSubject(MediaType mediaType, byte[] bytes, Digest subject)
      throws IOException;

  /**
   * Returns the referrers of {@code subject} as the referrers API lists them, or empty when the
   * store has no referrers API.
   */
  Optional<ImageIndex> referrers(Digest subject) throws IOException;
}
