package io.sociindexer.ztoc;

import com.google.flatbuffers.FlatBufferBuilder;
import io.sociindexer.oci.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * soci's zinfo for uncompressed tar layers: a separate {@code zinfo.fbs} flatbuffer stored as the
 * {@code checkpoints} bytes of the zTOC. The layer is cut into fixed windows of {@code spanSize}
 * bytes, and compressed and uncompressed offsets are the same.
 *
 * @param version format version, {@link #VERSION} when written by this class
 * @param spanSize span size in bytes
 * @param size size of the layer blob in bytes
 */
public record TarZinfo(int version, long spanSize, long size) {

  /** Version soci writes, shared with its gzip zinfo format. */
  public static final int VERSION = 2;

  private static final int FIELDS = 3;

  public TarZinfo {
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive but was " + spanSize);
    }
    if (size < 0) {
      throw new IllegalArgumentException("blob size must not be negative but was " + size);
    }
  }

  /**
   * Serializes a version 2 TarZinfo in the builder order of soci's {@code TarZinfo.Bytes}:
   * version (slot 0), span size (slot 1), size (slot 2).
   */
  public static byte[] serialize(long spanSize, long blobSize) {
    return new TarZinfo(VERSION, spanSize, blobSize).toBytes();
  }

  /** Returns the flatbuffer bytes of this zinfo. */
  public byte[] toBytes() {
    FlatBufferBuilder builder = new FlatBufferBuilder(64);
    builder.startTable(FIELDS);
    builder.addInt(0, version, 0);
    builder.addLong(1, spanSize, 0);
    builder.addLong(2, size, 0);
    int root = builder.endTable();
    builder.finish(root);
    return builder.sizedByteArray();
  }

  /**
   * Parses a serialized TarZinfo.
   *
   * @throws ZtocFormatException when the bytes are not a valid TarZinfo flatbuffer
   */
  public static TarZinfo parse(byte[] bytes) throws ZtocFormatException {
    try {
      ZtocReader.FlatTable table = new ZtocReader.FlatTable(bytes);
      return new TarZinfo(table.int32(0), table.int64(1), table.int64(2));
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new ZtocFormatException(
          "invalid TarZinfo flatbuffer of " + bytes.length + " bytes: " + e.getMessage(), e);
    }
  }

  /** Returns the last span index: the span count minus one, so -1 for an empty blob. */
  public static int maxSpanId(long spanSize, long size) {
    long spans = size / spanSize;
    if (size % spanSize == 0) {
      spans--;
    }
    return Math.toIntExact(spans);
  }

  /**
   * Returns the byte range {@code {start, end}} of each span: {@code [i * spanSize, min((i + 1) *
   * spanSize, size))}.
   */
  public static List<long[]> spans(long spanSize, long size) {
    int maxSpanId = maxSpanId(spanSize, size);
    List<long[]> spans = new ArrayList<>(maxSpanId + 1);
    for (long i = 0; i <= maxSpanId; i++) {
      long start = i * spanSize;
      spans.add(new long[] {start, Math.min(start + spanSize, size)});
    }
    return spans;
  }

  /**
   * Builds the compression info of an uncompressed layer.
   *
   * @param spanDigests sha256 of each span's bytes, one per element of {@link #spans}
   * @throws IllegalArgumentException when the digest count does not match the span count
   */
  public static CompressionInfo forUncompressed(long spanSize, long size, List<Digest> spanDigests) {
    int maxSpanId = maxSpanId(spanSize, size);
    if (spanDigests.size() != maxSpanId + 1) {
      throw new IllegalArgumentException(
          "uncompressed layer of " + size + " bytes has " + (maxSpanId + 1) + " spans of "
              + spanSize + " bytes but " + spanDigests.size() + " span digests were given");
    }
    return new CompressionInfo(
        CompressionInfo.Algorithm.UNCOMPRESSED, maxSpanId, spanDigests, serialize(spanSize, size));
  }
}
