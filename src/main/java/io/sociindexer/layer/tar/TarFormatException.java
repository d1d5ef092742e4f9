package io.sociindexer.layer.tar;

import java.io.IOException;

/**
 * A tar stream that Go's {@code archive/tar} reader rejects as malformed: an invalid header
 * checksum or numeric field, a bad PAX record, a truncated archive or a zero block followed by data.
 * The message names the offset of the failing block in the uncompressed tar stream, which for a
 * gzip layer is not an offset into the compressed blob.
 */
public class TarFormatException extends IOException {

  private final long offset;

  public TarFormatException(String message, long offset) {
    super(message);
    this.offset = offset;
  }

  /** Returns the stream offset of the header block or data byte where the problem was found. */
  public long offset() {
    return offset;
  }
}
