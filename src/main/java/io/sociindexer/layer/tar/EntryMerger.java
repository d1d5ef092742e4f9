package io.sociindexer.layer.tar;

import io.sociindexer.ztoc.ByteString;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Applies PAX records and GNU long names to a header block, as Go 1.25 {@code archive/tar} does
 * before returning an entry, and decides whether soci can index the result.
 */
final class EntryMerger {

  private EntryMerger() {}

  /**
   * Builds the entry Go would return for {@code raw}.
   *
   * @param pax records of the preceding PAX {@code x} header, or null
   * @param longName body of a preceding GNU {@code L} entry, or null
   * @param longLink body of a preceding GNU {@code K} entry, or null
   * @throws TarFormatException when a PAX record that Go interprets has an invalid value
   */
  static TarHeader merge(
      HeaderBlock raw,
      SortedMap<ByteString, ByteString> pax,
      byte[] longName,
      byte[] longLink,
      long entryOffset,
      long blockOffset,
      long dataOffset)
      throws TarFormatException {
    Fields fields = new Fields(raw);
    SortedMap<ByteString, ByteString> records = pax == null ? new TreeMap<>() : pax;
    for (Map.Entry<ByteString, ByteString> record : records.entrySet()) {
      if (record.getValue().length() > 0) {
        apply(fields, record.getKey(), record.getValue(), blockOffset);
      }
    }

    // GNU long names win over PAX path and linkpath, because Go applies them after the records.
    if (longName != null && longName.length > 0) {
      fields.name = longName;
    }
    if (longLink != null && longLink.length > 0) {
      fields.linkname = longLink;
    }
    byte typeflag = raw.typeflag();
    if (typeflag == 0) {
      typeflag = endsWithSlash(fields.name) ? (byte) '5' : (byte) '0';
    }

    return new TarHeader(
        fields.name,
        typeflag,
        fields.size,
        fields.linkname,
        raw.mode(),
        fields.uid,
        fields.gid,
        fields.uname,
        fields.gname,
        fields.modTimeSeconds,
        (int) fields.modTimeNanos,
        raw.devmajor(),
        raw.devminor(),
        records,
        entryOffset,
        dataOffset,
        raw.format());
  }

  /**
   * Rejects entries that soci's zTOC builder fails on or cannot represent.
   *
   * @throws UnsupportedTarEntryException for GNU sparse files and type flags outside '0' to '6'
   */
  static void checkSupported(TarHeader header) throws UnsupportedTarEntryException {
    byte typeflag = header.typeflag();
    if (typeflag == 'S') {
      throw new UnsupportedTarEntryException(
          "old GNU sparse file (type 'S'); soci cannot index sparse files",
          header.name(),
          header.headerOffset());
    }
    if (isPaxSparse(header.paxRecords())) {
      throw new UnsupportedTarEntryException(
          "PAX GNU sparse file (GNU.sparse.* records); soci cannot index sparse files",
          header.name(),
          header.headerOffset());
    }
    if (typeflag < '0' || typeflag > '6') {
      throw new UnsupportedTarEntryException(
          "type flag " + describe(typeflag) + " is not one of the types soci indexes ('0' to '6')",
          header.name(),
          header.headerOffset());
    }
  }

  /** Detects a PAX GNU sparse file with the version rules of Go's readGNUSparsePAXHeaders. */
  private static boolean isPaxSparse(SortedMap<ByteString, ByteString> records) {
    String major = textOf(records.get(PaxRecords.GNU_SPARSE_MAJOR));
    String minor = textOf(records.get(PaxRecords.GNU_SPARSE_MINOR));
    if (major.equals("0") && (minor.equals("0") || minor.equals("1"))) {
      return true;
    }
    if (major.equals("1") && minor.equals("0")) {
      return true;
    }
    if (!major.isEmpty() || !minor.isEmpty()) {
      return false;
    }
    return !textOf(records.get(PaxRecords.GNU_SPARSE_MAP)).isEmpty();
  }

  private static void apply(Fields fields, ByteString key, ByteString value, long blockOffset)
      throws TarFormatException {
    try {
      if (key.equals(PaxRecords.PATH)) {
        fields.name = value.toByteArray();
      } else if (key.equals(PaxRecords.LINKPATH)) {
        fields.linkname = value.toByteArray();
      } else if (key.equals(PaxRecords.UNAME)) {
        fields.uname = value.toByteArray();
      } else if (key.equals(PaxRecords.GNAME)) {
        fields.gname = value.toByteArray();
      } else if (key.equals(PaxRecords.UID)) {
        fields.uid = TarFields.parseDecimal(value.toByteArray());
      } else if (key.equals(PaxRecords.GID)) {
        fields.gid = TarFields.parseDecimal(value.toByteArray());
      } else if (key.equals(PaxRecords.SIZE)) {
        fields.size = TarFields.parseDecimal(value.toByteArray());
      } else if (key.equals(PaxRecords.MTIME)) {
        long[] time = PaxRecords.parseTime(value);
        fields.modTimeSeconds = time[0];
        fields.modTimeNanos = time[1];
      } else if (key.equals(PaxRecords.ATIME) || key.equals(PaxRecords.CTIME)) {
        PaxRecords.parseTime(value);
      }
    } catch (NumberFormatException e) {
      throw new TarFormatException(
          "invalid PAX header at uncompressed offset " + blockOffset + ": record " + key + "=\""
              + PaxRecords.text(value) + "\" is not a valid number (" + e.getMessage() + ")",
          blockOffset);
    }
  }

  private static boolean endsWithSlash(byte[] name) {
    return name.length > 0 && name[name.length - 1] == '/';
  }

  private static String textOf(ByteString value) {
    return value == null ? "" : PaxRecords.text(value);
  }

  private static String describe(byte typeflag) {
    if (typeflag >= 0x21 && typeflag < 0x7f) {
      return "'" + (char) typeflag + "'";
    }
    return String.format("0x%02x", typeflag & 0xff);
  }

  /** Header fields that PAX records can override. */
  private static final class Fields {
    byte[] name;
    byte[] linkname;
    byte[] uname;
    byte[] gname;
    long uid;
    long gid;
    long size;
    long modTimeSeconds;
    long modTimeNanos;

    Fields(HeaderBlock raw) {
      name = raw.name();
      linkname = raw.linkname();
      uname = raw.uname();
      gname = raw.gname();
      uid = raw.uid();
      gid = raw.gid();
      size = raw.size();
      modTimeSeconds = raw.modTime();
    }
  }
}
