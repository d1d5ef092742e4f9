package io.sociindexer.registry.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code WWW-Authenticate} header values into challenges following the grammar of RFC
 * 9110 section 11.6.1: a header may hold several comma-separated challenges, each a scheme
 * followed by either a token68 or comma-separated {@code name=value} parameters, where a value is
 * a token or a quoted string with backslash escapes. The static methods are thread-safe.
 */
public final class WwwAuthenticateParser {

  private final String text;
  private int position;

  private WwwAuthenticateParser(String text) {
    this.text = text;
  }

  /**
   * Parses every challenge in the given header values, in order.
   *
   * @throws IllegalArgumentException when a value is malformed, for example an unterminated
   *     quoted string or a parameter without a name
   */
  public static List<AuthChallenge> parse(List<String> headerValues) {
    List<AuthChallenge> challenges = new ArrayList<>();
    for (String value : headerValues) {
      challenges.addAll(parse(value));
    }
    return challenges;
  }

  /** Parses every challenge in one header value; see {@link #parse(List)}. */
  public static List<AuthChallenge> parse(String headerValue) {
    return new WwwAuthenticateParser(headerValue).parseChallenges();
  }

  private List<AuthChallenge> parseChallenges() {
    List<AuthChallenge> challenges = new ArrayList<>();
    skipSeparators();
    while (!atEnd()) {
      challenges.add(parseChallenge());
      skipSeparators();
    }
    return challenges;
  }

  private AuthChallenge parseChallenge() {
    String scheme = readToken();
    if (scheme.isEmpty()) {
      throw malformed("expected an authentication scheme");
    }
    skipSpaces();

    String token68 = tryReadToken68();
    if (token68 != null) {
      return new AuthChallenge(scheme, Map.of(), token68);
    }

    Map<String, String> parameters = new LinkedHashMap<>();
    while (!atEnd() && peek() != ',' && startsParameter()) {
      String name = readToken();
      skipSpaces();
      expect('=');
      skipSpaces();
      String value = peek() == '"' ? readQuotedString() : readToken();
      parameters.putIfAbsent(name, value);
      skipSpaces();
      if (atEnd() || peek() != ',') {
        break;
      }
      position++;
      skipSeparators();
    }
    return new AuthChallenge(scheme, parameters, null);
  }

  /** Reads a token68 when one follows: token68 characters, optional '=' padding, then end or ','. */
  private String tryReadToken68() {
    int start = position;
    int end = start;
    while (end < text.length() && isToken68Char(text.charAt(end))) {
      end++;
    }
    if (end == start) {
      return null;
    }
    while (end < text.length() && text.charAt(end) == '=') {
      end++;
    }
    int after = end;
    while (after < text.length() && isSpace(text.charAt(after))) {
      after++;
    }
    if (after < text.length() && text.charAt(after) != ',') {
      return null;
    }
    position = end;
    return text.substring(start, end);
  }

  /** Returns true when the text at the position is {@code token =}, so not the next scheme. */
  private boolean startsParameter() {
    int end = position;
    while (end < text.length() && isTokenChar(text.charAt(end))) {
      end++;
    }
    if (end == position) {
      throw malformed("expected a parameter name");
    }
    while (end < text.length() && isSpace(text.charAt(end))) {
      end++;
    }
    return end < text.length() && text.charAt(end) == '=';
  }

  private String readQuotedString() {
    expect('"');
    StringBuilder value = new StringBuilder();
    while (!atEnd()) {
      char c = text.charAt(position++);
      if (c == '"') {
        return value.toString();
      }
      if (c == '\\') {
        if (atEnd()) {
          break;
        }
        c = text.charAt(position++);
      }
      value.append(c);
    }
    throw malformed("unterminated quoted string");
  }

  private String readToken() {
    int start = position;
    while (!atEnd() && isTokenChar(peek())) {
      position++;
    }
    return text.substring(start, position);
  }

  private void expect(char expected) {
    if (atEnd() || peek() != expected) {
      throw malformed("expected '" + expected + "'");
    }
    position++;
  }

  private void skipSpaces() {
    while (!atEnd() && isSpace(peek())) {
      position++;
    }
  }

  private void skipSeparators() {
    while (!atEnd() && (isSpace(peek()) || peek() == ',')) {
      position++;
    }
  }

  private boolean atEnd() {
    return position >= text.length();
  }

  private char peek() {
    return text.charAt(position);
  }

  private IllegalArgumentException malformed(String problem) {
    return new IllegalArgumentException(
        "invalid WWW-Authenticate header at character " + position + ": " + problem);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  /** Token characters of RFC 9110 section 5.6.2. */
  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static boolean isToken68Char(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~+/".indexOf(c) >= 0;
  }
}
