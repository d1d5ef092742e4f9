package io.sociindexer.layer;

import java.io.IOException;

/** Parses the length of a gzip member header (RFC 1952), including its optional fields. */
final class GzipHeader {

  private static final int FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;
  private static final int RESERVED_FLAGS = 0xe0;
  private static final int FIXED_LENGTH = 10;

  private GzipHeader() {}

  /**
   * Returns the length of the gzip header at {@code offset}: 10 bytes plus the FEXTRA, FNAME,
   * FCOMMENT and FHCRC fields that its flags announce.
   *
   * @throws IOException when the bytes there are not a gzip header or the blob ends inside it
   */
  static int length(GzipSpanReader.Source source, long offset) throws IOException {
    byte[] fixed = new byte[FIXED_LENGTH];
    if (source.read(offset, fixed, FIXED_LENGTH) != FIXED_LENGTH) {
      throw new IOException(
          "truncated gzip header at compressed offset " + offset + ": fewer than 10 bytes remain");
    }
    int magic1 = Byte.toUnsignedInt(fixed[0]);
    int magic2 = Byte.toUnsignedInt(fixed[1]);
    int method = Byte.toUnsignedInt(fixed[2]);
    int flags = Byte.toUnsignedInt(fixed[3]);
    if (magic1 != 0x1f || magic2 != 0x8b || method != 8) {
      throw new IOException(
          String.format(
              "invalid gzip header at compressed offset %d: expected 1f 8b 08, found %02x %02x"
                  + " %02x",
              offset, magic1, magic2, method));
    }
    if ((flags & RESERVED_FLAGS) != 0) {
      throw new IOException(
          String.format(
              "invalid gzip header at compressed offset %d: reserved flag bits set in %02x",
              offset, flags));
    }

    long position = offset + FIXED_LENGTH;
    if ((flags & FEXTRA) != 0) {
      int extraLength = source.readByte(position) | source.readByte(position + 1) << 8;
      position += 2 + extraLength;
    }
    if ((flags & FNAME) != 0) {
      position = skipZeroTerminated(source, position);
    }
    if ((flags & FCOMMENT) != 0) {
      position = skipZeroTerminated(source, position);
    }
    if ((flags & FHCRC) != 0) {
      position += 2;
    }
    return Math.toIntExact(position - offset);
  }

  private static long skipZeroTerminated(GzipSpanReader.Source source, long position)
      throws IOException {
    byte[] chunk = new byte[256];
    while (true) {
      int n = source.read(position, chunk, chunk.length);
      if (n <= 0) {
        throw new IOException(
            "truncated gzip header: the blob ends at compressed offset "
                + position
                + " inside a zero-terminated name or comment");
      }
      for (int i = 0; i < n; i++) {
        if (chunk[i] == 0) {
          return position + i + 1;
        }
      }
      position += n;
    }
  }
}
