package io.sociindexer.layer.tar;

import java.util.Arrays;

/**
 * Field decoders with the exact acceptance rules of Go 1.25 {@code archive/tar} and
 * {@code strconv}. Each parse method throws {@link NumberFormatException} where Go reports an
 * error; callers turn that into a {@link TarFormatException} with the offset.
 */
final class TarFields {

  private TarFields() {}

  /** Returns the bytes of {@code b[offset, offset+length)} up to the first NUL. */
  static byte[] cString(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(b, offset, end);
  }

  /** Returns {@code bytes} up to the first NUL. */
  static byte[] cString(byte[] bytes) {
    return cString(bytes, 0, bytes.length);
  }

  /**
   * Parses a numeric header field: base-256 two's complement when the top bit of the first byte is
   * set, octal otherwise.
   */
  static long parseNumeric(byte[] b, int offset, int length) {
    if (length > 0 && (b[offset] & 0x80) != 0) {
      return parseBase256(b, offset, length);
    }
    return parseOctal(b, offset, length);
  }

  private static long parseBase256(byte[] b, int offset, int length) {
    int inversion = (b[offset] & 0x40) != 0 ? 0xff : 0x00;
    long value = 0;
    for (int i = 0; i < length; i++) {
      int c = (b[offset + i] & 0xff) ^ inversion;
      if (i == 0) {
        c &= 0x7f;
      }
      if ((value >>> 56) != 0) {
        throw new NumberFormatException("base-256 number overflows 64 bits");
      }
      value = (value << 8) | c;
    }
    if ((value >>> 63) != 0) {
      throw new NumberFormatException("base-256 number overflows 64 bits");
    }
    return inversion == 0xff ? ~value : value;
  }

  /**
   * Parses an octal field padded with spaces or NULs on either side; an empty field is 0. Values of
   * 2^63 and more wrap to negative numbers, as Go's conversion to int64 does.
   */
  static long parseOctal(byte[] b, int offset, int length) {
    int start = offset;
    int end = offset + length;
    while (start < end && isPadding(b[start])) {
      start++;
    }
    while (end > start && isPadding(b[end - 1])) {
      end--;
    }
    if (start == end) {
      return 0;
    }
    byte[] digits = cString(b, start, end - start);
    return parseUnsigned(digits, 8);
  }

  private static boolean isPadding(byte c) {
    return c == ' ' || c == 0;
  }

  /** Parses like Go's {@code strconv.ParseUint(s, radix, 64)} with radix 8 or 10. */
  private static long parseUnsigned(byte[] digits, int radix) {
    if (digits.length == 0) {
      throw new NumberFormatException("empty number");
    }
    long value = 0;
    for (byte c : digits) {
      int digit = c - '0';
      if (digit < 0 || digit >= radix) {
        throw new NumberFormatException("invalid digit '" + (char) (c & 0xff) + "'");
      }
      long limit = Long.divideUnsigned(-1L, radix);
      if (Long.compareUnsigned(value, limit) > 0) {
        throw new NumberFormatException("number overflows 64 bits");
      }
      long next = value * radix + digit;
      if (Long.compareUnsigned(next, value * radix) < 0) {
        throw new NumberFormatException("number overflows 64 bits");
      }
      value = next;
    }
    return value;
  }

  /** Parses a signed decimal like Go's {@code strconv.ParseInt(s, 10, 64)}. */
  static long parseDecimal(byte[] text) {
    if (text.length == 0) {
      throw new NumberFormatException("empty number");
    }
    boolean negative = text[0] == '-';
    boolean signed = negative || text[0] == '+';
    byte[] digits = signed ? Arrays.copyOfRange(text, 1, text.length) : text;
    long magnitude = parseUnsigned(digits, 10);
    if (negative) {
      if (Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0) {
        throw new NumberFormatException("number below the int64 range");
      }
      return -magnitude;
    }
    if (magnitude < 0) {
      throw new NumberFormatException("number above the int64 range");
    }
    return magnitude;
  }

  /** Returns whether every byte is below 0x80, the test Go's {@code isASCII} makes. */
  static boolean isAscii(byte[] bytes) {
    for (byte c : bytes) {
      if ((c & 0x80) != 0 || c == 0) {
        return false;
      }
    }
    return true;
  }

  /** Returns whether {@code bytes} contains a NUL. */
  static boolean hasNul(byte[] bytes) {
    for (byte c : bytes) {
      if (c == 0) {
        return true;
      }
    }
    return false;
  }
}
