package io.sociindexer.layer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes soci's gzip zinfo blob, the {@code checkpoints} bytes of a gzip zTOC.
 *
 * <p>Layout, little-endian and packed: int32 checkpoint count {@code N}, int64 span size, then
 * {@code N} records of int64 {@code in}, int64 {@code out}, uint8 {@code bits} and the 32 KiB
 * window. A version 2 blob is therefore {@code 12 + N * 32785} bytes. Legacy version 1 blobs store
 * the same count but omit checkpoint 0, which readers rebuild as {@code in=10, out=0, bits=0} with
 * a zero window. This mirrors {@code zinfo_to_blob} and {@code blob_to_zinfo} in soci-snapshotter's
 * {@code ztoc/compression/gzip_zinfo.c}.
 */
public final class Zinfo {

  /** Legacy layout that omits checkpoint 0. */
  public static final int VERSION_ONE = 1;

  /** Current layout that stores every checkpoint. */
  public static final int VERSION_TWO = 2;

  /** Bytes before the first checkpoint: the count and the span size. */
  public static final int HEADER_SIZE = 4 + 8;

  /** Bytes per checkpoint: {@code in}, {@code out}, {@code bits} and the window. */
  public static final int CHECKPOINT_SIZE = 8 + 8 + 1 + Checkpoint.WINDOW_SIZE;

  /** Compressed offset that version 1 readers assume for checkpoint 0: a plain 10-byte header. */
  private static final long VERSION_ONE_FIRST_IN = 10;

  private Zinfo() {}

  /**
   * Encodes {@code checkpoints} as a version 2 blob.
   *
   * @throws IllegalArgumentException when the list is empty, a window is not 32 KiB, {@code bits}
   *     is outside 0 to 7, or the blob would exceed the maximum Java array size
   */
  public static byte[] toBlob(List<Checkpoint> checkpoints, long spanSize) {
    ByteBuffer blob = ByteBuffer.allocate(blobSize(checkpoints));
    writeBlob(checkpoints, spanSize, blob);
    return blob.array();
  }

  /**
   * Encodes {@code checkpoints} as a version 2 blob into native memory of {@code arena}, so that
   * the blob does not take Java heap; it stays valid until the arena is closed. The bytes are the
   * same as {@link #toBlob}'s.
   *
   * @throws IllegalArgumentException as {@link #toBlob} does
   */
  public static MemorySegment toSegment(List<Checkpoint> checkpoints, long spanSize, Arena arena) {
    MemorySegment blob = arena.allocate(blobSize(checkpoints));
    writeBlob(checkpoints, spanSize, blob.asByteBuffer());
    return blob;
  }

  /**
   * Returns the size of the version 2 blob of {@code checkpoints}.
   *
   * @throws IllegalArgumentException when the list is empty or the blob would exceed the maximum
   *     Java array size, which is also the limit of a flatbuffer vector
   */
  private static int blobSize(List<Checkpoint> checkpoints) {
    if (checkpoints.isEmpty()) {
      throw new IllegalArgumentException("cannot encode a zinfo blob without checkpoints");
    }
    long size = HEADER_SIZE + (long) checkpoints.size() * CHECKPOINT_SIZE;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          checkpoints.size()
              + " checkpoints need "
              + size
              + " bytes, more than a Java array holds; use a larger span size");
    }
    return (int) size;
  }

  /** Writes the blob from the target's position; the target has room for {@link #blobSize}. */
  private static void writeBlob(List<Checkpoint> checkpoints, long spanSize, ByteBuffer target) {
    ByteBuffer blob = target.order(ByteOrder.LITTLE_ENDIAN);
    blob.putInt(checkpoints.size());
    blob.putLong(spanSize);
    for (int i = 0; i < checkpoints.size(); i++) {
      putCheckpoint(blob, checkpoints.get(i), i);
    }
  }

  /**
   * Decodes a version 2 or version 1 blob; the version follows from the length, as in soci.
   *
   * @throws IllegalArgumentException when the length fits neither version for the stored count
   */
  public static ZinfoCheckpoints fromBlob(byte[] blob) {
    if (blob.length < HEADER_SIZE) {
      throw new IllegalArgumentException(
          "invalid zinfo blob: "
              + blob.length
              + " bytes is shorter than the "
              + HEADER_SIZE
              + "-byte header");
    }
    ByteBuffer buffer = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    int count = buffer.getInt();
    long spanSize = buffer.getLong();
    int version = versionFromLength(blob.length, count);

    List<Checkpoint> checkpoints = new ArrayList<>(count);
    if (version == VERSION_ONE) {
      checkpoints.add(new Checkpoint(VERSION_ONE_FIRST_IN, 0, 0, new byte[Checkpoint.WINDOW_SIZE]));
    }
    while (checkpoints.size() < count) {
      checkpoints.add(getCheckpoint(buffer));
    }
    return new ZinfoCheckpoints(version, spanSize, checkpoints);
  }

  private static int versionFromLength(int length, int count) {
    long current = HEADER_SIZE + (long) count * CHECKPOINT_SIZE;
    if (count > 0 && length == current) {
      return VERSION_TWO;
    }
    if (count > 0 && length == current - CHECKPOINT_SIZE) {
      return VERSION_ONE;
    }
    throw new IllegalArgumentException(
        "invalid zinfo blob: "
            + length
            + " bytes does not match "
            + count
            + " checkpoints (expected "
            + current
            + " bytes, or "
            + (current - CHECKPOINT_SIZE)
            + " for a version 1 blob)");
  }

  private static void putCheckpoint(ByteBuffer blob, Checkpoint checkpoint, int index) {
    if (checkpoint.window().length != Checkpoint.WINDOW_SIZE) {
      throw new IllegalArgumentException(
          "checkpoint "
              + index
              + " has a "
              + checkpoint.window().length
              + "-byte window; expected "
              + Checkpoint.WINDOW_SIZE);
    }
    if (checkpoint.bits() < 0 || checkpoint.bits() > 7) {
      throw new IllegalArgumentException(
          "checkpoint " + index + " has bits " + checkpoint.bits() + "; expected 0 to 7");
    }
    blob.putLong(checkpoint.in());
    blob.putLong(checkpoint.out());
    blob.put((byte) checkpoint.bits());
    blob.put(checkpoint.window());
  }

  private static Checkpoint getCheckpoint(ByteBuffer buffer) {
    long in = buffer.getLong();
    long out = buffer.getLong();
    int bits = Byte.toUnsignedInt(buffer.get());
    byte[] window = new byte[Checkpoint.WINDOW_SIZE];
    buffer.get(window);
    return new Checkpoint(in, out, bits, window);
  }
}
