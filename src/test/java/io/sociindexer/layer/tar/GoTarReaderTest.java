package io.sociindexer.layer.tar;

import static io.sociindexer.layer.tar.TarFixtures.concat;
import static io.sociindexer.layer.tar.TarFixtures.data;
import static io.sociindexer.layer.tar.TarFixtures.header;
import static io.sociindexer.layer.tar.TarFixtures.readAll;
import static io.sociindexer.layer.tar.TarFixtures.text;
import static io.sociindexer.layer.tar.TarFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.ztoc.ByteString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoTarReaderTest {

  /** Two entries, 100 and 1000 bytes, without any end marker: 2560 bytes. */
  private static byte[] twoEntries() {
    return concat(header("a", '0', 100), data(100, 1), header("b", '0', 1000), data(1000, 2));
  }

  @Test
  void trailerVariantsEndWhereGoEnds() throws IOException {
    byte[] base = twoEntries();
    byte[] normal = concat(base, zeros(1024));
    byte[] none = base;
    byte[] oneZeroBlock = concat(base, zeros(512));
    byte[] gnuRecord = concat(base, zeros(10240 - base.length));
    long[] end = new long[1];

    List<TarHeader> expected = readAll(normal, end);
    assertThat(end[0]).isEqualTo(base.length + 1024);
    assertThat(readAll(none, end)).isEqualTo(expected);
    assertThat(end[0]).isEqualTo(base.length);
    assertThat(readAll(oneZeroBlock, end)).isEqualTo(expected);
    assertThat(end[0]).isEqualTo(base.length + 512);
    assertThat(readAll(gnuRecord, end)).isEqualTo(expected);
    assertThat(end[0]).isEqualTo(base.length + 1024);
  }

  @Test
  void blockAlignedLastFileWithoutTrailer() throws IOException {
    byte[] archive = concat(header("a", '0', 10), data(10, 1), header("b", '0', 512), data(512, 2));
    long[] end = new long[1];

    List<TarHeader> headers = readAll(archive, end);

    assertThat(headers).hasSize(2);
    assertThat(end[0]).isEqualTo(archive.length);
  }

  @Test
  void offsetsPointAtHeaderAndData() throws IOException {
    List<TarHeader> headers = readAll(concat(twoEntries(), zeros(1024)));

    assertThat(headers.get(0).headerOffset()).isEqualTo(0);
    assertThat(headers.get(0).dataOffset()).isEqualTo(512);
    assertThat(headers.get(1).headerOffset()).isEqualTo(1024);
    assertThat(headers.get(1).dataOffset()).isEqualTo(1536);
  }

  @Test
  void eofInsidePaddingEndsArchive() throws IOException {
    byte[] archive = Arrays.copyOf(twoEntries(), twoEntries().length - 10);
    long[] end = new long[1];

    assertThat(readAll(archive, end)).hasSize(2);
    assertThat(end[0]).isEqualTo(archive.length);
  }

  @Test
  void eofInsideDataFails() throws IOException {
    byte[] archive = Arrays.copyOf(twoEntries(), 1536 + 500);
    GoTarReader reader = new GoTarReader(new ByteArrayInputStream(archive));

    assertThat(reader.next().nameText()).isEqualTo("a");
    assertThat(reader.next().nameText()).isEqualTo("b");
    assertThatThrownBy(reader::next)
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("truncated")
        .hasMessageContaining("\"b\"");
    assertThatThrownBy(reader::next).isInstanceOf(TarFormatException.class);
  }

  @Test
  void eofInsideHeaderFails() {
    byte[] archive = concat(header("a", '0', 0), Arrays.copyOf(header("b", '0', 0), 100));

    assertThatThrownBy(() -> readAll(archive))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("header block at uncompressed offset 512");
  }

  @Test
  void zeroBlockThenHeaderFails() {
    byte[] archive = concat(header("a", '0', 0), zeros(512), header("b", '0', 0));

    assertThatThrownBy(() -> readAll(archive))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("zero block at uncompressed offset 512");
  }

  @Test
  void corruptChecksumFails() {
    byte[] bad = header("a", '0', 0);
    bad[0] = 'b';

    assertThatThrownBy(() -> readAll(concat(header("ok", '0', 0), bad)))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("invalid tar header at uncompressed offset 512: checksum");
  }

  @Test
  void signedChecksumAccepted() throws IOException {
    byte[] block = header("\u00e9", '0', 0);
    block[0] = (byte) 0xe9;
    java.util.Arrays.fill(block, 148, 156, (byte) ' ');
    long signed = 0;
    for (byte b : block) {
      signed += b;
    }
    TarFixtures.put(block, 148, String.format("%06o", signed) + "\0 ");

    assertThat(readAll(block)).singleElement().satisfies(h -> assertThat(h.name()).hasSize(1));
  }

  @Test
  void invalidOctalFieldFails() {
    byte[] block = header("a", '0', 0);
    TarFixtures.put(block, 100, "09x\0");

    assertThatThrownBy(() -> readAll(TarFixtures.withChecksum(block)))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("mode");
  }

  @Test
  void regAWithSlashIsDirectory() throws IOException {
    byte[] archive = concat(header("dir/", '\0', 0), header("file", '\0', 0));

    List<TarHeader> headers = readAll(archive);

    assertThat(headers.get(0).typeflag()).isEqualTo((byte) '5');
    assertThat(headers.get(1).typeflag()).isEqualTo((byte) '0');
  }

  @Test
  void ustarPrefixIsJoined() throws IOException {
    byte[] block = header("name", '0', 0);
    TarFixtures.put(block, 345, "some/prefix");

    TarHeader entry = readAll(TarFixtures.withChecksum(block)).getFirst();

    assertThat(entry.nameText()).isEqualTo("some/prefix/name");
    assertThat(entry.blockFormat()).isEqualTo(TarFormat.USTAR);
  }

  @Test
  void gnuBlockHasNoPrefix() throws IOException {
    byte[] block = header("name", '0', 0);
    TarFixtures.put(block, 257, "ustar  \0");
    TarFixtures.put(block, 345, "01234567012\0");

    TarHeader entry = readAll(TarFixtures.withChecksum(block)).getFirst();

    assertThat(entry.nameText()).isEqualTo("name");
    assertThat(entry.blockFormat()).isEqualTo(TarFormat.GNU);
  }

  @Test
  void v7BlockHasNoOwnerNames() throws IOException {
    byte[] block = header("name", '0', 0);
    Arrays.fill(block, 257, 512, (byte) 0);
    TarFixtures.put(block, 265, "user");
    TarFixtures.put(block, 345, "prefix");

    TarHeader entry = readAll(TarFixtures.withChecksum(block)).getFirst();

    assertThat(entry.blockFormat()).isEqualTo(TarFormat.V7);
    assertThat(entry.uname()).isEmpty();
    assertThat(entry.nameText()).isEqualTo("name");
  }

  @Test
  void base256SizeIsParsed() throws IOException {
    long size = 9L << 30;
    byte[] block = header("big", '0', 0);
    Arrays.fill(block, 124, 136, (byte) 0);
    block[124] = (byte) 0x80;
    for (int i = 0; i < 8; i++) {
      block[135 - i] = (byte) (size >>> (8 * i));
    }
    GoTarReader reader = new GoTarReader(new ByteArrayInputStream(TarFixtures.withChecksum(block)));

    assertThat(reader.next().size()).isEqualTo(size);
    assertThatThrownBy(reader::next).isInstanceOf(TarFormatException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void negativeBase256MtimeIsParsed() throws IOException {
    byte[] block = header("old", '0', 0);
    Arrays.fill(block, 136, 148, (byte) 0xff);

    TarHeader entry = readAll(TarFixtures.withChecksum(block)).getFirst();

    assertThat(entry.modTimeSeconds()).isEqualTo(-1);
  }

  @Test
  void negativeSizeFails() {
    byte[] block = header("neg", '0', 0);
    Arrays.fill(block, 124, 136, (byte) 0xff);

    assertThatThrownBy(() -> readAll(TarFixtures.withChecksum(block)))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("negative size");
  }

  @Test
  void headerOnlyTypesSkipNoData() throws IOException {
    // Go reads no data for links, devices, directories and FIFOs whatever their size field contains.
    byte[] archive = concat(header("link", '1', 700), header("next", '0', 0));

    List<TarHeader> headers = readAll(archive);

    assertThat(headers).hasSize(2);
    assertThat(headers.get(0).size()).isEqualTo(700);
    assertThat(headers.get(1).headerOffset()).isEqualTo(512);
  }

  @Test
  void paxRecordsOverrideFields() throws IOException {
    byte[] pax = paxEntry(
        record("path", "pax/name".getBytes(StandardCharsets.UTF_8)),
        record("size", "5".getBytes(StandardCharsets.UTF_8)),
        record("uid", "4294967297".getBytes(StandardCharsets.UTF_8)),
        record("mtime", "1700000000.123456789123".getBytes(StandardCharsets.UTF_8)),
        record("uname", new byte[0]),
        record("SCHILY.xattr.user.bin", new byte[] {0, 1, (byte) 0xff, '\n'}));
    byte[] archive = concat(pax, header("short", '0', 0), data(5, 0));

    TarHeader entry = readAll(archive).getFirst();

    assertThat(entry.nameText()).isEqualTo("pax/name");
    assertThat(entry.size()).isEqualTo(5);
    assertThat(entry.uid()).isEqualTo(4_294_967_297L);
    assertThat(entry.modTimeSeconds()).isEqualTo(1_700_000_000L);
    assertThat(entry.modTimeNanos()).isEqualTo(123_456_789);
    assertThat(text(entry.uname())).isEqualTo("user");
    assertThat(entry.paxRecords()).hasSize(6);
    assertThat(entry.paxRecords().get(ByteString.utf8("SCHILY.xattr.user.bin")).toByteArray())
        .containsExactly(0, 1, 0xff, '\n');
    assertThat(entry.headerOffset()).isEqualTo(0);
    assertThat(entry.dataOffset()).isEqualTo(pax.length + 512);
  }

  @Test
  void negativePaxMtimeIsNormalized() throws IOException {
    byte[] archive = concat(
        paxEntry(record("mtime", "-1.5".getBytes(StandardCharsets.UTF_8))), header("f", '0', 0));

    TarHeader entry = readAll(archive).getFirst();

    assertThat(entry.modTimeSeconds()).isEqualTo(-2);
    assertThat(entry.modTimeNanos()).isEqualTo(500_000_000);
  }

  @Test
  void invalidPaxNumberFails() {
    byte[] archive = concat(
        paxEntry(record("uid", "12a".getBytes(StandardCharsets.UTF_8))), header("f", '0', 0));

    assertThatThrownBy(() -> readAll(archive))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("uid");
  }

  @Test
  void malformedPaxRecordFails() {
    byte[] body = "30 path=too-short\n".getBytes(StandardCharsets.UTF_8);
    byte[] archive = concat(header("pax", 'x', body.length), data(0, 0),
        Arrays.copyOf(body, 512), header("f", '0', 0));

    assertThatThrownBy(() -> readAll(archive))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("PAX header at uncompressed offset 0");
  }

  @Test
  void gnuLongNameWinsOverPaxPath() throws IOException {
    byte[] longName = "gnu/long/name\0".getBytes(StandardCharsets.UTF_8);
    byte[] archive = concat(
        paxEntry(record("path", "pax/name".getBytes(StandardCharsets.UTF_8))),
        header("././@LongLink", 'L', longName.length),
        Arrays.copyOf(longName, 512),
        header("short", '0', 0));

    TarHeader entry = readAll(archive).getFirst();

    assertThat(entry.nameText()).isEqualTo("gnu/long/name");
    assertThat(entry.headerOffset()).isEqualTo(0);
    assertThat(entry.paxRecords()).containsKey(ByteString.utf8("path"));
  }

  @Test
  void oversizedExtendedHeaderFails() {
    byte[] archive = header("././@LongLink", 'L', (1 << 20) + 1);

    assertThatThrownBy(() -> readAll(archive))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void globalHeaderIsUnsupported() {
    byte[] body = record("comment", "x".getBytes(StandardCharsets.UTF_8));
    byte[] archive = concat(header("ok", '0', 0), header("global", 'g', body.length),
        Arrays.copyOf(body, 512), header("f", '0', 0));

    assertThatThrownBy(() -> readAll(archive))
        .isInstanceOf(UnsupportedTarEntryException.class)
        .hasMessageContaining("global")
        .hasMessageContaining("\"global\" at uncompressed offset 512");
  }

  @Test
  void oldGnuSparseIsUnsupported() {
    byte[] block = header("sparse", 'S', 0);
    TarFixtures.put(block, 257, "ustar  \0");

    assertThatThrownBy(() -> readAll(TarFixtures.withChecksum(block)))
        .isInstanceOf(UnsupportedTarEntryException.class)
        .hasMessageContaining("sparse");
  }

  @Test
  void paxSparseIsUnsupported() {
    byte[] archive = concat(
        paxEntry(
            record("GNU.sparse.major", "1".getBytes(StandardCharsets.UTF_8)),
            record("GNU.sparse.minor", "0".getBytes(StandardCharsets.UTF_8)),
            record("GNU.sparse.realsize", "4096".getBytes(StandardCharsets.UTF_8))),
        header("GNUSparseFile.0/f", '0', 0));

    assertThatThrownBy(() -> readAll(archive))
        .isInstanceOf(UnsupportedTarEntryException.class)
        .hasMessageContaining("GNU.sparse");
  }

  @Test
  void unknownSparseVersionIsRegular() throws IOException {
    byte[] archive = concat(
        paxEntry(
            record("GNU.sparse.major", "2".getBytes(StandardCharsets.UTF_8)),
            record("GNU.sparse.minor", "0".getBytes(StandardCharsets.UTF_8))),
        header("f", '0', 0));

    assertThat(readAll(archive)).hasSize(1);
  }

  @Test
  void unknownTypeflagsAreUnsupported() {
    for (char typeflag : new char[] {'7', 'V', 'D', 'A'}) {
      byte[] archive = header("odd", typeflag, 0);

      assertThatThrownBy(() -> readAll(archive))
          .as("type flag %s", typeflag)
          .isInstanceOf(UnsupportedTarEntryException.class)
          .hasMessageContaining("'" + typeflag + "'");
    }
  }

  @Test
  void entryDataReturnsExactBytes() throws IOException {
    GoTarReader reader = new GoTarReader(new ByteArrayInputStream(twoEntries()));

    reader.next();
    byte[] first = reader.entryData().readAllBytes();
    reader.next();
    byte[] partial = new byte[10];
    int n = reader.read(partial, 0, 10);
    TarHeader end = reader.next();

    assertThat(first).isEqualTo(Arrays.copyOf(data(100, 1), 100));
    assertThat(n).isEqualTo(10);
    assertThat(partial).isEqualTo(Arrays.copyOf(data(1000, 2), 10));
    assertThat(end).isNull();
    assertThat(reader.position()).isEqualTo(twoEntries().length);
  }

  @Test
  void stopsBeforeRecordPadding() throws IOException {
    byte[] archive = concat(twoEntries(), zeros(1024), "garbage".getBytes(StandardCharsets.UTF_8));
    ByteArrayInputStream in = new ByteArrayInputStream(archive);
    GoTarReader reader = new GoTarReader(in);

    while (reader.next() != null) {
      // Read to the end marker.
    }

    assertThat(in.available()).isEqualTo(7);
  }

  /** Returns one PAX record {@code "<length> <key>=<value>\n"}. */
  static byte[] record(String key, byte[] value) {
    int base = key.length() + value.length + 3;
    int length = base + String.valueOf(base).length();
    if (String.valueOf(length).length() != String.valueOf(base).length()) {
      length++;
    }
    return concat((length + " " + key + "=").getBytes(StandardCharsets.UTF_8), value,
        new byte[] {'\n'});
  }

  /** Returns a PAX {@code x} header block and its padded body. */
  static byte[] paxEntry(byte[]... records) {
    byte[] body = concat(records);
    byte[] padded = Arrays.copyOf(body, (body.length + 511) / 512 * 512);
    return concat(header("PaxHeaders/f", 'x', body.length), padded);
  }
}
