package io.sociindexer.layer.tar;

import io.sociindexer.ztoc.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

/** Parser for the body of a PAX extended header, with Go 1.25 {@code archive/tar} rules. */
final class PaxRecords {

  static final ByteString PATH = ByteString.utf8("path");
  static final ByteString LINKPATH = ByteString.utf8("linkpath");
  static final ByteString UNAME = ByteString.utf8("uname");
  static final ByteString GNAME = ByteString.utf8("gname");
  static final ByteString UID = ByteString.utf8("uid");
  static final ByteString GID = ByteString.utf8("gid");
  static final ByteString SIZE = ByteString.utf8("size");
  static final ByteString MTIME = ByteString.utf8("mtime");
  static final ByteString ATIME = ByteString.utf8("atime");
  static final ByteString CTIME = ByteString.utf8("ctime");
  static final ByteString GNU_SPARSE_MAJOR = ByteString.utf8("GNU.sparse.major");
  static final ByteString GNU_SPARSE_MINOR = ByteString.utf8("GNU.sparse.minor");
  static final ByteString GNU_SPARSE_MAP = ByteString.utf8("GNU.sparse.map");
  private static final ByteString GNU_SPARSE_OFFSET = ByteString.utf8("GNU.sparse.offset");
  private static final ByteString GNU_SPARSE_NUMBYTES = ByteString.utf8("GNU.sparse.numbytes");

  private static final int MAX_NANO_DIGITS = 9;

  private PaxRecords() {}

  /**
   * Parses {@code "<length> <key>=<value>\n"} records. A later record with the same key replaces
   * an earlier one. GNU sparse 0.0 offset and numbytes pairs are joined into one
   * {@code GNU.sparse.map} record, as Go does.
   *
   * @throws IllegalArgumentException with the reason when a record is malformed
   */
  static SortedMap<ByteString, ByteString> parse(byte[] body) {
    SortedMap<ByteString, ByteString> records = new TreeMap<>();
    ByteArrayOutputStream sparseMap = new ByteArrayOutputStream();
    int sparseValues = 0;
    int position = 0;

    while (position < body.length) {
      int space = indexOf(body, (byte) ' ', position, body.length);
      if (space < 0) {
        throw new IllegalArgumentException("record at byte " + position + " has no length field");
      }
      long length = parseLength(body, position, space);
      if (length < 5 || length > body.length - position || length <= space + 1 - position) {
        throw new IllegalArgumentException("record at byte " + position + " has invalid length");
      }
      int end = (int) (position + length);
      if (body[end - 1] != '\n') {
        throw new IllegalArgumentException("record at byte " + position + " lacks its newline");
      }
      int equals = indexOf(body, (byte) '=', space + 1, end - 1);
      if (equals < 0) {
        throw new IllegalArgumentException("record at byte " + position + " has no '='");
      }
      byte[] key = Arrays.copyOfRange(body, space + 1, equals);
      byte[] value = Arrays.copyOfRange(body, equals + 1, end - 1);
      ByteString keyString = ByteString.of(key);
      checkValid(keyString, key, value, position);

      if (keyString.equals(GNU_SPARSE_OFFSET) || keyString.equals(GNU_SPARSE_NUMBYTES)) {
        boolean expectOffset = sparseValues % 2 == 0;
        if (expectOffset != keyString.equals(GNU_SPARSE_OFFSET) || indexOf(value, (byte) ',', 0,
            value.length) >= 0) {
          throw new IllegalArgumentException("GNU sparse 0.0 records out of order or invalid");
        }
        if (sparseValues > 0) {
          sparseMap.write(',');
        }
        sparseMap.writeBytes(value);
        sparseValues++;
      } else {
        records.put(keyString, ByteString.of(value));
      }
      position = end;
    }

    if (sparseValues > 0) {
      records.put(GNU_SPARSE_MAP, ByteString.of(sparseMap.toByteArray()));
    }
    return records;
  }

  private static long parseLength(byte[] body, int start, int end) {
    try {
      return TarFields.parseDecimal(Arrays.copyOfRange(body, start, end));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("record at byte " + start + " has invalid length", e);
    }
  }

  private static void checkValid(ByteString keyString, byte[] key, byte[] value, int position) {
    if (key.length == 0) {
      throw new IllegalArgumentException("record at byte " + position + " has an empty key");
    }
    boolean stringField =
        keyString.equals(PATH)
            || keyString.equals(LINKPATH)
            || keyString.equals(UNAME)
            || keyString.equals(GNAME);
    if (stringField ? TarFields.hasNul(value) : TarFields.hasNul(key)) {
      throw new IllegalArgumentException("record at byte " + position + " contains a NUL");
    }
  }

  private static int indexOf(byte[] bytes, byte target, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == target) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parses a PAX time {@code "<seconds>[.<fraction>]"} into normalized seconds and nanoseconds.
   * The fraction is right-padded or cut to 9 digits, and a negative seconds part makes the
   * fraction negative too, so {@code "-1.5"} is 1.5 seconds before the epoch.
   *
   * @return {@code {seconds, nanos}} with nanos in {@code [0, 1e9)}
   */
  static long[] parseTime(ByteString text) {
    byte[] bytes = text.toByteArray();
    int dot = indexOf(bytes, (byte) '.', 0, bytes.length);
    byte[] secondsPart = dot < 0 ? bytes : Arrays.copyOfRange(bytes, 0, dot);
    long seconds = TarFields.parseDecimal(secondsPart);
    if (dot < 0 || dot == bytes.length - 1) {
      return new long[] {seconds, 0};
    }

    long nanos = 0;
    for (int i = 0; i < MAX_NANO_DIGITS || dot + 1 + i < bytes.length; i++) {
      int index = dot + 1 + i;
      int digit = index < bytes.length ? bytes[index] - '0' : 0;
      if (digit < 0 || digit > 9) {
        throw new NumberFormatException("invalid fraction digit in " + text);
      }
      if (i < MAX_NANO_DIGITS) {
        nanos = nanos * 10 + digit;
      }
    }
    if (secondsPart.length > 0 && secondsPart[0] == '-') {
      nanos = -nanos;
    }
    return normalize(seconds, nanos);
  }

  /** Normalizes like Go's {@code time.Unix(sec, nsec)}, wrapping on overflow as Go does. */
  static long[] normalize(long seconds, long nanos) {
    long carry = Math.floorDiv(nanos, 1_000_000_000L);
    return new long[] {seconds + carry, Math.floorMod(nanos, 1_000_000_000L)};
  }

  static String text(ByteString value) {
    return new String(value.toByteArray(), StandardCharsets.UTF_8);
  }
}
