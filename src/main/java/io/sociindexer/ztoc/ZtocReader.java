package io.sociindexer.ztoc;

import io.sociindexer.oci.Digest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Parser of soci's {@code ztoc.fbs} flatbuffer back into a {@link Ztoc}, with the checks soci's
 * {@code Unmarshal} makes: entries are sorted by uncompressed offset, and each entry's tar header
 * offset (the previous entry's data end rounded up to 512) must not lie after its data offset.
 * Every read is bounds-checked, so corrupt input raises {@link ZtocFormatException} rather than an
 * unchecked exception.
 */
public final class ZtocReader {

  private static final int TAR_BLOCK_SIZE = 512;

  private ZtocReader() {}

  /**
   * Parses a serialized zTOC.
   *
   * @throws ZtocFormatException when the bytes are not a valid zTOC or the entry offsets overlap
   */
  public static Ztoc parse(byte[] bytes) throws ZtocFormatException {
    Ztoc ztoc;
    try {
      ztoc = read(new FlatTable(bytes));
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new ZtocFormatException(
          "invalid zTOC flatbuffer of " + bytes.length + " bytes: " + e.getMessage(), e);
    }
    List<FileMetadata> sorted = new ArrayList<>(ztoc.entries());
    sorted.sort(Comparator.comparingLong(FileMetadata::uncompressedOffset));
    tarHeaderOffsets(sorted);
    return new Ztoc(
        ztoc.version(),
        ztoc.buildToolIdentifier(),
        ztoc.compressedArchiveSize(),
        ztoc.uncompressedArchiveSize(),
        sorted,
        ztoc.compressionInfo());
  }

  /**
   * Returns the tar header offset soci derives for each entry: 0 for the first, then the previous
   * entry's {@code uncompressedOffset + uncompressedSize} rounded up to a multiple of 512.
   *
   * @param entries entries sorted by uncompressed offset
   * @throws ZtocFormatException when an entry's offset lies before its derived header offset
   */
  public static long[] tarHeaderOffsets(List<FileMetadata> entries) throws ZtocFormatException {
    long[] offsets = new long[entries.size()];
    long next = 0;
    for (int i = 0; i < entries.size(); i++) {
      FileMetadata entry = entries.get(i);
      if (next > entry.uncompressedOffset()) {
        throw new ZtocFormatException(
            "invalid zTOC entry \"" + entry.nameText() + "\": uncompressed offset "
                + entry.uncompressedOffset() + " lies before the end of the previous entry's data "
                + "at " + next);
      }
      offsets[i] = next;
      long end = entry.uncompressedOffset() + entry.uncompressedSize();
      next = (end + TAR_BLOCK_SIZE - 1) & -TAR_BLOCK_SIZE;
    }
    return offsets;
  }

  private static Ztoc read(FlatTable root) throws ZtocFormatException {
    FlatTable toc = root.table(4);
    FlatTable info = root.table(5);
    List<FileMetadata> entries = new ArrayList<>();
    if (toc != null) {
      int count = toc.vectorLength(0);
      for (int i = 0; i < count; i++) {
        entries.add(readFileMetadata(toc.vectorTable(0, i)));
      }
    }
    return new Ztoc(
        root.string(0),
        root.string(1),
        root.int64(2),
        root.int64(3),
        entries,
        readCompressionInfo(info));
  }

  private static FileMetadata readFileMetadata(FlatTable table) {
    SortedMap<ByteString, ByteString> records = new TreeMap<>();
    int count = table.vectorLength(13);
    for (int i = 0; i < count; i++) {
      FlatTable xattr = table.vectorTable(13, i);
      records.put(ByteString.of(xattr.bytes(0)), ByteString.of(xattr.bytes(1)));
    }
    return new FileMetadata(
        table.bytes(0),
        table.string(1),
        table.int64(2),
        table.int64(3),
        table.bytes(4),
        table.int64(5),
        table.int32(6),
        table.int32(7),
        table.bytes(8),
        table.bytes(9),
        table.string(10),
        table.int64(11),
        table.int64(12),
        records);
  }

  private static CompressionInfo readCompressionInfo(FlatTable info) throws ZtocFormatException {
    if (info == null) {
      throw new ZtocFormatException("invalid zTOC: compression_info is missing");
    }
    byte algorithmValue = info.int8(0, (byte) 1);
    CompressionInfo.Algorithm algorithm = null;
    for (CompressionInfo.Algorithm candidate : CompressionInfo.Algorithm.values()) {
      if (candidate.value() == algorithmValue) {
        algorithm = candidate;
      }
    }
    if (algorithm == null) {
      throw new ZtocFormatException(
          "invalid zTOC: unknown compression_algorithm value " + algorithmValue
              + "; soci knows 1 (gzip) and 2 (uncompressed)");
    }

    List<Digest> digests = new ArrayList<>();
    int count = info.vectorLength(2);
    for (int i = 0; i < count; i++) {
      digests.add(Digest.parse(info.vectorString(2, i)));
    }
    return new CompressionInfo(algorithm, info.int32(1), digests, info.byteVector(3));
  }

  /** Bounds-checked view of one flatbuffer table. */
  static final class FlatTable {
    private final ByteBuffer buffer;
    private final int position;
    private final int vtable;
    private final int vtableSize;

    FlatTable(byte[] bytes) {
      this(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, true);
    }

    private FlatTable(ByteBuffer buffer, int offsetPosition, boolean indirect) {
      this.buffer = buffer;
      this.position = indirect ? offsetPosition + buffer.getInt(offsetPosition) : offsetPosition;
      this.vtable = position - buffer.getInt(position);
      this.vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
    }

    /** Returns the absolute position of a field, or 0 when the field is absent. */
    private int field(int slot) {
      int entry = 4 + 2 * slot;
      if (entry >= vtableSize) {
        return 0;
      }
      int relative = Short.toUnsignedInt(buffer.getShort(vtable + entry));
      return relative == 0 ? 0 : position + relative;
    }

    FlatTable table(int slot) {
      int at = field(slot);
      return at == 0 ? null : new FlatTable(buffer, at, true);
    }

    long int64(int slot) {
      int at = field(slot);
      return at == 0 ? 0 : buffer.getLong(at);
    }

    int int32(int slot) {
      int at = field(slot);
      return at == 0 ? 0 : buffer.getInt(at);
    }

    byte int8(int slot, byte defaultValue) {
      int at = field(slot);
      return at == 0 ? defaultValue : buffer.get(at);
    }

    byte[] bytes(int slot) {
      int at = field(slot);
      return at == 0 ? new byte[0] : vectorBytes(at + buffer.getInt(at));
    }

    String string(int slot) {
      return new String(bytes(slot), StandardCharsets.UTF_8);
    }

    byte[] byteVector(int slot) {
      return bytes(slot);
    }

    int vectorLength(int slot) {
      int at = field(slot);
      return at == 0 ? 0 : checkedLength(at + buffer.getInt(at), 4);
    }

    FlatTable vectorTable(int slot, int index) {
      int element = vectorElement(slot, index);
      return new FlatTable(buffer, element, true);
    }

    String vectorString(int slot, int index) {
      int element = vectorElement(slot, index);
      return new String(vectorBytes(element + buffer.getInt(element)), StandardCharsets.UTF_8);
    }

    private int vectorElement(int slot, int index) {
      int at = field(slot);
      int vector = at + buffer.getInt(at);
      return vector + 4 + 4 * index;
    }

    private byte[] vectorBytes(int vector) {
      int length = checkedLength(vector, 1);
      byte[] result = new byte[length];
      buffer.get(vector + 4, result);
      return result;
    }

    private int checkedLength(int vector, int elementSize) {
      int length = buffer.getInt(vector);
      if (length < 0 || (long) length * elementSize > buffer.capacity() - vector - 4L) {
        throw new IndexOutOfBoundsException(
            "vector at " + vector + " claims " + length + " elements beyond the buffer end");
      }
      return length;
    }
  }
}
