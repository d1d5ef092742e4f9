package io.sociindexer.ztoc;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One tar entry as soci's zTOC records it. String fields hold raw bytes because tar names, link
 * names and PAX values are byte strings that need not be UTF-8. {@code paxRecords} holds every PAX
 * record of the entry (soci stores them all in the field it calls {@code xattrs}), keyed and
 * sorted as unsigned bytes.
 *
 * @param type one of {@code reg}, {@code dir}, {@code symlink}, {@code hardlink}, {@code char},
 *     {@code block}, {@code fifo}
 * @param uncompressedOffset offset of the first data byte in the tar stream
 * @param modTime Go's RFC 3339 text of the modification time in UTC, or empty when Go writes none
 */
public record FileMetadata(
    byte[] name,
    String type,
    long uncompressedOffset,
    long uncompressedSize,
    byte[] linkname,
    long mode,
    int uid,
    int gid,
    byte[] uname,
    byte[] gname,
    String modTime,
    long devmajor,
    long devminor,
    SortedMap<ByteString, ByteString> paxRecords) {

  public FileMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(linkname, "linkname");
    Objects.requireNonNull(uname, "uname");
    Objects.requireNonNull(gname, "gname");
    Objects.requireNonNull(modTime, "modTime");
    Objects.requireNonNull(paxRecords, "paxRecords");
  }

  /** Returns the name decoded as UTF-8, for messages and lookups only. */
  public String nameText() {
    return new String(name, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FileMetadata that
        && Arrays.equals(name, that.name)
        && type.equals(that.type)
        && uncompressedOffset == that.uncompressedOffset
        && uncompressedSize == that.uncompressedSize
        && Arrays.equals(linkname, that.linkname)
        && mode == that.mode
        && uid == that.uid
        && gid == that.gid
        && Arrays.equals(uname, that.uname)
        && Arrays.equals(gname, that.gname)
        && modTime.equals(that.modTime)
        && devmajor == that.devmajor
        && devminor == that.devminor
        && paxRecords.equals(that.paxRecords);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(name), type, uncompressedOffset, uncompressedSize);
  }

  @Override
  public String toString() {
    return "FileMetadata[" + nameText() + " " + type + " @" + uncompressedOffset + "+"
        + uncompressedSize + "]";
  }

  /** Convenience view of the PAX records as a plain map. */
  public Map<ByteString, ByteString> pax() {
    return paxRecords;
  }
}
