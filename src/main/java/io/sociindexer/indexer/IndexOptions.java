package io.sociindexer.indexer;

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
 */
public record IndexOptions(
    long spanSize,
    long minLayerSize,
    List<Platform> platforms,
    String tagSuffix,
    boolean inPlace,
    String buildToolIdentifier) {

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
    return new IndexOptions(value, minLayerSize, platforms, tagSuffix, inPlace, buildToolIdentifier);
  }

  public IndexOptions withMinLayerSize(long value) {
    return new IndexOptions(spanSize, value, platforms, tagSuffix, inPlace, buildToolIdentifier);
  }

  public IndexOptions withPlatforms(List<Platform> value) {
    return new IndexOptions(spanSize, minLayerSize, value, tagSuffix, inPlace, buildToolIdentifier);
  }

  public IndexOptions withTagSuffix(String value) {
    return new IndexOptions(spanSize, minLayerSize, platforms, value, inPlace, buildToolIdentifier);
  }

  public IndexOptions withInPlace(boolean value) {
    return new IndexOptions(spanSize, minLayerSize, platforms, tagSuffix, value, buildToolIdentifier);
  }

  /** Returns the tag that receives the SOCI-enabled image index for {@code sourceTag}. */
  public String outputTag(String sourceTag) {
    return inPlace ? sourceTag : sourceTag + tagSuffix;
  }
}
