package io.sociindexer.indexer;

import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.indexer.ImageStore.StoredManifest;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.MediaType;
import io.sociindexer.soci.OutputBlob;
import io.sociindexer.soci.ReferrersTag;
import io.sociindexer.soci.SociIndexManifest;
import io.sociindexer.soci.SociIndexV2;
import io.sociindexer.soci.ZtocLayer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes SOCI v1 indexes: one per image manifest that got zTOCs, with that manifest as
 * {@code subject}. It pushes the zTOCs and the {@code {}} config, then the SOCI index manifest by
 * digest. When the registry has no referrers API it also adds the index to the referrers tag
 * {@code sha256-<hex>} of the image manifest, keeping the descriptors already listed there. The
 * image, its manifests and its tags are never changed.
 */
final class SociV1Publisher {

  private static final Logger log = LoggerFactory.getLogger(SociV1Publisher.class);

  private final IndexOptions options;
  private final ImageStore store;
  private final ReferrersStore referrers;

  /** Whether the registry has the referrers API; null until a push or a probe shows it. */
  private Boolean referrersApi;

  SociV1Publisher(IndexOptions options, ImageStore store) throws IOException {
    if (!(store instanceof ReferrersStore referrersStore)) {
      throw new IOException(
          "SOCI v1 output needs a registry with referrers, but " + store.describe()
              + " is not one; use SOCI v2 for an OCI image layout");
    }
    this.options = options;
    this.store = store;
    this.referrers = referrersStore;
  }

  /**
   * Builds and pushes a SOCI v1 index for each manifest with zTOCs.
   *
   * @return one outcome per manifest, in order; {@code rewrittenManifest} is always null
   */
  List<PlatformOutcome> publish(List<ManifestWork> work) throws IOException {
    List<PlatformOutcome> outcomes = new ArrayList<>();
    for (ManifestWork manifest : work) {
      if (manifest.manifest() == null || !manifest.hasZtoc()) {
        outcomes.add(manifest.toOutcome());
        continue;
      }
      SociIndexManifest soci = publishOne(manifest);
      outcomes.add(
          new PlatformOutcome(
              manifest.platform(),
              manifest.manifest().digest(),
              null,
              manifest.layers(),
              soci.descriptor(),
              null));
    }
    return outcomes;
  }

  private SociIndexManifest publishOne(ManifestWork manifest) throws IOException {
    Descriptor subject = subjectOf(manifest);
    SociIndexManifest soci = SociIndexV2.buildV1(ztocs(manifest), subject, options.buildToolIdentifier());

    for (OutputBlob blob : soci.ztocBlobs()) {
      store.pushBlob(blob.descriptor(), blob.content());
    }
    OutputBlob config = soci.configBlob();
    store.pushBlob(config.descriptor(), config.content());
    boolean acknowledged =
        referrers.pushManifestWithSubject(MediaType.OCI_MANIFEST, soci.bytes(), subject.digest());
    log.debug("pushed SOCI v1 index digest={} subject={} oci.subject.header={}",
        soci.digest(), subject.digest(), acknowledged);

    if (acknowledged) {
      referrersApi = true;
    } else if (!hasReferrersApi(subject.digest())) {
      addToReferrersTag(subject.digest(), soci);
      return soci;
    }
    log.info("pushed SOCI v1 index digest={} subject={} discovery=referrers-api",
        soci.digest(), subject.digest());
    return soci;
  }

  /**
   * Returns the subject descriptor: the media type the manifest was listed or served with, and
   * the digest and size of its exact bytes.
   */
  private static Descriptor subjectOf(ManifestWork manifest) {
    MediaType mediaType = manifest.entry().descriptor().mediaType();
    return Descriptor.of(mediaType, manifest.manifest().digest(), manifest.manifest().size());
  }

  /** Builds the zTOC list; the layer media type is the one the unchanged manifest lists. */
  private List<ZtocLayer> ztocs(ManifestWork manifest) {
    List<ZtocLayer> ztocs = new ArrayList<>();
    for (LayerOutcome layer : manifest.layers()) {
      if (layer.indexed()) {
        ztocs.add(new ZtocLayer(layer.layer(), layer.ztocBytes(), options.spanSize()));
      }
    }
    return ztocs;
  }

  private boolean hasReferrersApi(Digest subject) throws IOException {
    if (referrersApi == null) {
      referrersApi = referrers.referrers(subject).isPresent();
      log.info("referrers API probe registry={} supported={}", store.describe(), referrersApi);
    }
    return referrersApi;
  }

  /**
   * Reads the referrers tag of {@code subject}, adds the SOCI index and pushes the tag back
   * unless the index was already listed.
   */
  private void addToReferrersTag(Digest subject, SociIndexManifest soci) throws IOException {
    String tag = ReferrersTag.tagFor(subject);
    ImageIndex existing = readReferrersTag(tag);
    ImageIndex updated =
        ReferrersTag.withReferrer(existing, ReferrersTag.referrerDescriptor(soci.manifest()));
    if (updated == existing) {
      log.info("SOCI v1 index already in the referrers tag digest={} tag={}", soci.digest(), tag);
      return;
    }
    store.pushManifest(MediaType.OCI_INDEX, updated.raw(), tag);
    log.info("pushed SOCI v1 index digest={} subject={} discovery=referrers-tag tag={}"
        + " referrers={}", soci.digest(), subject, tag, updated.manifests().size());
  }

  private ImageIndex readReferrersTag(String tag) throws IOException {
    Optional<Digest> current = store.resolveTag(tag);
    if (current.isEmpty()) {
      return null;
    }
    StoredManifest stored = store.fetchManifest(current.get().toString());
    if (!stored.mediaType().isIndex()) {
      throw new IOException(
          "referrers tag " + tag + " in " + store.describe() + " contains a " + stored.mediaType()
              + ", not an image index; remove or retag it so that referrers can be listed there");
    }
    try {
      return ImageIndex.parse(stored.bytes());
    } catch (RuntimeException e) {
      throw new IOException(
          "referrers tag " + tag + " in " + store.describe() + " contains an invalid image index: "
              + e.getMessage(), e);
    }
  }
}
