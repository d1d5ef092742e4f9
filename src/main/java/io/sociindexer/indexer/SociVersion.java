package io.sociindexer.indexer;

import java.util.Locale;

/**
 * The SOCI index format to produce.
 *
 * <ul>
 *   <li>{@link #V2}: the SOCI index is bound to the image through an annotated image manifest in a
 *       new image index, pushed under the output tag. Works with every registry.
 *   <li>{@link #V1}: the SOCI index names the image manifest as its {@code subject}; clients find
 *       it through the referrers API, or through the {@code sha256-<hex>} referrers tag on
 *       registries without that API. The image and its tags are left alone.
 * </ul>
 */
public enum SociVersion {
  V1,
  V2;

  /**
   * Parses {@code v1} or {@code v2}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values for any other text
   */
  public static SociVersion parse(String text) {
    String normalized = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return switch (normalized) {
      case "v1" -> V1;
      case "v2" -> V2;
      default ->
          throw new IllegalArgumentException(
              "invalid SOCI version '" + text + "': expected v1 or v2");
    };
  }

  /** Returns {@code v1} or {@code v2}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
