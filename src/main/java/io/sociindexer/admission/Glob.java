package io.sociindexer.admission;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A glob over registry hosts, repository names and tags. {@code *} matches any run of characters
 * except {@code /}, {@code **} matches any run including {@code /}, {@code ?} matches one character
 * except {@code /}, and every other character matches itself. Both stars match the empty string,
 * so {@code *} also matches a missing tag, which is checked as the empty string.
 *
 * <p>Immutable and thread-safe.
 */
public final class Glob {

  private final String text;
  private final Pattern pattern;

  private Glob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /**
   * Compiles {@code text}.
   *
   * @param caseInsensitive true for host names, which DNS compares without case
   * @throws IllegalArgumentException when {@code text} is empty
   */
  public static Glob compile(String text, boolean caseInsensitive) {
    Objects.requireNonNull(text, "glob");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("invalid glob: it is empty; use * to match any value");
    }

    int flags = caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
    return new Glob(text, Pattern.compile(toRegex(text), flags));
  }

  private static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        regex.append(".*");
        i += 2;
      } else if (c == '*') {
        regex.append("[^/]*");
        i++;
      } else if (c == '?') {
        regex.append("[^/]");
        i++;
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
        i++;
      }
    }
    return regex.toString();
  }

  /** Returns whether the whole of {@code value} matches; null is checked as the empty string. */
  public boolean matches(String value) {
    return pattern.matcher(value == null ? "" : value).matches();
  }

  /** Returns the glob as written. */
  @Override
  public String toString() {
    return text;
  }
}
