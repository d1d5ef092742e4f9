package io.sociindexer.layer;

/**
 * Limits that stop one hostile or broken layer from taking unbounded time or memory while it is
 * indexed. Each limit raises {@link LayerLimitException} as soon as it is crossed, so a gzip bomb
 * is stopped after at most the limit's worth of inflation, not at its end.
 *
 * <p>The defaults are estimates meant to let real images pass: even large layers, such as machine
 * learning runtimes, are expected to stay well below 64 GiB uncompressed and two million files, and
 * tar+gzip layers of ordinary files typically inflate 2 to 10 times. A high ratio alone is
 * legitimate in small layers (a zero-filled file compresses about 1000 to 1), so the ratio limit
 * applies only once a layer has inflated past {@code ratioCheckAbove}.
 *
 * @param maxUncompressedSize maximum decompressed bytes per layer; 0 turns the limit off
 * @param maxInflateRatio maximum ratio of decompressed to compressed bytes read so far; 0 turns the
 *     limit off
 * @param ratioCheckAbove decompressed bytes after which the ratio limit applies
 * @param maxEntries maximum tar entries per layer; 0 turns the limit off. The zTOC contains every
 *     entry, and the builder keeps all of them in memory until it has written the zTOC. Measured
 *     with {@code scripts/benchmark-entries.sh} for names of 22 bytes: 134 bytes of heap per
 *     collected entry and 156 bytes per entry of zTOC, which is built in one buffer and then
 *     copied, so a layer of 2,000,000 such entries indexes with a 1 GiB heap but not with 640
 *     MiB.
 * @param maxZtocSize maximum estimated size of the serialized zTOC in bytes; 0 turns the limit
 *     off. It bounds the memory that long names, link names and PAX records take, which {@code
 *     maxEntries} alone does not, because each name may be up to 1 MiB long.
 */
public record LayerLimits(
    long maxUncompressedSize,
    int maxInflateRatio,
    long ratioCheckAbove,
    int maxEntries,
    long maxZtocSize) {

  /** 64 GiB: above the largest real layers, and 16,384 checkpoints (512 MiB) at 4 MiB spans. */
  public static final long DEFAULT_MAX_UNCOMPRESSED_SIZE = 64L << 30;

  /** 100 to 1: far above tar+gzip of real files, far below deflate's maximum of about 1032. */
  public static final int DEFAULT_MAX_INFLATE_RATIO = 100;

  /** 1 GiB: a layer must inflate this far before the ratio limit applies. */
  public static final long DEFAULT_RATIO_CHECK_ABOVE = 1L << 30;

  /**
   * 2,000,000 entries: an estimate above the file count of real layers, which seldom have more
   * than a few hundred thousand files, and about 1 GiB of heap at most (see {@code maxEntries}).
   */
  public static final int DEFAULT_MAX_ENTRIES = 2_000_000;

  /**
   * 512 MiB: more than the zTOC of 2,000,000 entries with names of about 100 bytes, and a quarter
   * of the 2 GiB a flatbuffer can hold at all.
   */
  public static final long DEFAULT_MAX_ZTOC_SIZE = 512L << 20;

  public LayerLimits {
    if (maxUncompressedSize < 0
        || maxInflateRatio < 0
        || ratioCheckAbove < 0
        || maxEntries < 0
        || maxZtocSize < 0) {
      throw new IllegalArgumentException(
          "layer limits must not be negative, got maxUncompressedSize=" + maxUncompressedSize
              + ", maxInflateRatio=" + maxInflateRatio + ", ratioCheckAbove=" + ratioCheckAbove
              + ", maxEntries=" + maxEntries + ", maxZtocSize=" + maxZtocSize);
    }
  }

  /** Returns the default limits. */
  public static LayerLimits defaults() {
    return new LayerLimits(
        DEFAULT_MAX_UNCOMPRESSED_SIZE,
        DEFAULT_MAX_INFLATE_RATIO,
        DEFAULT_RATIO_CHECK_ABOVE,
        DEFAULT_MAX_ENTRIES,
        DEFAULT_MAX_ZTOC_SIZE);
  }

  /** Returns limits that never trigger. */
  public static LayerLimits none() {
    return new LayerLimits(0, 0, 0, 0, 0);
  }

  public LayerLimits withMaxUncompressedSize(long value) {
    return new LayerLimits(value, maxInflateRatio, ratioCheckAbove, maxEntries, maxZtocSize);
  }

  public LayerLimits withMaxInflateRatio(int value) {
    return new LayerLimits(maxUncompressedSize, value, ratioCheckAbove, maxEntries, maxZtocSize);
  }

  public LayerLimits withRatioCheckAbove(long value) {
    return new LayerLimits(maxUncompressedSize, maxInflateRatio, value, maxEntries, maxZtocSize);
  }

  public LayerLimits withMaxEntries(int value) {
    return new LayerLimits(
        maxUncompressedSize, maxInflateRatio, ratioCheckAbove, value, maxZtocSize);
  }

  public LayerLimits withMaxZtocSize(long value) {
    return new LayerLimits(
        maxUncompressedSize, maxInflateRatio, ratioCheckAbove, maxEntries, value);
  }

  /**
   * Checks the decompressed size and inflate ratio after {@code uncompressed} bytes came out of
   * {@code compressed} bytes of input.
   *
   * @throws LayerLimitException when a limit is crossed
   */
  public void checkInflated(long compressed, long uncompressed) throws LayerLimitException {
    if (maxUncompressedSize > 0 && uncompressed > maxUncompressedSize) {
      throw new LayerLimitException(
          "the layer decompresses to more than the maximum of " + maxUncompressedSize
              + " bytes (max-uncompressed-layer-size); raise the limit if the layer is genuine");
    }
    if (maxInflateRatio > 0
        && uncompressed > ratioCheckAbove
        && uncompressed > (double) maxInflateRatio * Math.max(compressed, 1)) {
      throw new LayerLimitException(
          "the layer looks like a gzip bomb: " + compressed + " compressed bytes inflated to "
              + uncompressed + " bytes, a ratio above the maximum of " + maxInflateRatio
              + " (max-inflate-ratio, applied above " + ratioCheckAbove
              + " uncompressed bytes); raise the limit if the layer is genuine");
    }
  }

  /**
   * Checks the number of tar entries read so far.
   *
   * @throws LayerLimitException when there are more than {@code maxEntries}
   */
  public void checkEntries(long entries) throws LayerLimitException {
    if (maxEntries > 0 && entries > maxEntries) {
      throw new LayerLimitException(
          "the tar has more than the maximum of " + maxEntries + " entries (max-tar-entries);"
              + " raise the limit if the layer is genuine");
    }
  }

  /**
   * Checks the estimated size of the zTOC built from the entries read so far.
   *
   * @throws LayerLimitException when it is above {@code maxZtocSize}
   */
  public void checkZtocSize(long estimatedBytes) throws LayerLimitException {
    if (maxZtocSize > 0 && estimatedBytes > maxZtocSize) {
      throw new LayerLimitException(
          "the zTOC of this layer would be larger than the maximum of " + maxZtocSize
              + " bytes (max-ztoc-size), because its entries have too many or too long names,"
              + " link names or PAX records; raise the limit if the layer is genuine");
    }
  }
}
