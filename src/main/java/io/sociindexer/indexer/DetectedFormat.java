package io.sociindexer.indexer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.Arrays;

/** The format of a blob as its first bytes show it, independent of its declared media type. */
enum DetectedFormat {
  GZIP("gzip data"),
  ZSTD("zstd data"),
  TAR("an uncompressed tar"),
  EMPTY("empty"),
  UNKNOWN("neither gzip, zstd nor tar");

  private static final byte[] ZSTD_MAGIC = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd};
  private static final int TAR_MAGIC_OFFSET = 257;

  private final String description;

  DetectedFormat(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  /**
   * Reads up to {@code length} bytes from {@code in} and resets it, so the caller still reads the
   * stream from its first byte.
   */
  static DetectedFormat sniff(BufferedInputStream in, int length) throws IOException {
    in.mark(length);
    byte[] head = in.readNBytes(length);
    in.reset();
    return of(head);
  }

  static DetectedFormat of(byte[] head) {
    if (head.length == 0) {
      return EMPTY;
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (head.length >= 4 && Arrays.equals(head, 0, 4, ZSTD_MAGIC, 0, 4)) {
      return ZSTD;
    }
    if (looksLikeTar(head)) {
      return TAR;
    }
    return UNKNOWN;
  }

  /**
   * A tar starts with a header block carrying {@code ustar} at offset 257, or, for V7 headers and
   * archives that begin with the end marker, a block whose checksum field is octal or all zero.
   */
  private static boolean looksLikeTar(byte[] head) {
    if (head.length >= TAR_MAGIC_OFFSET + 5
        && Arrays.equals(head, TAR_MAGIC_OFFSET, TAR_MAGIC_OFFSET + 5, "ustar".getBytes(), 0, 5)) {
      return true;
    }
    if (head.length < 512) {
      return false;
    }
    boolean allZero = true;
    for (byte b : head) {
      if (b != 0) {
        allZero = false;
        break;
      }
    }
    return allZero || hasOctalChecksum(head);
  }

  private static boolean hasOctalChecksum(byte[] block) {
    int digits = 0;
    for (int i = 148; i < 156; i++) {
      byte b = block[i];
      if (b >= '0' && b <= '7') {
        digits++;
      } else if (b != ' ' && b != 0) {
        return false;
      }
    }
    return digits > 0;
  }
}
