package io.sociindexer.ztoc;

import com.google.flatbuffers.FlatBufferBuilder;
import io.sociindexer.oci.Digest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Serializer of a {@link Ztoc} into soci's {@code ztoc.fbs} flatbuffer, byte for byte as soci's Go
 * marshaler writes it.
 *
 * <p>Flatbuffer bytes depend on the order of builder calls, so the tables are built by hand in the
 * order of soci's {@code ztocToFlatbuffer}: entries last to first, every string created even when
 * empty, PAX records sorted as unsigned bytes, scalars equal to their default left out, and the
 * compression algorithm added last. The flatc-generated {@code createXxx} helpers add fields
 * largest first and would change the layout. Strings are written from raw bytes, so names and PAX
 * values that are not UTF-8 survive unchanged.
 */
public final class ZtocWriter {

  // Slots (field indexes in ztoc.fbs) of each table.
  private static final int ZTOC_FIELDS = 6;
  private static final int ZTOC_VERSION = 0;
  private static final int ZTOC_BUILD_TOOL = 1;
  private static final int ZTOC_COMPRESSED_SIZE = 2;
  private static final int ZTOC_UNCOMPRESSED_SIZE = 3;
  private static final int ZTOC_TOC = 4;
  private static final int ZTOC_COMPRESSION_INFO = 5;

  private static final int TOC_FIELDS = 1;
  private static final int TOC_METADATA = 0;

  private static final int INFO_FIELDS = 4;
  private static final int INFO_ALGORITHM = 0;
  private static final int INFO_MAX_SPAN_ID = 1;
  private static final int INFO_SPAN_DIGESTS = 2;
  private static final int INFO_CHECKPOINTS = 3;

  /** Default of {@code compression_algorithm} in ztoc.fbs: Gzip. */
  private static final byte DEFAULT_ALGORITHM = 1;

  private static final int FILE_FIELDS = 14;
  private static final int XATTR_FIELDS = 2;

  private static final int OFFSET_SIZE = 4;

  /** Bytes of one entry besides its strings: table, vtable share, string headers and padding. */
  private static final int ENTRY_OVERHEAD = 112;

  private static final int XATTR_OVERHEAD = 32;

  /** Largest Java array, and so the largest zTOC. */
  private static final long MAX_SIZE = Integer.MAX_VALUE - 8;

  private ZtocWriter() {}

  /**
   * Serializes the zTOC. The zTOC digest is the sha256 of the returned bytes.
   *
   * @throws IllegalArgumentException when the result would exceed the 2 GiB flatbuffer limit
   */
  public static byte[] serialize(Ztoc ztoc) {
    return serialize(ztoc, MemorySegment.ofArray(ztoc.compressionInfo().checkpoints()));
  }

  /**
   * Serializes the zTOC with {@code checkpoints} as the bytes of its {@code checkpoints} field,
   * for a caller that keeps a large gzip zinfo blob off the Java heap. The result is the same as
   * {@link #serialize(Ztoc)} of the zTOC whose compression info contains these bytes.
   *
   * <p>Memory: the returned array is the only heap buffer of the zTOC's size; the builder works in
   * native memory that is freed before this returns.
   *
   * @param ztoc the zTOC; its {@code compressionInfo().checkpoints()} must be empty, or hold
   *     exactly the bytes of {@code checkpoints}
   * @throws IllegalArgumentException when the zTOC contains other checkpoint bytes, or the result
   *     would exceed the 2 GiB flatbuffer limit
   */
  public static byte[] serialize(Ztoc ztoc, MemorySegment checkpoints) {
    requireSameCheckpoints(ztoc.compressionInfo().checkpoints(), checkpoints);
    if (checkpoints.byteSize() > MAX_SIZE) {
      throw tooLarge(ztoc, checkpoints.byteSize(), null);
    }
    try {
      return build(ztoc, checkpoints);
    } catch (AssertionError e) {
      // FlatBufferBuilder signals a buffer that cannot grow past 2 GiB with an AssertionError.
      throw tooLarge(ztoc, checkpoints.byteSize(), e);
    }
  }

  private static void requireSameCheckpoints(byte[] stored, MemorySegment checkpoints) {
    boolean same =
        stored.length == checkpoints.byteSize()
            && MemorySegment.mismatch(
                    MemorySegment.ofArray(stored), 0, stored.length, checkpoints, 0, stored.length)
                < 0;
    if (stored.length != 0 && !same) {
      throw new IllegalArgumentException(
          "the zTOC's compression info contains " + stored.length + " checkpoint bytes that differ"
              + " from the " + checkpoints.byteSize() + " bytes given; pass an empty array in"
              + " the compression info when the checkpoints are given separately");
    }
  }

  private static IllegalArgumentException tooLarge(Ztoc ztoc, long checkpointBytes, Throwable e) {
    return new IllegalArgumentException(
        "zTOC with " + ztoc.entries().size() + " entries and " + checkpointBytes
            + " checkpoint bytes exceeds the 2 GiB flatbuffer limit; use a larger span size",
        e);
  }

  /**
   * Builds the zTOC in native memory and copies it once into the returned array, so that the heap
   * contains the zTOC once however often the builder grows. The builder's own buffer cannot be
   * returned: {@code finish} reserves alignment bytes it does not fill, so an exactly sized
   * buffer would still double.
   */
  private static byte[] build(Ztoc ztoc, MemorySegment checkpoints) {
    // An estimate an eighth above the entries' share usually keeps the builder from growing, which
    // would double its native buffer and copy it.
    long tocSize = estimateTocSize(ztoc);
    long estimate = checkpoints.byteSize() + tocSize + tocSize / 8;
    try (Arena arena = Arena.ofConfined()) {
      FlatBufferBuilder builder =
          new FlatBufferBuilder((int) Math.min(estimate, MAX_SIZE), nativeBuffers(arena));
      write(builder, ztoc, checkpoints);
      return builder.sizedByteArray();
    }
  }

  /**
   * Returns a factory of little-endian buffers in {@code arena}. A buffer the builder outgrows
   * stays allocated until the arena closes.
   */
  private static FlatBufferBuilder.ByteBufferFactory nativeBuffers(Arena arena) {
    return new FlatBufferBuilder.ByteBufferFactory() {
      @Override
      public ByteBuffer newByteBuffer(int capacity) {
        return arena.allocate(capacity).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      }
    };
  }

  /** Writes the zTOC in soci's builder order, with {@code checkpoints} as the checkpoint bytes. */
  private static void write(FlatBufferBuilder builder, Ztoc ztoc, MemorySegment checkpoints) {
    int version = builder.createString(ztoc.version());
    int buildTool = builder.createString(ztoc.buildToolIdentifier());
    int toc = writeToc(builder, ztoc.entries());
    int compressionInfo =
        writeCompressionInfo(builder, ztoc.compressionInfo(), checkpoints);

    builder.startTable(ZTOC_FIELDS);
    builder.addOffset(ZTOC_VERSION, version, 0);
    builder.addOffset(ZTOC_BUILD_TOOL, buildTool, 0);
    builder.addOffset(ZTOC_TOC, toc, 0);
    builder.addLong(ZTOC_COMPRESSED_SIZE, ztoc.compressedArchiveSize(), 0);
    builder.addLong(ZTOC_UNCOMPRESSED_SIZE, ztoc.uncompressedArchiveSize(), 0);
    builder.addOffset(ZTOC_COMPRESSION_INFO, compressionInfo, 0);
    int root = builder.endTable();
    builder.finish(root);
  }

  /**
   * Estimates the serialized size without the checkpoint bytes. The estimate only sets the
   * builder's initial capacity, never the bytes written.
   */
  private static long estimateTocSize(Ztoc ztoc) {
    long size = 1024L + 80L * ztoc.compressionInfo().spanDigests().size();
    for (FileMetadata entry : ztoc.entries()) {
      size += estimateSize(entry);
    }
    return size;
  }

  /** Estimates the bytes one entry takes in the serialized zTOC. */
  static long estimateSize(FileMetadata entry) {
    long size = ENTRY_OVERHEAD + entry.name().length + entry.linkname().length
        + entry.uname().length + entry.gname().length + entry.modTime().length();
    for (Map.Entry<ByteString, ByteString> record : entry.paxRecords().entrySet()) {
      size += XATTR_OVERHEAD + record.getKey().length() + record.getValue().length();
    }
    return size;
  }

  private static int writeToc(FlatBufferBuilder builder, List<FileMetadata> entries) {
    int[] offsets = new int[entries.size()];
    for (int i = entries.size() - 1; i >= 0; i--) {
      offsets[i] = writeFileMetadata(builder, entries.get(i));
    }
    int metadata = writeOffsetVector(builder, offsets);

    builder.startTable(TOC_FIELDS);
    builder.addOffset(TOC_METADATA, metadata, 0);
    return builder.endTable();
  }

  private static int writeFileMetadata(FlatBufferBuilder builder, FileMetadata entry) {
    int name = createString(builder, entry.name());
    int type = builder.createString(entry.type());
    int linkname = createString(builder, entry.linkname());
    int uname = createString(builder, entry.uname());
    int gname = createString(builder, entry.gname());
    int modTime = builder.createString(entry.modTime());
    int xattrs = writeXattrs(builder, entry.paxRecords());

    builder.startTable(FILE_FIELDS);
    builder.addOffset(0, name, 0);
    builder.addOffset(1, type, 0);
    builder.addLong(2, entry.uncompressedOffset(), 0);
    builder.addLong(3, entry.uncompressedSize(), 0);
    builder.addOffset(4, linkname, 0);
    builder.addLong(5, entry.mode(), 0);
    builder.addInt(6, entry.uid(), 0);
    builder.addInt(7, entry.gid(), 0);
    builder.addOffset(8, uname, 0);
    builder.addOffset(9, gname, 0);
    builder.addOffset(10, modTime, 0);
    builder.addLong(11, entry.devmajor(), 0);
    builder.addLong(12, entry.devminor(), 0);
    builder.addOffset(13, xattrs, 0);
    return builder.endTable();
  }

  /** Writes the PAX records; the map's unsigned-byte order is the order Go's sort.Strings gives. */
  private static int writeXattrs(FlatBufferBuilder builder, Map<ByteString, ByteString> records) {
    int[] offsets = new int[records.size()];
    int i = 0;
    for (Map.Entry<ByteString, ByteString> record : records.entrySet()) {
      int key = createString(builder, record.getKey().toByteArray());
      int value = createString(builder, record.getValue().toByteArray());
      builder.startTable(XATTR_FIELDS);
      builder.addOffset(0, key, 0);
      builder.addOffset(1, value, 0);
      offsets[i++] = builder.endTable();
    }
    return writeOffsetVector(builder, offsets);
  }

  private static int writeCompressionInfo(
      FlatBufferBuilder builder, CompressionInfo info, MemorySegment checkpointBytes) {
    // Fills the vector in place: the same bytes createByteVector writes, without a heap copy.
    long length = checkpointBytes.byteSize();
    ByteBuffer vector = builder.createUnintializedVector(1, Math.toIntExact(length), 1);
    MemorySegment.copy(checkpointBytes, 0, MemorySegment.ofBuffer(vector), 0, length);
    int checkpoints = builder.endVector();

    List<Digest> digests = info.spanDigests();
    int[] digestOffsets = new int[digests.size()];
    for (int i = 0; i < digests.size(); i++) {
      digestOffsets[i] = builder.createString(digests.get(i).toString());
    }
    int spanDigests = writeOffsetVector(builder, digestOffsets);

    builder.startTable(INFO_FIELDS);
    builder.addInt(INFO_MAX_SPAN_ID, info.maxSpanId(), 0);
    builder.addOffset(INFO_SPAN_DIGESTS, spanDigests, 0);
    builder.addOffset(INFO_CHECKPOINTS, checkpoints, 0);
    builder.addByte(INFO_ALGORITHM, info.algorithm().value(), DEFAULT_ALGORITHM);
    return builder.endTable();
  }

  /** Writes a vector of offsets; elements are prepended last to first, as Go does. */
  private static int writeOffsetVector(FlatBufferBuilder builder, int[] offsets) {
    builder.startVector(OFFSET_SIZE, offsets.length, OFFSET_SIZE);
    for (int i = offsets.length - 1; i >= 0; i--) {
      builder.addOffset(offsets[i]);
    }
    return builder.endVector();
  }

  private static int createString(FlatBufferBuilder builder, byte[] bytes) {
    return builder.createString(ByteBuffer.wrap(bytes));
  }
}
