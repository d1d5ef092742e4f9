package io.sociindexer.soci;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The referrers tag schema of the OCI distribution spec (v1.1, "unavailable referrers API"): on a
 * registry without the referrers API, the referrers of a manifest are listed in an OCI image
 * index tagged {@code <algorithm>-<hex>} after the manifest's digest, which the client that
 * pushes a referrer reads, extends and pushes back.
 *
 * <p>The update is read-modify-write on the client side, so two clients adding a referrer to the
 * same manifest at once can lose one of the two entries; the spec offers no conditional update.
 */
public final class ReferrersTag {

  private ReferrersTag() {}

  /** Returns the tag that lists the referrers of {@code subject}, such as {@code sha256-ab12...}. */
  public static String tagFor(Digest subject) {
    return subject.toTagForm();
  }

  /**
   * Returns the descriptor a referrers list holds for {@code manifest}: the OCI manifest media
   * type, digest and size, the manifest's {@code artifactType} (or its config media type when it
   * has none, as the image spec requires) and the manifest's annotations.
   */
  public static Descriptor referrerDescriptor(ImageManifest manifest) {
    String artifactType =
        manifest.artifactType() != null
            ? manifest.artifactType()
            : manifest.config().mediaType().value();
    return Descriptor.of(MediaType.OCI_MANIFEST, manifest.digest(), manifest.size())
        .withArtifactType(artifactType)
        .withAnnotations(manifest.annotations());
  }

  /**
   * Returns the referrers index with {@code referrer} added. Every descriptor of {@code existing}
   * is kept, in its order; {@code referrer} is appended unless a descriptor with its digest is
   * already listed, in which case {@code existing} is returned unchanged, so that adding the same
   * referrer twice leaves one entry and the same bytes.
   *
   * @param existing the index the referrers tag contains now, or null when the tag does not exist
   */
  public static ImageIndex withReferrer(ImageIndex existing, Descriptor referrer) {
    Objects.requireNonNull(referrer, "referrer");
    if (existing == null) {
      return ImageIndex.of(MediaType.OCI_INDEX, List.of(referrer), null);
    }
    boolean listed =
        existing.manifests().stream().anyMatch(d -> d.digest().equals(referrer.digest()));
    if (listed) {
      return existing;
    }

    List<Descriptor> manifests = new ArrayList<>(existing.manifests());
    manifests.add(referrer);
    ImageIndex updated = existing.withManifests(manifests);
    return updated.mediaType() == null ? updated.withMediaType(MediaType.OCI_INDEX) : updated;
  }
}
