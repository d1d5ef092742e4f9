package io.sociindexer.cli;

import java.util.Locale;

/**
 * Parses sizes such as {@code 4194304}, {@code 4MiB}, {@code 512KiB}, {@code 4M} or {@code 1GiB}.
 * {@code KB}, {@code MB}, {@code GB} and {@code TB} are accepted as well and, as in the service's
 * configuration, mean powers of 1024, so a value copied from the configuration means the same.
 */
final class ByteSizes {

  private ByteSizes() {}

  static long parse(String option, String text) {
    String trimmed = text.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    long multiplier = 1;
    String number = trimmed;
    String[][] units = {
      {"tib", "1099511627776"}, {"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"},
      {"tb", "1099511627776"}, {"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"},
      {"t", "1099511627776"}, {"g", "1073741824"}, {"m", "1048576"}, {"k", "1024"}, {"b", "1"}
    };
    for (String[] unit : units) {
      if (lower.endsWith(unit[0])) {
        multiplier = Long.parseLong(unit[1]);
        number = trimmed.substring(0, trimmed.length() - unit[0].length()).trim();
        break;
      }
    }
    try {
      long value = Math.multiplyExact(Long.parseLong(number), multiplier);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(
          "invalid size for " + option + ": '" + text
              + "'; expected a byte count such as 4194304, 4MB, 4MiB or 512KB (units are powers"
              + " of 1024, as in the service's configuration)");
    }
  }
}
