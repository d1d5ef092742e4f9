package io.sociindexer.indexer;

import io.sociindexer.layer.LayerLimits;
import io.sociindexer.oci.Platform;
import java.util.List;
import java.util.Objects;

/**
 * Settings shared by every entry point (command line, service, benchmarks), so that one image is
 * indexed the same way whichever path started the work.
 *
 * @param spanSize uncompressed bytes per gzip span, or raw bytes per span of a plain tar layer
 * @param minLayerSize layers whose compressed size is below this many bytes get no zTOC and are
 *     never downloaded; soci's default is 10 MiB
 * @param platforms platforms to index; empty means every platform of an image index
 * @param tagSuffix suffix of the tag that receives the SOCI-enabled image index
 * @param inPlace move the source tag itself to the SOCI-enabled index instead of using a suffix
 * @param buildToolIdentifier written into each zTOC and into the SOCI index annotation
 * @param sociVersion the SOCI index format; {@link SociVersion#V1} ignores {@code tagSuffix}
 *     because it tags nothing, and cannot be combined with {@code inPlace}
 * @param layerLimits limits on the decompressed size, inflate ratio and entry count of each layer
 */
public record IndexOptions(
    long spanSize,
    long minLayerSize,
    List<Platform> platforms,
    String tagSuffix,
    boolean inPlace,
    String buildToolIdentifier,
    SociVersion sociVersion,
    LayerLimits layerLimits) {

  public static final long DEFAULT_SPAN_SIZE = 4L << 20;
  public static final long DEFAULT_MIN_LAYER_SIZE = 10L << 20;
  public static final String DEFAULT_TAG_SUFFIX = "-soci";

  /**
   * soci's CLI writes this identifier; using the same text keeps our zTOCs byte-identical to the
   * ones {@code soci convert} builds for the same layer.
   */
  public static final String DEFAULT_BUILD_TOOL_IDENTIFIER = "AWS SOCI CLI v0.2";

  public IndexOptions {
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive, got " + spanSize);
    }
    if (minLayerSize < 0) {
      throw new IllegalArgumentException("minimum layer size must not be negative, got " + minLayerSize);
    }
    platforms = List.copyOf(platforms);
    Objects.requireNonNull(tagSuffix, "tagSuffix");
    if (!inPlace && tagSuffix.isEmpty()) {
      throw new IllegalArgumentException(
          "the tag suffix must not be empty unless in-place mode is on, because the output would"
              + " overwrite the source tag");
    }
    Objects.requireNonNull(buildToolIdentifier, "buildToolIdentifier");
    Objects.requireNonNull(sociVersion, "sociVersion");
    Objects.requireNonNull(layerLimits, "layerLimits");
    if (inPlace && sociVersion == SociVersion.V1) {
      throw new IllegalArgumentException(
          "in-place mode moves a tag to a SOCI v2 image index, but SOCI v1 output tags nothing;"
              + " turn off in-place mode or use SOCI v2");
    }
  }

  /** Creates options with the default {@link LayerLimits}. */
  public IndexOptions(
      long spanSize,
      long minLayerSize,
      List<Platform> platforms,
      String tagSuffix,
      boolean inPlace,
      String buildToolIdentifier,
      SociVersion sociVersion) {
    this(
        spanSize,
        minLayerSize,
        platforms,
        tagSuffix,
        inPlace,
        buildToolIdentifier,
        sociVersion,
        LayerLimits.defaults());
  }

  /** Creates options for SOCI v2 output. */
  public IndexOptions(
      long spanSize,
      long minLayerSize,
      List<Platform> platforms,
      String tagSuffix,
      boolean inPlace,
      String buildToolIdentifier) {
    this(
        spanSize, minLayerSize, platforms, tagSuffix, inPlace, buildToolIdentifier, SociVersion.V2);
  }

  public static IndexOptions defaults() {
    return new IndexOptions(
        DEFAULT_SPAN_SIZE,
        DEFAULT_MIN_LAYER_SIZE,
        List.of(),
        DEFAULT_TAG_SUFFIX,
        false,
        DEFAULT_BUILD_TOOL_IDENTIFIER);
  }

  public IndexOptions withSpanSize(long value) {
    return new IndexOptions(
        value, minLayerSize, platforms, tagSuffix, inPlace, buildToolIdentifier, sociVersion,
        layerLimits);
  }

  public IndexOptions withMinLayerSize(long value) {
    return new IndexOptions(
        spanSize, value, platforms, tagSuffix, inPlace, buildToolIdentifier, sociVersion,
        layerLimits);
  }

  public IndexOptions withPlatforms(List<Platform> value) {
    return new IndexOptions(
        spanSize, minLayerSize, value, tagSuffix, inPlace, buildToolIdentifier, sociVersion,
        layerLimits);
  }

  public IndexOptions withTagSuffix(String value) {
    return new IndexOptions(
        spanSize, minLayerSize, platforms, value, inPlace, buildToolIdentifier, sociVersion,
        layerLimits);
  }

  public IndexOptions withInPlace(boolean value) {
    return new IndexOptions(
        spanSize, minLayerSize, platforms, tagSuffix, value, buildToolIdentifier, sociVersion,
        layerLimits);
  }

  public IndexOptions withSociVersion(SociVersion value) {
    return new IndexOptions(
        spanSize, minLayerSize, platforms, tagSuffix, inPlace, buildToolIdentifier, value,
        layerLimits);
  }

  public IndexOptions withLayerLimits(LayerLimits value) {
    return new IndexOptions(
        spanSize, minLayerSize, platforms, tagSuffix, inPlace, buildToolIdentifier, sociVersion,
        value);
  }

  /** Returns the tag that receives the SOCI-enabled image index for {@code sourceTag}. */
  public String outputTag(String sourceTag) {
    return inPlace ? sourceTag : sourceTag + tagSuffix;
  }
}
