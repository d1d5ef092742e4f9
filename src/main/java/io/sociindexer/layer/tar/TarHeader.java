package io.sociindexer.layer.tar;

import io.sociindexer.ztoc.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One tar entry with the field values Go's {@code tar.Reader.Next()} returns, plus where the entry
 * sits in the stream. Names and other strings are raw bytes because tar does not fix an encoding.
 *
 * @param name entry name after ustar prefix join, PAX {@code path} and GNU long-name overrides
 * @param typeflag type flag after Go's mapping of {@code '\0'} to {@code '0'} or {@code '5'}
 * @param size size field, or the PAX {@code size} record when present
 * @param modTimeSeconds modification time in seconds since the Unix epoch
 * @param modTimeNanos nanoseconds within the second, 0 to 999,999,999
 * @param paxRecords every record of the entry's PAX extended header, sorted as unsigned bytes;
 *     empty when the entry has none
 * @param headerOffset stream offset of the entry's first header block, including its PAX {@code x}
 *     and GNU {@code L}/{@code K} blocks
 * @param dataOffset stream offset right after the entry's last header block, where data starts
 * @param blockFormat format of the entry's own header block
 */
public record TarHeader(
    byte[] name,
    byte typeflag,
    long size,
    byte[] linkname,
    long mode,
    long uid,
    long gid,
    byte[] uname,
    byte[] gname,
    long modTimeSeconds,
    int modTimeNanos,
    long devmajor,
    long devminor,
    SortedMap<ByteString, ByteString> paxRecords,
    long headerOffset,
    long dataOffset,
    TarFormat blockFormat) {

  public TarHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(linkname, "linkname");
    Objects.requireNonNull(uname, "uname");
    Objects.requireNonNull(gname, "gname");
    // Most entries have no PAX records; one shared empty map keeps millions of entries small.
    paxRecords =
        paxRecords.isEmpty()
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(paxRecords));
    Objects.requireNonNull(blockFormat, "blockFormat");
  }

  /** Returns the name decoded as UTF-8, for messages and lookups only. */
  public String nameText() {
    return display(name);
  }

  /** Returns the link name decoded as UTF-8, for messages and lookups only. */
  public String linknameText() {
    return display(linkname);
  }

  static String display(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TarHeader that
        && Arrays.equals(name, that.name)
        && typeflag == that.typeflag
        && size == that.size
        && Arrays.equals(linkname, that.linkname)
        && mode == that.mode
        && uid == that.uid
        && gid == that.gid
        && Arrays.equals(uname, that.uname)
        && Arrays.equals(gname, that.gname)
        && modTimeSeconds == that.modTimeSeconds
        && modTimeNanos == that.modTimeNanos
        && devmajor == that.devmajor
        && devminor == that.devminor
        && paxRecords.equals(that.paxRecords)
        && headerOffset == that.headerOffset
        && dataOffset == that.dataOffset
        && blockFormat == that.blockFormat;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(name), typeflag, size, headerOffset, dataOffset);
  }

  @Override
  public String toString() {
    return "TarHeader["
        + nameText()
        + " type '"
        + (char) typeflag
        + "' size "
        + size
        + " header @"
        + headerOffset
        + " data @"
        + dataOffset
        + "]";
  }
}
