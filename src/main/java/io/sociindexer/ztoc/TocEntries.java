package io.sociindexer.ztoc;

import io.sociindexer.layer.tar.TarHeader;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Conversion of tar entries into zTOC {@link FileMetadata}, matching soci's Go zTOC builder. */
public final class TocEntries {

  /** Unix time of 0000-01-01T00:00:00Z, the first instant Go's MarshalText accepts. */
  private static final long MIN_TEXT_SECONDS = -62_167_219_200L;

  /** Unix time of 10000-01-01T00:00:00Z, the first instant Go's MarshalText rejects. */
  private static final long MAX_TEXT_SECONDS_EXCLUSIVE = 253_402_300_800L;

  private TocEntries() {}

  /**
   * Converts a tar entry into the zTOC record soci writes for it: the data offset becomes the
   * uncompressed offset, uid and gid are cut to their low 32 bits, and the modification time
   * becomes Go RFC 3339 text in UTC.
   *
   * @throws IllegalArgumentException when the type flag is not one of '0' to '6'
   */
  public static FileMetadata fromTarHeader(TarHeader header) {
    return new FileMetadata(
        header.name(),
        typeName(header.typeflag()),
        header.dataOffset(),
        header.size(),
        header.linkname(),
        header.mode(),
        (int) header.uid(),
        (int) header.gid(),
        header.uname(),
        header.gname(),
        formatModTime(header.modTimeSeconds(), header.modTimeNanos()),
        header.devmajor(),
        header.devminor(),
        header.paxRecords());
  }

  /** Returns soci's type string for a tar type flag, after Go's mapping of {@code '\0'}. */
  public static String typeName(byte typeflag) {
    return switch (typeflag) {
      case '0' -> "reg";
      case '1' -> "hardlink";
      case '2' -> "symlink";
      case '3' -> "char";
      case '4' -> "block";
      case '5' -> "dir";
      case '6' -> "fifo";
      default ->
          throw new IllegalArgumentException(
              "unsupported tar type flag 0x" + Integer.toHexString(typeflag & 0xff)
                  + "; only '0' to '6' have a zTOC type");
    };
  }

  /**
   * Formats a Unix time as Go's {@code time.Time.MarshalText} does for a UTC time: RFC 3339 with
   * the fraction trimmed of trailing zeros and omitted when zero. Go fails for years outside 0 to
   * 9999 and soci then stores an empty string, so this returns {@code ""} for them.
   *
   * @param nanos nanoseconds within the second, 0 to 999,999,999
   */
  public static String formatModTime(long seconds, int nanos) {
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("nanos must be in [0, 999999999] but was " + nanos);
    }
    // NOTE: Go computes the year after adding an internal epoch offset that can wrap for
    // |seconds| near 2^63, so such extreme times might format differently in Go.
    if (seconds < MIN_TEXT_SECONDS || seconds >= MAX_TEXT_SECONDS_EXCLUSIVE) {
      return "";
    }

    LocalDateTime time = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(35);
    text.append(String.format(
        "%04d-%02d-%02dT%02d:%02d:%02d",
        time.getYear(),
        time.getMonthValue(),
        time.getDayOfMonth(),
        time.getHour(),
        time.getMinute(),
        time.getSecond()));
    if (nanos != 0) {
      String fraction = String.format("%09d", nanos);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      text.append('.').append(fraction, 0, end);
    }
    return text.append('Z').toString();
  }
}
