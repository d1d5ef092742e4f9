package io.sociindexer.layer;

import io.sociindexer.zlib.ZStream;
import io.sociindexer.zlib.ZlibException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads decompressed bytes from a gzip blob starting at the nearest checkpoint, the way soci's
 * runtime reads a span ({@code extract_data_from_buffer} in soci-snapshotter's {@code
 * ztoc/compression/gzip_zinfo.c}).
 *
 * <p>Raw inflate starts at the checkpoint's {@code in}. When {@code bits} is not 0, the top {@code
 * bits} bits of byte {@code in - 1} are primed first. The checkpoint window is set as the
 * dictionary. When a member ends, the 8-byte trailer and the next gzip header are skipped and raw
 * inflate continues, so reads may cross member boundaries. Used by tests and by verification, so it
 * favours clarity over speed. Methods are stateless and thread-safe as long as callers do not share
 * a channel.
 */
public final class GzipSpanReader {

  private static final int INPUT_CHUNK_SIZE = 64 * 1024;
  private static final int GZIP_TRAILER_SIZE = 8;

  private GzipSpanReader() {}

  /**
   * Reads {@code length} decompressed bytes from {@code uncompressedOffset} of an in-memory blob.
   *
   * @return the bytes read; shorter than {@code length} only when the decompressed data ends first
   * @throws IOException when the data is corrupt or ends inside a member
   */
  public static byte[] read(
      byte[] blob, List<Checkpoint> checkpoints, long uncompressedOffset, int length)
      throws IOException {
    return read(new ArraySource(blob), checkpoints, uncompressedOffset, length);
  }

  /**
   * Reads {@code length} decompressed bytes from {@code uncompressedOffset} of a blob in a channel.
   * The channel's position is changed and the channel is left open.
   *
   * @return the bytes read; shorter than {@code length} only when the decompressed data ends first
   * @throws IOException when reading fails, or the data is corrupt or ends inside a member
   */
  public static byte[] read(
      SeekableByteChannel blob, List<Checkpoint> checkpoints, long uncompressedOffset, int length)
      throws IOException {
    return read(new ChannelSource(blob), checkpoints, uncompressedOffset, length);
  }

  /**
   * Returns the index of the last checkpoint with {@code out <= uncompressedOffset}, which is the
   * span that contains the offset.
   */
  public static int spanIndex(List<Checkpoint> checkpoints, long uncompressedOffset) {
    int index = 0;
    while (index + 1 < checkpoints.size()
        && checkpoints.get(index + 1).out() <= uncompressedOffset) {
      index++;
    }
    return index;
  }

  /**
   * Returns {@code {start, end}}, the compressed byte range of span {@code spanIndex} that soci
   * fetches and hashes: from {@code in} (one byte earlier when {@code bits != 0}) to the next
   * checkpoint's {@code in}, or to {@code compressedSize} for the last span.
   */
  public static long[] spanCompressedRange(
      List<Checkpoint> checkpoints, int spanIndex, long compressedSize) {
    Objects.checkIndex(spanIndex, checkpoints.size());
    Checkpoint checkpoint = checkpoints.get(spanIndex);
    long start = checkpoint.in() - (checkpoint.bits() != 0 ? 1 : 0);
    long end =
        spanIndex + 1 < checkpoints.size() ? checkpoints.get(spanIndex + 1).in() : compressedSize;
    return new long[] {start, end};
  }

  private static byte[] read(
      Source source, List<Checkpoint> checkpoints, long uncompressedOffset, int length)
      throws IOException {
    if (checkpoints.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid checkpoint list: it is empty, but a read needs at least checkpoint 0");
    }
    if (uncompressedOffset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "invalid read of "
              + length
              + " bytes at offset "
              + uncompressedOffset
              + ": both must be non-negative");
    }
    Checkpoint checkpoint = checkpoints.get(spanIndex(checkpoints, uncompressedOffset));
    try (ZStream zstream = ZStream.inflater(ZStream.RAW_WINDOW_BITS)) {
      SpanInflater inflater = new SpanInflater(source, zstream);
      inflater.start(checkpoint);
      return inflater.read(uncompressedOffset - checkpoint.out(), length);
    }
  }

  /** Inflate state for one read: the current compressed position and the native buffers. */
  private static final class SpanInflater {

    private final Source source;
    private final ZStream zstream;
    private final MemorySegment nativeInput;
    private final MemorySegment output;
    private final byte[] heapInput = new byte[INPUT_CHUNK_SIZE];

    /** Compressed offset of the next byte to load into the input buffer. */
    private long position;

    /** Compressed offset just after the bytes currently loaded into the input buffer. */
    private long loadedEnd;

    SpanInflater(Source source, ZStream zstream) {
      this.source = source;
      this.zstream = zstream;
      this.nativeInput = zstream.allocate(INPUT_CHUNK_SIZE);
      this.output = zstream.allocate(Checkpoint.WINDOW_SIZE);
    }

    void start(Checkpoint checkpoint) throws IOException {
      position = checkpoint.in();
      loadedEnd = position;
      zstream.setInput(nativeInput, 0, 0);
      if (checkpoint.bits() != 0) {
        int partial = source.readByte(checkpoint.in() - 1);
        zstream.prime(checkpoint.bits(), partial >> (8 - checkpoint.bits()));
      }
      MemorySegment dictionary = zstream.allocate(Checkpoint.WINDOW_SIZE);
      MemorySegment.copy(
          checkpoint.window(), 0, dictionary, ValueLayout.JAVA_BYTE, 0, Checkpoint.WINDOW_SIZE);
      zstream.setDictionary(dictionary);
    }

    byte[] read(long skip, int length) throws IOException {
      byte[] result = new byte[length];
      int filled = 0;
      while (filled < length) {
        boolean moreInput = position < source.size();
        if (zstream.availIn() == 0 && moreInput) {
          loadInput();
        }
        long wanted = skip > 0 ? skip : length - filled;
        int outputLength = (int) Math.min(Checkpoint.WINDOW_SIZE, wanted);
        zstream.setOutput(output, 0, outputLength);

        int code = inflate();

        int produced = outputLength - zstream.availOut();
        if (code == ZStream.Z_BUF_ERROR && produced == 0 && !moreInput) {
          throw new IOException(
              "truncated gzip blob: compressed data ends at offset "
                  + position
                  + " inside a gzip member");
        }
        if (skip > 0) {
          skip -= produced;
        } else {
          MemorySegment.copy(output, ValueLayout.JAVA_BYTE, 0, result, filled, produced);
          filled += produced;
        }
        if (code == ZStream.Z_STREAM_END && !startNextMember()) {
          break;
        }
      }
      return filled == length ? result : Arrays.copyOf(result, filled);
    }

    private int inflate() throws IOException {
      try {
        return zstream.inflate(ZStream.Z_NO_FLUSH);
      } catch (ZlibException e) {
        long offset = loadedEnd - zstream.availIn();
        throw new ZlibException(
            "invalid gzip data near compressed offset " + offset + ": " + e.getMessage(), e);
      }
    }

    private void loadInput() throws IOException {
      int n = source.read(position, heapInput, heapInput.length);
      if (n <= 0) {
        throw new IOException(
            "failed to read the gzip blob at compressed offset "
                + position
                + ": the source returned no bytes although its size is "
                + source.size());
      }
      MemorySegment.copy(heapInput, 0, nativeInput, ValueLayout.JAVA_BYTE, 0, n);
      zstream.setInput(nativeInput, 0, n);
      position += n;
      loadedEnd = position;
    }

    /**
     * Skips the trailer of the member that just ended and the header of the next one. Returns false
     * when the blob ends after the trailer.
     */
    private boolean startNextMember() throws IOException {
      long trailer = loadedEnd - zstream.availIn();
      long next = trailer + GZIP_TRAILER_SIZE;
      long size = source.size();
      if (next > size) {
        throw new IOException(
            "truncated gzip blob: the member trailer at compressed offset "
                + trailer
                + " needs 8 bytes but the blob ends at "
                + size);
      }
      if (next == size) {
        return false;
      }
      position = next + GzipHeader.length(source, next);
      loadedEnd = position;
      zstream.reset();
      zstream.setInput(nativeInput, 0, 0);
      return true;
    }
  }

  /** Random-access compressed bytes. */
  interface Source {

    long size() throws IOException;

    /** Reads up to {@code length} bytes at {@code position}; returns -1 at the end. */
    int read(long position, byte[] buffer, int length) throws IOException;

    default int readByte(long position) throws IOException {
      byte[] one = new byte[1];
      if (read(position, one, 1) != 1) {
        throw new IOException("truncated gzip blob: no byte at compressed offset " + position);
      }
      return Byte.toUnsignedInt(one[0]);
    }
  }

  private record ArraySource(byte[] blob) implements Source {

    @Override
    public long size() {
      return blob.length;
    }

    @Override
    public int read(long position, byte[] buffer, int length) {
      if (position >= blob.length) {
        return -1;
      }
      int n = (int) Math.min(length, blob.length - position);
      System.arraycopy(blob, (int) position, buffer, 0, n);
      return n;
    }
  }

  private record ChannelSource(SeekableByteChannel channel) implements Source {

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public int read(long position, byte[] buffer, int length) throws IOException {
      channel.position(position);
      ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
      while (target.hasRemaining()) {
        if (channel.read(target) < 0) {
          break;
        }
      }
      return target.position() == 0 ? -1 : target.position();
    }
  }
}
