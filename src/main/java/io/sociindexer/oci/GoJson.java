package io.sociindexer.oci;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A streaming JSON writer whose output is byte-identical to Go's {@code encoding/json.Marshal}
 * (Go 1.22 and later, checked against {@code src/encoding/json/encode.go} of Go 1.25).
 *
 * <p>The rules it reproduces: no whitespace and no trailing newline; object fields in the order
 * the caller writes them (Go writes struct fields in declaration order); map keys sorted by their
 * UTF-8 bytes; integers in plain decimal. Strings are escaped like Go's {@code appendString} with
 * HTML escaping on: {@code \"} {@code \\} {@code \b} {@code \f} {@code \n} {@code \r} {@code \t},
 * other control characters as {@code \}{@code u00xx} with lowercase hex, {@code <} {@code >}
 * {@code &} as {@code \}{@code u003c} {@code \}{@code u003e} {@code \}{@code u0026}, U+2028 and
 * U+2029 escaped, every other character written as UTF-8. Each byte of an invalid UTF-8 sequence
 * becomes {@code \}{@code ufffd}. An unpaired surrogate in a Java string is written as U+FFFD,
 * which is what Go holds after decoding such a {@code \}{@code ud800} escape.
 *
 * <p>The writer checks only that names and values alternate inside objects and does not validate
 * the whole document. Instances are not thread-safe.
 */
public final class GoJson {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLACEMENT_UTF8 = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Deque<Scope> scopes = new ArrayDeque<>();
  private boolean afterName;

  private static final class Scope {
    final boolean object;
    boolean empty = true;

    Scope(boolean object) {
      this.object = object;
    }
  }

  /** Starts a JSON object. */
  public GoJson beginObject() {
    beforeValue();
    out.write('{');
    scopes.push(new Scope(true));
    return this;
  }

  /** Ends the innermost JSON object. */
  public GoJson endObject() {
    Scope scope = scopes.poll();
    if (scope == null || !scope.object || afterName) {
      throw new IllegalStateException("endObject() called outside an object or after a name");
    }
    out.write('}');
    return this;
  }

  /** Starts a JSON array. */
  public GoJson beginArray() {
    beforeValue();
    out.write('[');
    scopes.push(new Scope(false));
    return this;
  }

  /** Ends the innermost JSON array. */
  public GoJson endArray() {
    Scope scope = scopes.poll();
    if (scope == null || scope.object) {
      throw new IllegalStateException("endArray() called outside an array");
    }
    out.write(']');
    return this;
  }

  /** Writes an object field name; the next call must write its value. */
  public GoJson name(String name) {
    Scope scope = scopes.peek();
    if (scope == null || !scope.object || afterName) {
      throw new IllegalStateException("name('" + name + "') called outside an object or twice");
    }
    if (!scope.empty) {
      out.write(',');
    }
    scope.empty = false;
    writeQuoted(name);
    out.write(':');
    afterName = true;
    return this;
  }

  /** Writes a string value. */
  public GoJson value(String value) {
    beforeValue();
    writeQuoted(value);
    return this;
  }

  /** Writes an integer the way Go prints an {@code int64}. */
  public GoJson value(long value) {
    beforeValue();
    out.writeBytes(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** Writes {@code true} or {@code false}. */
  public GoJson value(boolean value) {
    beforeValue();
    out.writeBytes((value ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** Writes {@code null}. */
  public GoJson nullValue() {
    beforeValue();
    out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** Writes a {@code map[string]string} as Go does: keys sorted by their UTF-8 bytes. */
  public GoJson stringMap(Map<String, String> map) {
    beginObject();
    for (String key : sortedKeys(map)) {
      name(key).value(map.get(key));
    }
    return endObject();
  }

  /** Writes a {@code []string}. */
  public GoJson stringArray(List<String> values) {
    beginArray();
    for (String value : values) {
      value(value);
    }
    return endArray();
  }

  /**
   * Returns the document written so far.
   *
   * @throws IllegalStateException when an object or array is still open
   */
  public byte[] toByteArray() {
    if (!scopes.isEmpty() || afterName) {
      throw new IllegalStateException("JSON document is incomplete: an object or array is open");
    }
    return out.toByteArray();
  }

  /** Returns {@code text} as a Go-quoted JSON string, quotes included. */
  public static String quote(String text) {
    return new String(quote(toUtf8(text)), StandardCharsets.UTF_8);
  }

  /** Returns the Go-quoted JSON string of arbitrary bytes, replacing invalid UTF-8 bytes. */
  public static byte[] quote(byte[] utf8) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(utf8.length + 2);
    appendQuoted(buffer, utf8);
    return buffer.toByteArray();
  }

  /**
   * Returns the keys of {@code map} in the order Go writes them: byte-wise over UTF-8. This
   * differs from {@link String#compareTo} only for characters above U+FFFF.
   */
  public static List<String> sortedKeys(Map<String, String> map) {
    List<String> keys = new ArrayList<>(map.keySet());
    keys.sort((a, b) -> Arrays.compareUnsigned(toUtf8(a), toUtf8(b)));
    return keys;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    Scope scope = scopes.peek();
    if (scope == null) {
      if (out.size() > 0) {
        throw new IllegalStateException("a JSON document has only one top-level value");
      }
      return;
    }
    if (scope.object) {
      throw new IllegalStateException("a value inside an object needs a name first");
    }
    if (!scope.empty) {
      out.write(',');
    }
    scope.empty = false;
  }

  private void writeQuoted(String text) {
    appendQuoted(out, toUtf8(text));
  }

  /** Encodes to UTF-8, writing U+FFFD for unpaired surrogates (the JDK would write '?'). */
  private static byte[] toUtf8(String text) {
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)
            .replaceWith(REPLACEMENT_UTF8);
    try {
      ByteBuffer encoded = encoder.encode(CharBuffer.wrap(text));
      return Arrays.copyOfRange(encoded.array(), encoded.arrayOffset(), encoded.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("UTF-8 encoding with replacement failed", e);
    }
  }

  private static void appendQuoted(ByteArrayOutputStream buffer, byte[] src) {
    buffer.write('"');
    int i = 0;
    while (i < src.length) {
      int b = src[i] & 0xFF;
      if (b < 0x80) {
        appendAscii(buffer, b);
        i++;
        continue;
      }

      int size = validSequenceLength(src, i);
      if (size == 0) {
        buffer.writeBytes("\\ufffd".getBytes(StandardCharsets.US_ASCII));
        i++;
        continue;
      }
      if (size == 3 && b == 0xE2 && (src[i + 1] & 0xFF) == 0x80
          && ((src[i + 2] & 0xFF) == 0xA8 || (src[i + 2] & 0xFF) == 0xA9)) {
        // U+2028 and U+2029 are escaped because JSONP evaluates JSON as JavaScript.
        buffer.writeBytes("\\u202".getBytes(StandardCharsets.US_ASCII));
        buffer.write(HEX[(src[i + 2] & 0xFF) == 0xA8 ? 8 : 9]);
      } else {
        buffer.write(src, i, size);
      }
      i += size;
    }
    buffer.write('"');
  }

  private static void appendAscii(ByteArrayOutputStream buffer, int b) {
    switch (b) {
      case '"', '\\' -> {
        buffer.write('\\');
        buffer.write(b);
      }
      case '\b' -> writeEscape(buffer, 'b');
      case '\f' -> writeEscape(buffer, 'f');
      case '\n' -> writeEscape(buffer, 'n');
      case '\r' -> writeEscape(buffer, 'r');
      case '\t' -> writeEscape(buffer, 't');
      default -> {
        if (b < 0x20 || b == '<' || b == '>' || b == '&') {
          buffer.writeBytes("\\u00".getBytes(StandardCharsets.US_ASCII));
          buffer.write(HEX[b >> 4]);
          buffer.write(HEX[b & 0xF]);
        } else {
          buffer.write(b);
        }
      }
    }
  }

  private static void writeEscape(ByteArrayOutputStream buffer, char letter) {
    buffer.write('\\');
    buffer.write(letter);
  }

  /**
   * Returns the length of the well-formed UTF-8 sequence starting at {@code i}, or 0 when Go's
   * {@code utf8.DecodeRune} would return {@code RuneError} with size 1 (bad lead byte, bad or
   * missing continuation byte, overlong form, surrogate, or a code point above U+10FFFF).
   */
  private static int validSequenceLength(byte[] src, int i) {
    int lead = src[i] & 0xFF;
    int size;
    int secondMin = 0x80;
    int secondMax = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      size = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      size = 3;
      if (lead == 0xE0) {
        secondMin = 0xA0;
      } else if (lead == 0xED) {
        secondMax = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      size = 4;
      if (lead == 0xF0) {
        secondMin = 0x90;
      } else if (lead == 0xF4) {
        secondMax = 0x8F;
      }
    } else {
      return 0;
    }

    if (i + size > src.length) {
      return 0;
    }
    int second = src[i + 1] & 0xFF;
    if (second < secondMin || second > secondMax) {
      return 0;
    }
    for (int k = 2; k < size; k++) {
      int continuation = src[i + k] & 0xFF;
      if (continuation < 0x80 || continuation > 0xBF) {
        return 0;
      }
    }
    return size;
  }
}
