package io.sociindexer.layer.tar;

import io.sociindexer.ztoc.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Sequential tar reader that returns the same entries, field values and end-of-archive position as
 * Go 1.25 {@code archive/tar}'s {@code Reader.Next()}, which soci uses to build zTOCs.
 *
 * <p>It reads the stream strictly forward and never past what Go consumes: {@link #position()}
 * counts every byte taken from the stream. The end of the archive is two zero blocks, or physical
 * end of stream at a block boundary, after one zero block, or inside an entry's padding. Record
 * padding after the end marker stays unread.
 *
 * <p>Entries soci rejects raise {@link UnsupportedTarEntryException}; malformed or truncated
 * archives raise {@link TarFormatException}. Any exception is final: later calls to {@link #next()}
 * throw it again. The reader does not close the stream. Not thread-safe.
 */
public final class GoTarReader {

  /** Go's cap on the size of PAX and GNU long-name bodies ({@code maxSpecialFileSize}). */
  private static final int MAX_SPECIAL_FILE_SIZE = 1 << 20;

  private static final int SKIP_BUFFER_SIZE = 64 * 1024;

  private final InputStream in;
  private final byte[] block = new byte[HeaderBlock.SIZE];
  private byte[] skipBuffer;
  private long position;
  private long remaining;
  private int padding;
  private boolean ended;
  private IOException failure;
  private TarHeader current;

  public GoTarReader(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /** Returns the number of bytes consumed from the stream so far. */
  public long position() {
    return position;
  }

  /**
   * Advances to the next entry, discarding the unread data and padding of the previous one.
   *
   * @return the entry, or {@code null} at the end of the archive
   * @throws TarFormatException when the archive is malformed or truncated
   * @throws UnsupportedTarEntryException when the entry is of a kind soci cannot index
   */
  public TarHeader next() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (ended) {
      return null;
    }
    try {
      current = readEntry();
      ended = current == null;
      return current;
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /**
   * Reads data of the current entry, like {@link InputStream#read(byte[], int, int)}.
   *
   * @return the number of bytes read, or -1 at the end of the entry's data
   * @throws TarFormatException when the stream ends inside the data
   */
  public int read(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (failure != null) {
      throw failure;
    }
    if (remaining == 0) {
      return -1;
    }
    if (length == 0) {
      return 0;
    }
    int n = in.read(buffer, offset, (int) Math.min(length, remaining));
    if (n < 0) {
      failure = truncated("data of " + describeCurrent());
      throw failure;
    }
    position += n;
    remaining -= n;
    return n;
  }

  /**
   * Returns a stream over the data of the current entry. It shares state with this reader and is
   * valid until the next call to {@link #next()}; closing it does nothing.
   */
  public InputStream entryData() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] singleByte = new byte[1];
        int n = GoTarReader.this.read(singleByte, 0, 1);
        return n < 0 ? -1 : singleByte[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        return GoTarReader.this.read(buffer, offset, length);
      }
    };
  }

  private TarHeader readEntry() throws IOException {
    long entryOffset = -1;
    SortedMap<ByteString, ByteString> pax = null;
    byte[] longName = null;
    byte[] longLink = null;

    while (true) {
      skipData();
      if (!skipPadding()) {
        return null;
      }
      long blockOffset = position;
      if (entryOffset < 0) {
        entryOffset = blockOffset;
      }
      if (!readHeaderBlock()) {
        return null;
      }

      HeaderBlock raw = HeaderBlock.parse(block, blockOffset);
      startData(raw.typeflag(), raw.size(), blockOffset);
      switch (raw.typeflag()) {
        case 'x', 'g' -> {
          pax = parsePax(readSpecialFile(blockOffset), blockOffset);
          if (raw.typeflag() == 'g') {
            throw new UnsupportedTarEntryException(
                "PAX global header (type 'g'); soci rejects layers that contain one",
                raw.name(),
                blockOffset);
          }
        }
        case 'L' -> longName = TarFields.cString(readSpecialFile(blockOffset));
        case 'K' -> longLink = TarFields.cString(readSpecialFile(blockOffset));
        default -> {
          TarHeader header =
              EntryMerger.merge(raw, pax, longName, longLink, entryOffset, blockOffset, position);
          startData(header.typeflag(), header.size(), blockOffset);
          EntryMerger.checkSupported(header);
          return header;
        }
      }
    }
  }

  /** Sets up the data section the way Go's {@code handleRegularFile} does. */
  private void startData(byte typeflag, long size, long blockOffset) throws TarFormatException {
    long dataSize = isHeaderOnly(typeflag) ? 0 : size;
    if (dataSize < 0) {
      throw new TarFormatException(
          "invalid tar header at uncompressed offset " + blockOffset + ": negative size " + size,
          blockOffset);
    }
    remaining = dataSize;
    padding = (int) (-dataSize & (HeaderBlock.SIZE - 1));
  }

  private static boolean isHeaderOnly(byte typeflag) {
    return typeflag >= '1' && typeflag <= '6';
  }

  private void skipData() throws IOException {
    while (remaining > 0) {
      long skipped = discard(remaining);
      if (skipped < remaining) {
        remaining -= skipped;
        throw truncated("data of " + describeCurrent());
      }
      remaining = 0;
    }
  }

  /** Returns false when the stream ends inside the padding, which Go treats as end of archive. */
  private boolean skipPadding() throws IOException {
    int expected = padding;
    padding = 0;
    return discard(expected) == expected;
  }

  /** Reads and discards up to {@code count} bytes; returns fewer only at end of stream. */
  private long discard(long count) throws IOException {
    if (skipBuffer == null) {
      skipBuffer = new byte[SKIP_BUFFER_SIZE];
    }
    long done = 0;
    while (done < count) {
      // skip() lets a decompressing stream drop bytes without copying them out. It may return 0
      // before the end, so a read distinguishes the end of the stream from a short skip.
      long skipped = in.skip(count - done);
      if (skipped <= 0) {
        int n = in.read(skipBuffer, 0, (int) Math.min(skipBuffer.length, count - done));
        if (n < 0) {
          break;
        }
        skipped = n;
      }
      done += skipped;
      position += skipped;
    }
    return done;
  }

  /**
   * Reads one header block, handling the end-of-archive marker.
   *
   * @return false at the end of the archive
   */
  private boolean readHeaderBlock() throws IOException {
    long blockOffset = position;
    int n = readBlock();
    if (n == 0) {
      return false;
    }
    if (n < HeaderBlock.SIZE) {
      throw truncated("header block at uncompressed offset " + blockOffset);
    }
    if (!HeaderBlock.isZero(block)) {
      return true;
    }

    long secondOffset = position;
    n = readBlock();
    if (n == 0) {
      return false;
    }
    if (n < HeaderBlock.SIZE) {
      throw truncated("end-of-archive block at uncompressed offset " + secondOffset);
    }
    if (HeaderBlock.isZero(block)) {
      return false;
    }
    throw new TarFormatException(
        "invalid tar archive: zero block at uncompressed offset " + blockOffset
            + " is followed by a non-zero block at uncompressed offset " + secondOffset,
        secondOffset);
  }

  private int readBlock() throws IOException {
    int filled = 0;
    while (filled < HeaderBlock.SIZE) {
      int n = in.read(block, filled, HeaderBlock.SIZE - filled);
      if (n < 0) {
        break;
      }
      filled += n;
      position += n;
    }
    return filled;
  }

  /** Reads the whole body of a PAX or GNU long-name entry, as Go's {@code readSpecialFile}. */
  private byte[] readSpecialFile(long blockOffset) throws IOException {
    if (remaining > MAX_SPECIAL_FILE_SIZE) {
      throw new TarFormatException(
          "invalid tar header at uncompressed offset " + blockOffset + ": extended header body of "
              + remaining + " bytes exceeds Go's limit of " + MAX_SPECIAL_FILE_SIZE + " bytes",
          blockOffset);
    }
    byte[] body = new byte[(int) remaining];
    int filled = 0;
    while (filled < body.length) {
      int n = in.read(body, filled, body.length - filled);
      if (n < 0) {
        long bodyOffset = blockOffset + HeaderBlock.SIZE;
        throw truncated("extended header body at uncompressed offset " + bodyOffset);
      }
      filled += n;
      position += n;
      remaining -= n;
    }
    return body;
  }

  private static SortedMap<ByteString, ByteString> parsePax(byte[] body, long blockOffset)
      throws TarFormatException {
    try {
      return PaxRecords.parse(body);
    } catch (IllegalArgumentException e) {
      throw new TarFormatException(
          "invalid PAX header at uncompressed offset " + blockOffset + ": " + e.getMessage(),
          blockOffset);
    }
  }

  private String describeCurrent() {
    return current == null ? "tar entry" : "entry \"" + current.nameText() + "\"";
  }

  private TarFormatException truncated(String region) {
    return new TarFormatException(
        "truncated tar archive: stream ended at uncompressed offset " + position + " inside the "
            + region
            + "; check that the layer blob was downloaded completely",
        position);
  }
}
