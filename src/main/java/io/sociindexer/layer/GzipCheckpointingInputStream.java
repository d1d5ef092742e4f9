package io.sociindexer.layer;

import io.sociindexer.oci.Digest;
import io.sociindexer.zlib.ZStream;
import io.sociindexer.zlib.ZlibException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Decompresses a gzip layer blob and, in the same single pass, builds soci's checkpoints, span
 * digests and blob digest.
 *
 * <p>{@code read} returns the decompressed bytes of all gzip members in order. Inflation follows
 * {@code generate_zinfo_from_fp} in soci-snapshotter's {@code ztoc/compression/gzip_zinfo.c}: zlib
 * with {@code windowBits} 47 and {@link ZStream#Z_BLOCK}, so it stops after each gzip header and
 * each deflate block. A checkpoint is recorded at such a stop when the block was not the last of
 * its member and either nothing was output yet or more than {@code spanSize} bytes were output
 * since the previous checkpoint. After a member ends, the next member continues with a reset
 * inflater while the window keeps the previous members' output. zlib is called through {@link
 * ZStream} because {@link java.util.zip.Inflater} cannot stop at block ends or report unused bits.
 *
 * <p>Unlike soci, which also accepts zlib-wrapped data, every member must start with the gzip magic
 * {@code 1f 8b}; soci's tar reader rejects such blobs later anyway. Data after the last member, a
 * truncated member, corrupt deflate data and an empty input raise an {@link IOException} that names
 * the compressed offset.
 *
 * <p>Memory: 32 KiB of window per checkpoint (the checkpoint count is about the decompressed size
 * divided by {@code spanSize}, plus one), a 256 KiB native input buffer, a 288 KiB native output
 * buffer (32 KiB of history and 256 KiB of output), zlib's own state (an estimate of 40 KiB: zlib
 * 1.2.13 allocates about 7 KiB of state plus a 32 KiB window), and what {@link SpanHasher} holds:
 * up to 8 MiB each of queued and of spare chunks and the compressed bytes of the current span.
 * The blob is read once and nothing is written to disk. Both sha256 passes run on the hasher's
 * thread, so they overlap with inflation when a second core is free. The stream is not
 * thread-safe. {@link #close()} closes the wrapped stream, stops the hasher and frees the native
 * memory; callers that stop reading early must close it.
 */
public final class GzipCheckpointingInputStream extends InputStream {

  private static final int INPUT_CHUNK_SIZE = 256 * 1024;
  private static final int WINDOW_SIZE = Checkpoint.WINDOW_SIZE;

  /** Output space per fill, which follows 32 KiB of history in the output buffer. */
  private static final int OUTPUT_AREA_SIZE = 256 * 1024;
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  private final InputStream source;
  private final long spanSize;
  private final ZStream zstream;
  private final MemorySegment nativeInput;
  /**
   * The last {@link #WINDOW_SIZE} bytes of output followed by the output area. It starts zeroed,
   * so before 32 KiB were output the window is zero-padded at the front, as soci's ring is.
   */
  private final MemorySegment output;
  private final byte[] singleByte = new byte[1];

  /** Compressed offset of {@code nativeInput[0]}. */
  private long inputBase;

  private int inputStart;
  private int inputEnd;
  private boolean sourceEnded;

  /** The array of the last short read, reused by the next read instead of a new one. */
  private byte[] shortReadBuffer;

  /** Next write position in {@code output}; never below {@link #WINDOW_SIZE}. */
  private int outputPosition = WINDOW_SIZE;

  private int pendingStart;
  private int pendingEnd;
  private long totalOut;

  private boolean memberStart = true;
  private boolean finished;
  private boolean closed;

  private final List<Checkpoint> checkpoints = new ArrayList<>();
  private final LayerLimits limits;
  private long lastCheckpointOut;
  private final SpanHasher hasher;
  private long compressedSize;
  private GzipIndex result;

  /**
   * Wraps {@code compressed}, which must yield the whole gzip blob from its first byte.
   *
   * @param spanSize a checkpoint needs more than this many decompressed bytes since the previous
   *     one; must be positive
   * @throws ZlibException when zlib cannot be initialized
   */
  public GzipCheckpointingInputStream(InputStream compressed, long spanSize) throws ZlibException {
    this(compressed, spanSize, LayerLimits.none());
  }

  /**
   * Wraps {@code compressed} like {@link #GzipCheckpointingInputStream(InputStream, long)} and
   * raises {@link LayerLimitException} from {@code read}, {@code skip} and {@link #drainToEnd()}
   * as soon as the decompressed size or inflate ratio crosses {@code limits}.
   */
  public GzipCheckpointingInputStream(InputStream compressed, long spanSize, LayerLimits limits)
      throws ZlibException {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.source = Objects.requireNonNull(compressed, "compressed");
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive, got " + spanSize);
    }
    this.spanSize = spanSize;
    this.zstream = ZStream.inflater(ZStream.AUTO_HEADER_WINDOW_BITS);
    this.nativeInput = zstream.allocate(INPUT_CHUNK_SIZE);
    this.output = zstream.allocate(WINDOW_SIZE + OUTPUT_AREA_SIZE);
    this.hasher = new SpanHasher();
  }

  @Override
  public int read() throws IOException {
    int n = read(singleByte, 0, 1);
    return n < 0 ? -1 : Byte.toUnsignedInt(singleByte[0]);
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    ensureOpen();
    if (length == 0) {
      return 0;
    }
    if (!fillPending()) {
      return -1;
    }
    int n = Math.min(length, pendingEnd - pendingStart);
    MemorySegment.copy(output, ValueLayout.JAVA_BYTE, pendingStart, buffer, offset, n);
    pendingStart += n;
    return n;
  }

  @Override
  public int available() {
    return pendingEnd - pendingStart;
  }

  /** Discards up to {@code n} decompressed bytes without copying them; returns 0 at the end. */
  @Override
  public long skip(long n) throws IOException {
    ensureOpen();
    long skipped = 0;
    while (skipped < n && fillPending()) {
      int take = (int) Math.min(n - skipped, pendingEnd - pendingStart);
      pendingStart += take;
      skipped += take;
    }
    return skipped;
  }

  /**
   * Reads and discards the rest of the decompressed data, so that checkpoints and digests cover the
   * whole blob even when the caller stopped reading early.
   *
   * @return number of decompressed bytes discarded
   */
  public long drainToEnd() throws IOException {
    ensureOpen();
    long discarded = 0;
    while (fillPending()) {
      discarded += pendingEnd - pendingStart;
      pendingStart = pendingEnd;
    }
    return discarded;
  }

  /**
   * Returns the checkpoints, span digests, sizes and blob digest.
   *
   * @throws IllegalStateException before the end of the stream was reached; call {@link
   *     #drainToEnd()} first
   */
  public GzipIndex result() {
    if (result == null) {
      throw new IllegalStateException(
          "the gzip stream was not read to its end; call drainToEnd() before result()");
    }
    return result;
  }

  /** Frees the native zlib state and buffers and closes the wrapped stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    hasher.close();
    try {
      zstream.close();
    } finally {
      source.close();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("gzip checkpointing stream is closed");
    }
  }

  /** Inflates until decompressed bytes are pending; returns false at the end of the blob. */
  private boolean fillPending() throws IOException {
    while (pendingStart == pendingEnd) {
      if (finished) {
        return false;
      }
      inflateStep();
    }
    return true;
  }

  private void inflateStep() throws IOException {
    if (memberStart) {
      checkMemberMagic();
      memberStart = false;
    }
    if (inputStart == inputEnd && !readMoreInput()) {
      throw new IOException(
          "truncated gzip blob: input ended at compressed offset "
              + compressedSize
              + " inside a gzip member; the blob is incomplete");
    }
    if (outputPosition == output.byteSize()) {
      keepWindowOnly();
    }

    int code = inflateIntoOutput();
    limits.checkInflated(inputBase + inputStart, totalOut);

    if (code == ZStream.Z_STREAM_END) {
      endMember();
    } else {
      maybeAddCheckpoint();
    }
  }

  /** Moves the last 32 KiB of output to the front of the buffer, making room after it. */
  private void keepWindowOnly() {
    MemorySegment.copy(output, outputPosition - WINDOW_SIZE, output, 0, WINDOW_SIZE);
    outputPosition = WINDOW_SIZE;
  }

  /**
   * Runs one {@code inflate} call and accounts for the consumed and produced bytes.
   *
   * <p>A checkpoint needs a block boundary before any output or after more than {@code spanSize}
   * bytes since the previous checkpoint. Until the output reaches that point, zlib runs with
   * {@link ZStream#Z_NO_FLUSH} and its output is capped there, so it does not stop at every block.
   * From that point on it runs with {@link ZStream#Z_BLOCK} and stops at the next boundary. The
   * checkpoints are the same as with {@code Z_BLOCK} throughout.
   */
  private int inflateIntoOutput() throws IOException {
    int inputLength = inputEnd - inputStart;
    int outputLength = (int) output.byteSize() - outputPosition;
    long threshold = lastCheckpointOut + spanSize;
    int flush = ZStream.Z_BLOCK;
    if (totalOut != 0 && totalOut < threshold) {
      flush = ZStream.Z_NO_FLUSH;
      outputLength = (int) Math.min(outputLength, threshold - totalOut);
    }
    zstream.setInput(nativeInput, inputStart, inputLength);
    zstream.setOutput(output, outputPosition, outputLength);

    int code;
    try {
      code = zstream.inflate(flush);
    } catch (ZlibException e) {
      long offset = inputBase + inputStart + inputLength - zstream.availIn();
      throw new ZlibException(
          "invalid gzip data near compressed offset " + offset + ": " + e.getMessage(), e);
    }

    int consumed = inputLength - zstream.availIn();
    int produced = outputLength - zstream.availOut();
    consumeInput(consumed);
    pendingStart = outputPosition;
    outputPosition += produced;
    pendingEnd = outputPosition;
    totalOut += produced;
    return code;
  }

  private void consumeInput(int consumed) {
    if (consumed == 0) {
      return;
    }
    inputStart += consumed;
  }

  /** Starts the next member when more input exists, else finishes the index. */
  private void endMember() throws IOException {
    if (inputStart < inputEnd || ensureInput(1)) {
      zstream.reset();
      memberStart = true;
      return;
    }
    finished = true;
    SpanHasher.Result digests = hasher.finish();
    result =
        new GzipIndex(
            checkpoints, digests.spanDigests(), compressedSize, digests.blobDigest(), totalOut);
  }

  /** Applies soci's checkpoint rule to the state zlib reported after the last call. */
  private void maybeAddCheckpoint() throws IOException {
    int dataType = zstream.dataType();
    boolean atBlockBoundary = (dataType & 128) != 0;
    boolean afterLastBlock = (dataType & 64) != 0;
    if (!atBlockBoundary || afterLastBlock) {
      return;
    }
    if (totalOut != 0 && totalOut - lastCheckpointOut <= spanSize) {
      return;
    }

    int bits = dataType & 7;
    checkpoints.add(new Checkpoint(inputBase + inputStart, totalOut, bits, copyWindow()));
    lastCheckpointOut = totalOut;
    hasher.startSpan(inputBase + inputStart, bits != 0);
  }

  /** Copies the 32 KiB before the current output position, oldest byte first. */
  private byte[] copyWindow() {
    byte[] window = new byte[WINDOW_SIZE];
    int start = outputPosition - WINDOW_SIZE;
    MemorySegment.copy(output, ValueLayout.JAVA_BYTE, start, window, 0, WINDOW_SIZE);
    return window;
  }

  private void checkMemberMagic() throws IOException {
    boolean complete = ensureInput(2);
    long offset = inputBase + inputStart;
    boolean magic =
        complete
            && inputByte(inputStart) == GZIP_MAGIC_1
            && inputByte(inputStart + 1) == GZIP_MAGIC_2;
    if (magic) {
      return;
    }
    if (offset == 0 && inputStart == inputEnd) {
      throw new IOException("empty input: a gzip blob needs at least one gzip member");
    }
    if (offset == 0 && complete && isZlibHeader()) {
      throw new IOException(
          "not a gzip blob: it starts with a zlib header ("
              + hexAt(inputStart, 2)
              + ") instead of the gzip magic 1f8b");
    }
    if (offset == 0) {
      throw new IOException(
          "not a gzip blob: expected the gzip magic 1f8b at offset 0, found "
              + hexAt(inputStart, Math.min(2, inputEnd - inputStart)));
    }
    throw new IOException(
        "invalid data after the gzip member that ends at compressed offset "
            + offset
            + ": expected the gzip magic 1f8b of another member, found "
            + hexAt(inputStart, Math.min(2, inputEnd - inputStart)));
  }

  private boolean isZlibHeader() {
    int cmf = inputByte(inputStart);
    int flg = inputByte(inputStart + 1);
    return (cmf & 0x0f) == 8 && (cmf * 256 + flg) % 31 == 0;
  }

  private int inputByte(int position) {
    return Byte.toUnsignedInt(nativeInput.get(ValueLayout.JAVA_BYTE, position));
  }

  private String hexAt(int position, int length) {
    byte[] bytes = nativeInput.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Makes at least {@code count} unconsumed bytes available, moving leftover bytes to the front of
   * the buffer when needed. Returns false when the blob ends first.
   */
  private boolean ensureInput(int count) throws IOException {
    if (inputEnd - inputStart >= count) {
      return true;
    }
    compactInput();
    while (inputEnd - inputStart < count) {
      if (!readMoreInput()) {
        return false;
      }
    }
    return true;
  }

  private void compactInput() {
    int remaining = inputEnd - inputStart;
    MemorySegment.copy(nativeInput, inputStart, nativeInput, 0, remaining);
    inputBase += inputStart;
    inputStart = 0;
    inputEnd = remaining;
  }

  /** Appends bytes from the source after {@code inputEnd}; returns false at its end. */
  private boolean readMoreInput() throws IOException {
    if (sourceEnded) {
      return false;
    }
    if (inputStart == inputEnd) {
      inputBase += inputEnd;
      inputStart = 0;
      inputEnd = 0;
    } else if (inputEnd == INPUT_CHUNK_SIZE) {
      compactInput();
    }
    // The bytes are read into an array the hasher owns afterwards, so they are not copied for it.
    int space = INPUT_CHUNK_SIZE - inputEnd;
    byte[] chunk = shortReadBuffer != null ? shortReadBuffer : hasher.borrowBuffer(INPUT_CHUNK_SIZE);
    shortReadBuffer = null;
    int n = source.read(chunk, 0, space);
    while (n == 0) {
      n = source.read(chunk, 0, space);
    }
    if (n < 0) {
      shortReadBuffer = chunk;
      sourceEnded = true;
      return false;
    }
    MemorySegment.copy(chunk, 0, nativeInput, ValueLayout.JAVA_BYTE, inputEnd, n);
    handToHasher(chunk, n);
    inputEnd += n;
    compressedSize += n;
    return true;
  }

  /**
   * Hands the first {@code n} bytes of {@code chunk} to the hasher. The hasher keeps every chunk of
   * the open span until the span ends, so a short read (a network source often returns a few KiB)
   * gets a copy of its own size, and the large array is kept for the next read. Without that,
   * each layer could hold hundreds of mostly empty 256 KiB arrays per span.
   */
  private void handToHasher(byte[] chunk, int n) throws IOException {
    if (n >= chunk.length / 4) {
      hasher.chunk(chunk, 0, n);
      return;
    }
    hasher.chunk(Arrays.copyOf(chunk, n), 0, n);
    shortReadBuffer = chunk;
  }
}
