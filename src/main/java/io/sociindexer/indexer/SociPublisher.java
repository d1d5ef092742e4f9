package io.sociindexer.indexer;

import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.soci.ConvertedIndex;
import io.sociindexer.soci.OutputBlob;
import io.sociindexer.soci.PlatformConversion;
import io.sociindexer.soci.SociIndexAssembler;
import io.sociindexer.soci.SociIndexManifest;
import io.sociindexer.soci.SociIndexV2;
import io.sociindexer.soci.ZtocLayer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the SOCI v2 artifacts for the manifests that got zTOCs and writes them to the store:
 * zTOC blobs and the {@code {}} config first, then SOCI index manifests, rewritten image manifests
 * and last the image index under the output tag, so that no tag ever points at an object whose
 * children are missing.
 */
final class SociPublisher {

  private static final Logger log = LoggerFactory.getLogger(SociPublisher.class);

  private final IndexOptions options;
  private final ImageStore store;
  private final SociIndexAssembler assembler = new SociIndexAssembler();

  SociPublisher(IndexOptions options, ImageStore store) {
    this.options = options;
    this.store = store;
  }

  /** The SOCI-enabled image index that was pushed, its tag and each manifest's outcome. */
  record Published(List<PlatformOutcome> platforms, Descriptor imageIndex, String outputTag) {}

  /**
   * Builds and pushes the artifacts.
   *
   * @param sourceTag the tag that was indexed, or null when the image was named by digest only
   * @param sourceDigest digest of the manifest or index that was indexed
   * @throws IOException when a push fails, or in place mode finds that the tag has moved
   */
  Published publish(SourceImage source, List<ManifestWork> work, String sourceTag, Digest sourceDigest)
      throws IOException {
    Map<Digest, SociIndexManifest> sociIndexes = new HashMap<>();
    List<PlatformConversion> conversions = new ArrayList<>();
    for (ManifestWork manifest : work) {
      if (manifest.hasZtoc()) {
        SociIndexManifest soci = buildSociIndex(manifest);
        sociIndexes.put(manifest.manifest().digest(), soci);
        conversions.add(new PlatformConversion(manifest.manifest(), soci));
      }
    }

    ConvertedIndex converted = convert(source, work, conversions);
    String outputTag = outputTag(sourceTag, sourceDigest);
    push(converted, outputTag, sourceTag, sourceDigest);

    List<PlatformOutcome> outcomes = new ArrayList<>();
    for (ManifestWork manifest : work) {
      outcomes.add(outcome(manifest, sociIndexes, converted));
    }
    return new Published(outcomes, converted.index().descriptor(), outputTag);
  }

  private SociIndexManifest buildSociIndex(ManifestWork manifest) {
    List<ZtocLayer> ztocs = new ArrayList<>();
    for (LayerOutcome layer : manifest.layers()) {
      if (layer.indexed()) {
        // The annotation names the layer type as the rewritten manifest lists it.
        Descriptor listed = layer.layer();
        Descriptor ociTyped =
            listed.withMediaType(SociIndexAssembler.ociLayerMediaType(listed.mediaType()));
        ztocs.add(new ZtocLayer(ociTyped, layer.ztocBytes(), options.spanSize()));
      }
    }
    return SociIndexV2.build(ztocs, options.buildToolIdentifier());
  }

  private ConvertedIndex convert(
      SourceImage source, List<ManifestWork> work, List<PlatformConversion> conversions) {
    if (source.index() != null) {
      return assembler.convert(source.index(), conversions);
    }
    ManifestWork single = work.getFirst();
    return assembler.convert(single.manifest(), single.platform(), conversions.getFirst().sociIndex());
  }

  private String outputTag(String sourceTag, Digest sourceDigest) {
    if (sourceTag != null) {
      return options.outputTag(sourceTag);
    }
    if (options.inPlace()) {
      throw new IllegalArgumentException(
          "in-place mode needs a tag to move, but the image was named by digest only");
    }
    // An image named by digest alone has no tag to add the suffix to, so the tag is made from
    // the digest.
    return sourceDigest.toTagForm() + options.tagSuffix();
  }

  private void push(ConvertedIndex converted, String outputTag, String sourceTag, Digest sourceDigest)
      throws IOException {
    List<OutputBlob> blobs = converted.blobsInPushOrder();
    for (OutputBlob blob : blobs) {
      Descriptor descriptor = blob.descriptor();
      if (blob.kind() == OutputBlob.Kind.IMAGE_INDEX) {
        if (options.inPlace()) {
          requireTagUnchanged(sourceTag, sourceDigest, descriptor.digest());
        }
        store.pushManifest(descriptor.mediaType(), blob.content(), outputTag);
      } else if (blob.kind().isManifest()) {
        store.pushManifest(descriptor.mediaType(), blob.content(), null);
      } else {
        store.pushBlob(descriptor, blob.content());
      }
      log.debug("pushed kind={} digest={} size={}", blob.kind(), descriptor.digest(), descriptor.size());
    }
  }

  /**
   * Checks, right before the tag moves, that it still points at what was indexed, so that a push
   * made while we indexed is never overwritten. A push that lands between this check and our tag
   * update can still be overwritten: the distribution API has no conditional tag update.
   *
   * <p>A tag that already points at {@code output}, the exact image index about to be pushed, is
   * accepted too. An earlier attempt moved it and then stopped before its job recorded the result,
   * for example because the process was killed, so pushing it again changes nothing.
   */
  private void requireTagUnchanged(String tag, Digest indexed, Digest output) throws IOException {
    Optional<Digest> current = store.resolveTag(tag);
    if (current.isPresent() && current.get().equals(output)) {
      log.info(
          "in-place tag already points at this output, pushing it again tag={} index.digest={}",
          tag,
          output);
      return;
    }
    if (current.isEmpty() || !current.get().equals(indexed)) {
      throw new IOException(
          "tag " + tag + " in " + store.describe() + " now points at "
              + current.map(Digest::toString).orElse("nothing") + ", not at the indexed "
              + indexed + "; the tag was not moved. Index the new image instead");
    }
  }

  private static PlatformOutcome outcome(
      ManifestWork manifest, Map<Digest, SociIndexManifest> sociIndexes, ConvertedIndex converted) {
    if (manifest.manifest() == null || !manifest.hasZtoc()) {
      return manifest.toOutcome();
    }
    Digest digest = manifest.manifest().digest();
    ImageManifest rewritten = converted.rewrittenManifests().get(digest);
    return new PlatformOutcome(
        manifest.platform(),
        digest,
        null,
        manifest.layers(),
        sociIndexes.get(digest).descriptor(),
        rewritten.descriptor());
  }
}
