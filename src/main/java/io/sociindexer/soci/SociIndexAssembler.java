package io.sociindexer.soci;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Binds v2 SOCI indexes to an image the way {@code soci convert} does (soci/soci_convert.go at
 * v0.15.0), with two deliberate differences.
 *
 * <ul>
 *   <li>Only manifests of platforms that got a SOCI index are rewritten. soci rewrites every
 *       manifest it has locally, which changes the digests of platforms that were not requested.
 *       Here every other descriptor, attestation manifests included, stays byte-identical.
 *   <li>Each SOCI index descriptor is placed right after its image manifest instead of at the end
 *       of the list. containerd's pull keeps list order among descriptors of equal platform
 *       preference, so the image manifest still comes before the SOCI index of its platform, and
 *       a reader sees each pair together.
 * </ul>
 *
 * <p>Everything else follows soci, except that Docker layer media types become their OCI
 * equivalents ({@link #ociLayerMediaType}): a rewritten manifest gets the OCI manifest media type,
 * its config descriptor the OCI config media type (config bytes unchanged), and the annotation {@code com.amazon.soci.index-digest} is added, and the manifest is
 * written as Go JSON, which drops fields {@code ocispec.Manifest} does not know. In the index, the
 * rewritten manifest's descriptor gets the new digest and size and the OCI manifest media type,
 * keeps its platform, and its annotations are replaced by the manifest's own annotations. The
 * index itself is re-typed as an OCI image index. A v2 SOCI descriptor already present for the
 * same platform is removed, so each converted platform has exactly one.
 */
public final class SociIndexAssembler {

  private static final String DOCKER_REFERENCE_TYPE = "vnd.docker.reference.type";
  private static final String ATTESTATION_MANIFEST = "attestation-manifest";

  /** Builds a v2 SOCI index manifest with {@link SociIndexV2#build}. */
  public SociIndexManifest build(List<ZtocLayer> layersInImageOrder, String buildToolIdentifier) {
    return SociIndexV2.build(layersInImageOrder, buildToolIdentifier);
  }

  /**
   * Rewrites an image manifest to carry its SOCI index digest: OCI manifest media type, OCI config
   * media type on the config descriptor, layers unchanged, annotation
   * {@code com.amazon.soci.index-digest} set (replacing an older value), serialized as Go JSON.
   */
  public static ImageManifest rewriteImageManifest(ImageManifest source, Digest sociIndexDigest) {
    Objects.requireNonNull(sociIndexDigest, "sociIndexDigest");
    Descriptor config = source.config();
    Descriptor ociConfig =
        new Descriptor(
            MediaType.OCI_CONFIG,
            config.digest(),
            config.size(),
            config.urls(),
            config.annotations(),
            config.platform(),
            config.artifactType());

    TreeMap<String, String> annotations = new TreeMap<>(source.annotations());
    annotations.put(SociIndexV2.ANNOTATION_INDEX_DIGEST, sociIndexDigest.toString());

    List<Descriptor> layers = new ArrayList<>();
    for (Descriptor layer : source.layers()) {
      layers.add(layer.withMediaType(ociLayerMediaType(layer.mediaType())));
    }

    return ImageManifest.of(
        MediaType.OCI_MANIFEST,
        source.artifactType(),
        ociConfig,
        layers,
        source.subject(),
        annotations);
  }

  /**
   * Returns the OCI equivalent of a Docker layer media type, and any other type unchanged. soci
   * keeps Docker layer types inside the OCI manifests it writes. We map them so that a rewritten
   * manifest uses OCI types throughout, because some registries reject manifests that mix the
   * two. The layer bytes, and so the digests, are the same under either type.
   */
  public static MediaType ociLayerMediaType(MediaType mediaType) {
    return switch (mediaType.value()) {
      case "application/vnd.docker.image.rootfs.diff.tar.gzip" -> MediaType.OCI_LAYER_GZIP;
      case "application/vnd.docker.image.rootfs.diff.tar" -> MediaType.OCI_LAYER_TAR;
      case "application/vnd.docker.image.rootfs.diff.tar.zstd" -> MediaType.OCI_LAYER_ZSTD;
      case "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" ->
          MediaType.of("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");
      case "application/vnd.docker.image.rootfs.foreign.diff.tar" ->
          MediaType.of("application/vnd.oci.image.layer.nondistributable.v1.tar");
      default -> mediaType;
    };
  }

  /**
   * Converts a single-manifest image: wraps the manifest in a new OCI index with {@code platform}
   * on its descriptor, as soci does, then converts that index.
   *
   * @param platform the platform read from the image config
   */
  public ConvertedIndex convert(
      ImageManifest manifest, Platform platform, SociIndexManifest sociIndex) {
    Objects.requireNonNull(platform, "platform");
    MediaType mediaType =
        manifest.mediaType() != null ? manifest.mediaType() : MediaType.OCI_MANIFEST;
    Descriptor descriptor =
        Descriptor.of(mediaType, manifest.digest(), manifest.size()).withPlatform(platform);
    ImageIndex wrapper = ImageIndex.of(MediaType.OCI_INDEX, List.of(descriptor), null);
    return convert(wrapper, List.of(new PlatformConversion(manifest, sociIndex)));
  }

  /**
   * Converts a multi-platform image: the source OCI index or Docker manifest list, and one
   * conversion per platform that got a SOCI index.
   *
   * @throws IllegalArgumentException when a conversion's manifest digest or size matches no
   *     descriptor of the source index, or when two conversions name the same manifest. Also
   *     thrown when the matching descriptor has no platform, is an attestation manifest, or is
   *     not an image manifest.
   */
  public ConvertedIndex convert(ImageIndex source, List<PlatformConversion> conversions) {
    Map<Digest, PlatformConversion> byManifest = indexConversions(source, conversions);
    List<Platform> convertedPlatforms = convertedPlatforms(source, byManifest);

    Map<Digest, ImageManifest> rewritten = new LinkedHashMap<>();
    List<Descriptor> manifests = new ArrayList<>();
    for (Descriptor descriptor : source.manifests()) {
      if (isReplacedSociIndex(descriptor, convertedPlatforms)) {
        continue;
      }
      PlatformConversion conversion = byManifest.get(descriptor.digest());
      if (conversion == null) {
        manifests.add(descriptor);
        continue;
      }

      ImageManifest manifest =
          rewritten.computeIfAbsent(
              descriptor.digest(),
              digest -> rewriteImageManifest(conversion.manifest(), conversion.sociIndex().digest()));
      manifests.add(rewrittenDescriptor(descriptor, manifest));
      manifests.add(sociIndexDescriptor(conversion.sociIndex(), manifest, descriptor.platform()));
    }

    ImageIndex index = source.withMediaType(MediaType.OCI_INDEX).withManifests(manifests);
    List<OutputBlob> blobs = pushOrder(byManifest.values(), rewritten.values(), index);
    return new ConvertedIndex(index, blobs, rewritten);
  }

  private static Map<Digest, PlatformConversion> indexConversions(
      ImageIndex source, List<PlatformConversion> conversions) {
    Map<Digest, PlatformConversion> byManifest = new LinkedHashMap<>();
    for (PlatformConversion conversion : conversions) {
      Digest digest = conversion.manifest().digest();
      if (byManifest.putIfAbsent(digest, conversion) != null) {
        throw new IllegalArgumentException(
            "two conversions name the same image manifest " + digest + ": pass one per manifest");
      }
      Descriptor descriptor = findDescriptor(source, digest);
      checkConvertible(descriptor, conversion.manifest());
    }
    return byManifest;
  }

  private static Descriptor findDescriptor(ImageIndex source, Digest digest) {
    for (Descriptor descriptor : source.manifests()) {
      if (descriptor.digest().equals(digest)) {
        return descriptor;
      }
    }
    throw new IllegalArgumentException(
        "image manifest " + digest + " is not listed in the source index " + source.digest()
            + ": parse the manifest from the exact bytes the registry serves");
  }

  private static void checkConvertible(Descriptor descriptor, ImageManifest manifest) {
    if (descriptor.size() != manifest.size()) {
      throw new IllegalArgumentException(
          "descriptor size " + descriptor.size() + " of manifest " + descriptor.digest()
              + " does not match its " + manifest.size() + " bytes");
    }
    if (!descriptor.mediaType().isManifest()) {
      throw new IllegalArgumentException(
          "descriptor " + descriptor.digest() + " has media type " + descriptor.mediaType()
              + ", expected an OCI or Docker image manifest");
    }
    if (descriptor.platform() == null) {
      throw new IllegalArgumentException(
          "descriptor of manifest " + descriptor.digest() + " has no platform, so its SOCI index"
              + " descriptor cannot name one");
    }
    if (isAttestation(descriptor)) {
      throw new IllegalArgumentException(
          "manifest " + descriptor.digest() + " is an attestation manifest and gets no SOCI index");
    }
  }

  /** Returns true for BuildKit attestation manifests, which must stay untouched. */
  public static boolean isAttestation(Descriptor descriptor) {
    return ATTESTATION_MANIFEST.equals(descriptor.annotation(DOCKER_REFERENCE_TYPE))
        || (descriptor.platform() != null && descriptor.platform().isUnknown());
  }

  private static List<Platform> convertedPlatforms(
      ImageIndex source, Map<Digest, PlatformConversion> byManifest) {
    List<Platform> platforms = new ArrayList<>();
    for (Descriptor descriptor : source.manifests()) {
      if (byManifest.containsKey(descriptor.digest())) {
        platforms.add(descriptor.platform());
      }
    }
    return platforms;
  }

  private static boolean isReplacedSociIndex(Descriptor descriptor, List<Platform> converted) {
    if (!MediaType.SOCI_INDEX_V2.value().equals(descriptor.artifactType())
        || descriptor.platform() == null) {
      return false;
    }
    for (Platform platform : converted) {
      if (strictlyMatches(platform, descriptor.platform())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Compares os, architecture and variant after containerd's normalization of the default
   * variants ({@code arm64/v8} and {@code amd64/v1} equal no variant), like containerd's
   * {@code platforms.OnlyStrict}.
   */
  static boolean strictlyMatches(Platform a, Platform b) {
    return a.os().equals(b.os())
        && a.architecture().equals(b.architecture())
        && normalizedVariant(a).equals(normalizedVariant(b));
  }

  private static String normalizedVariant(Platform platform) {
    String variant = platform.variant();
    return switch (platform.architecture()) {
      case "arm64" -> variant.equals("v8") || variant.equals("8") || variant.equals("v8.0") ? "" : variant;
      case "amd64" -> variant.equals("v1") ? "" : variant;
      default -> variant;
    };
  }

  private static Descriptor rewrittenDescriptor(Descriptor original, ImageManifest manifest) {
    return new Descriptor(
        MediaType.OCI_MANIFEST,
        manifest.digest(),
        manifest.size(),
        original.urls(),
        manifest.annotations(),
        original.platform(),
        original.artifactType());
  }

  /**
   * Returns the index entry of a SOCI index. The platform is copied from the image manifest's
   * descriptor, whereas soci writes the platform the user requested.
   */
  private static Descriptor sociIndexDescriptor(
      SociIndexManifest sociIndex, ImageManifest manifest, Platform platform) {
    return sociIndex
        .descriptor()
        .withAnnotations(
            Map.of(SociIndexV2.ANNOTATION_IMAGE_MANIFEST_DIGEST, manifest.digest().toString()))
        .withPlatform(platform);
  }

  private static List<OutputBlob> pushOrder(
      Iterable<PlatformConversion> conversions,
      Iterable<ImageManifest> rewrittenManifests,
      ImageIndex index) {
    Map<Digest, OutputBlob> ztocs = new LinkedHashMap<>();
    Map<Digest, OutputBlob> configs = new LinkedHashMap<>();
    Map<Digest, OutputBlob> sociIndexes = new LinkedHashMap<>();
    for (PlatformConversion conversion : conversions) {
      SociIndexManifest sociIndex = conversion.sociIndex();
      for (OutputBlob ztoc : sociIndex.ztocBlobs()) {
        ztocs.putIfAbsent(ztoc.descriptor().digest(), ztoc);
      }
      configs.putIfAbsent(sociIndex.configBlob().descriptor().digest(), sociIndex.configBlob());
      sociIndexes.putIfAbsent(sociIndex.digest(), sociIndex.manifestBlob());
    }

    List<OutputBlob> blobs = new ArrayList<>(ztocs.values());
    blobs.addAll(configs.values());
    blobs.addAll(sociIndexes.values());
    for (ImageManifest manifest : rewrittenManifests) {
      blobs.add(
          new OutputBlob(
              OutputBlob.Kind.IMAGE_MANIFEST,
              Descriptor.of(MediaType.OCI_MANIFEST, manifest.digest(), manifest.size()),
              manifest.raw()));
    }
    blobs.add(new OutputBlob(OutputBlob.Kind.IMAGE_INDEX, index.descriptor(), index.raw()));
    return blobs;
  }
}
