package io.sociindexer.indexer;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Formats byte counts for messages, such as {@code 10485760 bytes (10 MiB)}. */
final class ByteCounts {

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private ByteCounts() {}

  /**
   * Returns the exact count in bytes, followed by the count in the largest binary unit that is not
   * above it when the count is at least 1 KiB. The unit count is rounded to one decimal, so
   * {@code 1536} gives {@code 1536 bytes (1.5 KiB)}.
   */
  static String describe(long bytes) {
    String exact = bytes + (bytes == 1 ? " byte" : " bytes");
    if (bytes < 1024) {
      return exact;
    }
    int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10 - 1;
    BigDecimal scaled =
        BigDecimal.valueOf(bytes)
            .divide(BigDecimal.valueOf(1L << (10 * (unit + 1))), 1, RoundingMode.HALF_UP)
            .stripTrailingZeros();
    return exact + " (" + scaled.toPlainString() + " " + UNITS[unit] + ")";
  }
}
