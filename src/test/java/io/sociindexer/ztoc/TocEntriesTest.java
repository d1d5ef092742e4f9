package io.sociindexer.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.layer.tar.GoTarReader;
import io.sociindexer.layer.tar.TarHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class TocEntriesTest {

  @Test
  void modTimeFormatsLikeGo() {
    assertThat(TocEntries.formatModTime(1_700_000_000L, 0)).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(TocEntries.formatModTime(1_700_000_000L, 500_000_000))
        .isEqualTo("2023-11-14T22:13:20.5Z");
    assertThat(TocEntries.formatModTime(1_700_000_000L, 123_456_789))
        .isEqualTo("2023-11-14T22:13:20.123456789Z");
    assertThat(TocEntries.formatModTime(0, 1_000)).isEqualTo("1970-01-01T00:00:00.000001Z");
    assertThat(TocEntries.formatModTime(-2, 500_000_000)).isEqualTo("1969-12-31T23:59:58.5Z");
    assertThat(TocEntries.formatModTime(-62_135_596_800L, 0)).isEqualTo("0001-01-01T00:00:00Z");
  }

  @Test
  void modTimeOutsideYearRangeIsEmpty() {
    assertThat(TocEntries.formatModTime(-62_167_219_200L, 0)).isEqualTo("0000-01-01T00:00:00Z");
    assertThat(TocEntries.formatModTime(-62_167_219_201L, 0)).isEmpty();
    assertThat(TocEntries.formatModTime(253_402_300_799L, 999_999_999))
        .isEqualTo("9999-12-31T23:59:59.999999999Z");
    assertThat(TocEntries.formatModTime(253_402_300_800L, 0)).isEmpty();
    assertThat(TocEntries.formatModTime(Long.MIN_VALUE, 0)).isEmpty();
  }

  @Test
  void fromTarHeaderMapsFields() {
    TreeMap<ByteString, ByteString> records = new TreeMap<>();
    records.put(ByteString.utf8("uid"), ByteString.utf8("4294967297"));
    TarHeader header = new TarHeader(
        "a/b".getBytes(StandardCharsets.UTF_8), (byte) '3', 0, new byte[0], 020644,
        4_294_967_297L, -1, "u".getBytes(StandardCharsets.UTF_8), new byte[0], 1_700_000_000L,
        250_000_000, 1, 5, records, 1024, 2048, io.sociindexer.layer.tar.TarFormat.USTAR);

    FileMetadata entry = TocEntries.fromTarHeader(header);

    assertThat(entry.type()).isEqualTo("char");
    assertThat(entry.uncompressedOffset()).isEqualTo(2048);
    assertThat(entry.uid()).isEqualTo(1);
    assertThat(Integer.toUnsignedLong(entry.gid())).isEqualTo(4_294_967_295L);
    assertThat(entry.mode()).isEqualTo(020644);
    assertThat(entry.modTime()).isEqualTo("2023-11-14T22:13:20.25Z");
    assertThat(entry.devmajor()).isEqualTo(1);
    assertThat(entry.devminor()).isEqualTo(5);
    assertThat(entry.paxRecords()).isEqualTo(records);
  }

  @Test
  void typeNamesFollowSoci() {
    assertThat("0123456".chars().mapToObj(c -> TocEntries.typeName((byte) c)))
        .containsExactly("reg", "hardlink", "symlink", "char", "block", "dir", "fifo");
    assertThatThrownBy(() -> TocEntries.typeName((byte) 'g'))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builtZtocPassesHeaderRegionOracle() throws Exception {
    byte[] archive = sampleArchive();
    GoTarReader reader = new GoTarReader(new ByteArrayInputStream(archive));
    List<FileMetadata> entries = new ArrayList<>();
    for (TarHeader header = reader.next(); header != null; header = reader.next()) {
      entries.add(TocEntries.fromTarHeader(header));
    }
    Ztoc ztoc = new Ztoc("0.9", "test", archive.length, reader.position(), entries,
        TarZinfo.forUncompressed(1 << 20, archive.length,
            List.of(io.sociindexer.oci.Digest.sha256(archive))));

    Ztoc parsed = ZtocReader.parse(ZtocWriter.serialize(ztoc));
    long[] headerOffsets = ZtocReader.tarHeaderOffsets(parsed.entries());

    assertThat(parsed.uncompressedArchiveSize()).isEqualTo(archive.length);
    for (int i = 0; i < parsed.entries().size(); i++) {
      FileMetadata entry = parsed.entries().get(i);
      byte[] region = Arrays.copyOfRange(
          archive, (int) headerOffsets[i], (int) entry.uncompressedOffset());
      GoTarReader regionReader = new GoTarReader(new ByteArrayInputStream(region));
      TarHeader header = regionReader.next();

      assertThat(header.name()).as("entry %d", i).isEqualTo(entry.name());
      assertThat(regionReader.position()).as("entry %d", i).isEqualTo(region.length);
      assertThat(TocEntries.fromTarHeader(header).modTime()).isEqualTo(entry.modTime());
    }
  }

  /** PAX long name, xattr and fractional time, then a short file, with a normal trailer. */
  private static byte[] sampleArchive() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry file = new TarArchiveEntry("x".repeat(150));
      file.setSize(600);
      file.addPaxHeader("SCHILY.xattr.user.k", "v");
      file.addPaxHeader("mtime", "1700000000.5");
      out.putArchiveEntry(file);
      out.write(new byte[600]);
      out.closeArchiveEntry();
      TarArchiveEntry small = new TarArchiveEntry("small");
      small.setSize(1);
      out.putArchiveEntry(small);
      out.write('s');
      out.closeArchiveEntry();
      out.finish();
    }
    byte[] archive = bytes.toByteArray();
    // commons-compress pads to its 10240-byte record; Go stops after the two zero blocks.
    int end = archive.length;
    while (end >= 1024 && isZero(archive, end - 512) && isZero(archive, end - 1024)
        && isZero(archive, end - 1536)) {
      end -= 512;
    }
    return Arrays.copyOf(archive, end);
  }

  private static boolean isZero(byte[] bytes, int offset) {
    for (int i = offset; i < offset + 512; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
