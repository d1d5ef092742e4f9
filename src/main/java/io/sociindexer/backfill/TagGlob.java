package io.sociindexer.backfill;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A glob over tags: {@code *} matches any run of characters, {@code ?} one character, and every
 * other character itself. {@code v1.*} matches {@code v1.0} and {@code v1.2.3}; {@code *}
 * matches every tag.
 */
public record TagGlob(String glob) {

  /** Matches every tag. */
  public static final TagGlob ALL = new TagGlob("*");

  public TagGlob {
    Objects.requireNonNull(glob, "glob");
    if (glob.isBlank()) {
      throw new IllegalArgumentException("invalid tag glob: it is empty; use * for every tag");
    }
  }

  /** Returns {@link #ALL} for null or blank text, else the glob. */
  public static TagGlob orAll(String text) {
    return text == null || text.isBlank() ? ALL : new TagGlob(text.strip());
  }

  public boolean matches(String tag) {
    return regex().matcher(tag).matches();
  }

  private Pattern regex() {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        regex.append(Pattern.quote(literal.toString()));
        literal.setLength(0);
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    regex.append(Pattern.quote(literal.toString()));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  @Override
  public String toString() {
    return glob;
  }
}
