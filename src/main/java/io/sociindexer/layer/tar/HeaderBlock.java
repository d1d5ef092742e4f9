package io.sociindexer.layer.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fields of one 512-byte tar header block, decoded as Go 1.25 {@code archive/tar}
 * {@code readHeader} decodes them, before PAX and GNU long-name overrides.
 */
record HeaderBlock(
    TarFormat format,
    byte typeflag,
    byte[] name,
    byte[] linkname,
    long size,
    long mode,
    long uid,
    long gid,
    long modTime,
    byte[] uname,
    byte[] gname,
    long devmajor,
    long devminor) {

  static final int SIZE = 512;

  private static final byte[] MAGIC_USTAR = "ustar\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC_GNU = "ustar ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] VERSION_GNU = " \0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRAILER_STAR = "tar\0".getBytes(StandardCharsets.US_ASCII);

  private static final int CHECKSUM_OFFSET = 148;
  private static final int CHECKSUM_LENGTH = 8;
  private static final int GNU_ATIME_OFFSET = 345;
  private static final int GNU_CTIME_OFFSET = 357;
  private static final int PREFIX_OFFSET = 345;

  /**
   * Decodes a non-zero header block.
   *
   * @param offset stream offset of the block, for error messages
   * @throws TarFormatException when the checksum or a numeric field is invalid
   */
  static HeaderBlock parse(byte[] block, long offset) throws TarFormatException {
    TarFormat format = detectFormat(block, offset);

    byte typeflag = block[156];
    byte[] name = TarFields.cString(block, 0, 100);
    byte[] linkname = TarFields.cString(block, 157, 100);
    long size = numeric(block, 124, 12, "size", offset);
    long mode = numeric(block, 100, 8, "mode", offset);
    long uid = numeric(block, 108, 8, "uid", offset);
    long gid = numeric(block, 116, 8, "gid", offset);
    long modTime = numeric(block, 136, 12, "mtime", offset);
    if (format == TarFormat.V7) {
      return new HeaderBlock(
          format, typeflag, name, linkname, size, mode, uid, gid, modTime, new byte[0],
          new byte[0], 0, 0);
    }

    byte[] uname = TarFields.cString(block, 265, 32);
    byte[] gname = TarFields.cString(block, 297, 32);
    long devmajor = numeric(block, 329, 8, "devmajor", offset);
    long devminor = numeric(block, 337, 8, "devminor", offset);
    byte[] prefix = prefix(block, format, offset);
    if (prefix.length > 0) {
      name = join(prefix, name);
    }
    return new HeaderBlock(
        format, typeflag, name, linkname, size, mode, uid, gid, modTime, uname, gname, devmajor,
        devminor);
  }

  /** Returns whether all 512 bytes are zero, the end-of-archive marker. */
  static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static TarFormat detectFormat(byte[] block, long offset) throws TarFormatException {
    long stored;
    try {
      stored = TarFields.parseOctal(block, CHECKSUM_OFFSET, CHECKSUM_LENGTH);
    } catch (NumberFormatException e) {
      throw new TarFormatException(
          "invalid tar header at uncompressed offset " + offset
              + ": checksum field is not an octal number",
          offset);
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < SIZE; i++) {
      byte c = (i >= CHECKSUM_OFFSET && i < CHECKSUM_OFFSET + CHECKSUM_LENGTH) ? (byte) ' ' : block[i];
      unsigned += c & 0xff;
      signed += c;
    }
    if (stored != unsigned && stored != signed) {
      throw new TarFormatException(
          "invalid tar header at uncompressed offset " + offset + ": checksum " + stored
              + " matches neither the unsigned sum " + unsigned + " nor the signed sum " + signed,
          offset);
    }

    boolean ustarMagic = matches(block, 257, MAGIC_USTAR);
    if (ustarMagic && matches(block, 508, TRAILER_STAR)) {
      return TarFormat.STAR;
    }
    if (ustarMagic) {
      return TarFormat.USTAR;
    }
    if (matches(block, 257, MAGIC_GNU) && matches(block, 263, VERSION_GNU)) {
      return TarFormat.GNU;
    }
    return TarFormat.V7;
  }

  private static byte[] prefix(byte[] block, TarFormat format, long offset)
      throws TarFormatException {
    return switch (format) {
      case USTAR -> TarFields.cString(block, PREFIX_OFFSET, 155);
      case STAR -> {
        numeric(block, 476, 12, "atime", offset);
        numeric(block, 488, 12, "ctime", offset);
        yield TarFields.cString(block, PREFIX_OFFSET, 131);
      }
      case GNU -> gnuPrefix(block);
      case V7 -> new byte[0];
    };
  }

  /**
   * Returns the prefix of a GNU block, normally empty. Go writers before Go 1.8 put a ustar prefix
   * into the GNU atime and ctime fields, so when those fields do not parse as numbers and hold
   * ASCII text, Go reads them as a prefix.
   */
  private static byte[] gnuPrefix(byte[] block) {
    boolean timesValid =
        parsesOrIsUnset(block, GNU_ATIME_OFFSET) && parsesOrIsUnset(block, GNU_CTIME_OFFSET);
    if (timesValid) {
      return new byte[0];
    }
    byte[] text = TarFields.cString(block, PREFIX_OFFSET, 155);
    return TarFields.isAscii(text) ? text : new byte[0];
  }

  private static boolean parsesOrIsUnset(byte[] block, int offset) {
    if (block[offset] == 0) {
      return true;
    }
    try {
      TarFields.parseNumeric(block, offset, 12);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static long numeric(byte[] block, int offset, int length, String field, long blockOffset)
      throws TarFormatException {
    try {
      return TarFields.parseNumeric(block, offset, length);
    } catch (NumberFormatException e) {
      String raw = new String(block, offset, length, StandardCharsets.ISO_8859_1);
      throw new TarFormatException(
          "invalid tar header at uncompressed offset " + blockOffset + ": field " + field + " \""
              + raw.replace("\0", "\\0") + "\" is not a valid number (" + e.getMessage() + ")",
          blockOffset);
    }
  }

  private static boolean matches(byte[] block, int offset, byte[] expected) {
    return Arrays.equals(block, offset, offset + expected.length, expected, 0, expected.length);
  }

  private static byte[] join(byte[] prefix, byte[] name) {
    byte[] joined = new byte[prefix.length + 1 + name.length];
    System.arraycopy(prefix, 0, joined, 0, prefix.length);
    joined[prefix.length] = '/';
    System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
    return joined;
  }
}
