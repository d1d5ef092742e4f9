package io.sociindexer.oracle;

import static io.sociindexer.oracle.TarBlocks.concat;
import static io.sociindexer.oracle.TarBlocks.data;
import static io.sociindexer.oracle.TarBlocks.pax;
import static io.sociindexer.oracle.TarBlocks.record;
import static io.sociindexer.oracle.TarBlocks.trailer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.layer.tar.GoTarReader;
import io.sociindexer.layer.tar.TarFormatException;
import io.sociindexer.layer.tar.TarHeader;
import io.sociindexer.layer.tar.UnsupportedTarEntryException;
import io.sociindexer.ztoc.FileMetadata;
import io.sociindexer.ztoc.TocEntries;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares {@link GoTarReader} and {@link TocEntries#fromTarHeader} with Go's {@code archive/tar},
 * entry by entry, on archives written by GNU tar, Python's {@code tarfile} and by hand. Skipped
 * when {@code go} is not on the PATH.
 */
class GoOracleTest {

  private static GoOracle oracle;

  @TempDir Path dir;

  /** How {@link GoTarReader} finished an archive that matched Go. */
  enum Outcome {
    ENDED,
    REJECTED,
    MALFORMED
  }

  @BeforeAll
  static void buildGoPrograms() throws Exception {
    assumeTrue(GoOracle.goOnPath(), "go is not on the PATH; install golang-go to run this test");
    oracle = GoOracle.get();
  }

  // GNU tar of real directories.

  @Test
  void gnuTarFormatsMatchGo() throws Exception {
    Path root = populatedDirectory("tree", true);
    for (String format : List.of("gnu", "oldgnu", "posix")) {
      byte[] archive = gnuTar(root, "--format=" + format, ".");

      assertThat(compare("gnu tar " + format, archive)).isEqualTo(Outcome.ENDED);
    }
  }

  @Test
  void gnuTarUstarAndV7MatchGo() throws Exception {
    Path root = populatedDirectory("short", false);
    // V7 headers have no type flag for FIFOs, so GNU tar would skip it and exit non-zero.
    Files.delete(root.resolve("etc/fifo"));
    for (String format : List.of("ustar", "v7")) {
      byte[] archive = gnuTar(root, "--format=" + format, ".");

      assertThat(compare("gnu tar " + format, archive)).isEqualTo(Outcome.ENDED);
    }
  }

  @Test
  void gnuTarRecordSizesMatchGo() throws Exception {
    Path root = populatedDirectory("records", false);
    for (String blocking : List.of("--blocking-factor=1", "--blocking-factor=3", "-b20")) {
      byte[] archive = gnuTar(root, blocking, "./");

      assertThat(compare("gnu tar " + blocking, archive)).isEqualTo(Outcome.ENDED);
    }
  }

  @Test
  void gnuTarSparseFilesRejected() throws Exception {
    Path root = dir.resolve("sparse");
    Files.createDirectories(root);
    try (var file = new java.io.RandomAccessFile(root.resolve("holes").toFile(), "rw")) {
      file.setLength(3 * 1024 * 1024);
      file.seek(1024 * 1024);
      file.write("data".getBytes(StandardCharsets.US_ASCII));
    }
    List<List<String>> variants = List.of(
        List.of("--format=gnu"),
        List.of("--format=posix", "--sparse-version=0.0"),
        List.of("--format=posix", "--sparse-version=0.1"),
        List.of("--format=posix", "--sparse-version=1.0"));
    for (List<String> variant : variants) {
      String[] options = concatOptions(variant, List.of("--sparse", "holes"));
      byte[] archive = gnuTar(root, options);

      assertThat(compare("gnu tar sparse " + variant, archive)).isEqualTo(Outcome.REJECTED);
    }
  }

  @Test
  void gnuTarVolumeLabelRejected() throws Exception {
    Path root = populatedDirectory("labelled", false);

    byte[] archive = gnuTar(root, "--label=backup volume", ".");

    assertThat(compare("gnu tar volume label", archive)).isEqualTo(Outcome.REJECTED);
  }

  // Python tarfile.

  @Test
  void pythonFormatsMatchGo() throws Exception {
    for (String format : List.of("PAX_FORMAT", "GNU_FORMAT", "USTAR_FORMAT")) {
      boolean ustar = format.equals("USTAR_FORMAT");
      String longName = ustar ? "p".repeat(120) + "/" + "n".repeat(90) : "d/".repeat(80) + "f.txt";
      String longTarget = ustar ? "short/target" : "t".repeat(150);
      String hardTarget = ustar ? "short/target" : longName;
      byte[] archive = python("""
          with tarfile.open(out, "w", format=tarfile.%s) as t:
              add(t, "%s", size=700)
              add(t, "link", tarfile.SYMTYPE, linkname="%s")
              add(t, "hard", tarfile.LNKTYPE, linkname="%s")
              add(t, "dir/", tarfile.DIRTYPE, mode=0o755)
              add(t, "dev/null", tarfile.CHRTYPE, devmajor=1, devminor=3)
              add(t, "dev/sda1", tarfile.BLKTYPE, devmajor=8, devminor=1)
              add(t, "run/fifo", tarfile.FIFOTYPE)
              add(t, "empty", size=0)
              add(t, "exact", size=512)
              add(t, "big", size=70000)
          """.formatted(format, longName, longTarget, hardTarget));

      assertThat(compare("python " + format, archive)).isEqualTo(Outcome.ENDED);
    }
  }

  @Test
  void pythonPaxTimesMatchGo() throws Exception {
    byte[] archive = python("""
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
            for i, mtime in enumerate(["1700000000.5", "1700000000.123456789",
                                       "1700000000.1234567891234", "1700000000.000000001",
                                       "-1.5", "-0.25", "-1", "0.0", "253402300799.999999999",
                                       "253402300800", "-62135596800", "-62167219201"]):
                ti = tarfile.TarInfo("t%d" % i); ti.pax_headers = {"mtime": mtime}
                t.addfile(ti)
            add(t, "float", mtime=1700000000.75)
            add(t, "negative", mtime=-86400 * 365)
            ti = tarfile.TarInfo("times"); ti.pax_headers = {"atime": "1.25", "ctime": "-3.5"}
            t.addfile(ti)
        """);

    assertThat(compare("python PAX times", archive)).isEqualTo(Outcome.ENDED);
  }

  @Test
  void pythonGnuNumbersMatchGo() throws Exception {
    byte[] archive = python("""
        with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
            add(t, "bigids", uid=2**31 + 5, gid=2**40, uname="u" * 31, gname="g")
            add(t, "negative-mtime", mtime=-1000)
            add(t, "huge-mtime", mtime=2**40)
            add(t, "mode-bits", mode=0o107777)
        with tarfile.open(out + ".pax", "w", format=tarfile.PAX_FORMAT) as t:
            add(t, "bigids", uid=2**31 + 5, gid=2**33, uname="\\u00fc" * 40, gname="\\u00e9")
        """);
    byte[] pax = Files.readAllBytes(dir.resolve("python.tar.pax"));

    assertThat(compare("python GNU numbers", archive)).isEqualTo(Outcome.ENDED);
    assertThat(compare("python PAX numbers", pax)).isEqualTo(Outcome.ENDED);
  }

  @Test
  void pythonUnicodeAndXattrsMatchGo() throws Exception {
    byte[] archive = python("""
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
            add(t, "caf\\u00e9/\\U0001f600.txt", size=5)
            add(t, "raw-\\udcff-name", size=1)
            ti = tarfile.TarInfo("xattrs"); ti.size = 2
            ti.pax_headers = {"SCHILY.xattr.user.text": "v\\u00e9",
                              "SCHILY.xattr.security.capability": "\\x01\\udcff\\x00\\udc80",
                              "SCHILY.xattr.user.empty": "",
                              "LIBARCHIVE.creationtime": "1700000000"}
            t.addfile(ti, io.BytesIO(b"xy"))
        with tarfile.open(out + ".gnu", "w", format=tarfile.GNU_FORMAT,
                          encoding="utf-8", errors="surrogateescape") as t:
            add(t, "caf\\u00e9/\\U0001f600.txt", size=5)
            add(t, "latin1-\\udce9", size=1)
            add(t, "l" * 99 + "\\u00e9", size=1)
        """);
    byte[] gnu = Files.readAllBytes(dir.resolve("python.tar.gnu"));

    assertThat(compare("python PAX unicode", archive)).isEqualTo(Outcome.ENDED);
    assertThat(compare("python GNU unicode", gnu)).isEqualTo(Outcome.ENDED);
  }

  @Test
  void pythonGlobalHeaderRejected() throws Exception {
    byte[] archive = python("""
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "x"}) as t:
            add(t, "file", size=3)
        """);

    assertThat(compare("python PAX global header", archive)).isEqualTo(Outcome.REJECTED);
  }

  // Hand-made archives.

  @Test
  void v7AndNulTypeflagsMatchGo() throws Exception {
    byte[] archive = concat(
        TarBlocks.v7("v7dir/", '\0', 0),
        TarBlocks.v7("v7dir/file", '\0', 10),
        data(10),
        TarBlocks.ustar("nuldir/", '\0', 0),
        TarBlocks.ustar("nulfile", '\0', 600),
        data(600),
        TarBlocks.gnu("gnudir/", '\0', 0),
        TarBlocks.v7("v7link", '2', 0),
        trailer());

    assertThat(compare("V7 and NUL type flags", archive)).isEqualTo(Outcome.ENDED);
  }

  @Test
  void endMarkersMatchGo() throws Exception {
    byte[] body = concat(TarBlocks.ustar("a", '0', 3), data(3), TarBlocks.ustar("b/", '5', 0));
    byte[] shortData = concat(TarBlocks.ustar("short", '0', 3), new byte[] {'x', 'y', 'z'});
    List<byte[]> archives = List.of(
        body,
        concat(body, new byte[512]),
        concat(body, trailer()),
        concat(body, trailer(), new byte[9 * 512]),
        concat(body, trailer(), "garbage after the end".getBytes(StandardCharsets.US_ASCII)),
        shortData,
        concat(shortData, new byte[100]),
        new byte[0],
        trailer());
    for (int i = 0; i < archives.size(); i++) {
      assertThat(compare("end marker variant " + i, archives.get(i))).isEqualTo(Outcome.ENDED);
    }
  }

  @Test
  void paxAndGnuOverridesMatchGo() throws Exception {
    byte[] archive = concat(
        pax('x', record("path", "pax/name"), record("linkpath", "pax/target")),
        TarBlocks.gnuLong('L', "gnu/long/name\0ignored".getBytes(StandardCharsets.US_ASCII)),
        TarBlocks.gnuLong('K', "gnu/long/target".getBytes(StandardCharsets.US_ASCII)),
        TarBlocks.ustar("header-name", '2', 0),
        pax('x', record("path", ""), record("uname", ""), record("comment", "first")),
        pax('x', record("size", "5"), record("uid", "70000"), record("gname", "\u00e9quipe")),
        TarBlocks.ustar("second-pax-wins", '0', 3),
        data(5),
        TarBlocks.gnuLong('L', new byte[0]),
        TarBlocks.gnu("empty-long-name-ignored", '0', 1),
        data(1),
        pax('x', record("GNU.sparse.name", "not/sparse"), record("SCHILY.xattr.a", "b")),
        TarBlocks.ustar("xattr-only", '0', 0),
        trailer());

    assertThat(compare("PAX and GNU overrides", archive)).isEqualTo(Outcome.ENDED);
  }

  @Test
  void headerFieldVariantsMatchGo() throws Exception {
    byte[] prefixed = TarBlocks.edit(TarBlocks.ustar("name", '0', 0), 345, "some/prefix");
    byte[] star = TarBlocks.edit(
        TarBlocks.edit(prefixed, 476, TarBlocks.octal(5, 12) + TarBlocks.octal(6, 12)),
        508, "tar\0");
    byte[] gnuWithPrefix = TarBlocks.edit(TarBlocks.gnu("name", '0', 0), 345, "old/go/prefix");
    byte[] base256 = TarBlocks.edit(TarBlocks.gnu("base256", '0', 0), 108,
        new byte[] {(byte) 0x80, 0, 0, 0, 0, 1, 0, 0});
    byte[] negativeTime = TarBlocks.edit(TarBlocks.gnu("negative-time", '0', 0), 136,
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 0x00});
    byte[] spaces = TarBlocks.edit(TarBlocks.ustar("spaces", '0', 0), 100, "  644 \0\0");
    byte[] signed = TarBlocks.withSignedChecksum(
        TarBlocks.edit(TarBlocks.ustar("x", '0', 0), 0,
            "\u00e9\u00e8-latin1".getBytes(StandardCharsets.ISO_8859_1)));
    byte[] devices = TarBlocks.edit(TarBlocks.ustar("dev", '3', 0), 329,
        TarBlocks.octal(259, 8) + TarBlocks.octal(65536, 8));
    byte[] archive = concat(prefixed, star, gnuWithPrefix, base256, negativeTime, spaces, signed,
        devices, trailer());

    assertThat(compare("header field variants", archive)).isEqualTo(Outcome.ENDED);
  }

  @Test
  void unknownTypeflagsRejected() throws Exception {
    for (char typeflag : new char[] {'7', 'V', 'M', 'N', 'D', 'A', 'z', '8'}) {
      byte[] archive = concat(
          TarBlocks.ustar("ok", '0', 1), data(1),
          TarBlocks.ustar("odd", typeflag, 0),
          trailer());

      assertThat(compare("type flag " + typeflag, archive)).isEqualTo(Outcome.REJECTED);
    }
  }

  @Test
  void oldGnuSparseRejected() throws Exception {
    byte[] sparse = TarBlocks.gnu("sparse", 'S', 512);
    sparse = TarBlocks.edit(sparse, 386, TarBlocks.octal(0, 12) + TarBlocks.octal(512, 12));
    sparse = TarBlocks.edit(sparse, 483, TarBlocks.octal(4096, 12));
    byte[] archive = concat(sparse, data(512), trailer());

    assertThat(compare("old GNU sparse", archive)).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void malformedArchivesFailLikeGo() throws Exception {
    byte[] good = concat(TarBlocks.ustar("good", '0', 3), data(3));
    byte[] badChecksum = TarBlocks.ustar("bad", '0', 0);
    badChecksum[0] = 'B';
    byte[] badSize = TarBlocks.edit(TarBlocks.ustar("bad-size", '0', 0), 124, "12x4\0");
    List<byte[]> archives = List.of(
        concat(good, badChecksum, trailer()),
        concat(good, new byte[512], TarBlocks.ustar("after-zero", '0', 0), trailer()),
        concat(TarBlocks.ustar("truncated", '0', 2000), data(1000)),
        concat(good, Arrays.copyOf(TarBlocks.ustar("cut", '0', 0), 300)),
        concat(good, badSize, trailer()),
        concat(pax('x', record("mtime", "12a")), TarBlocks.ustar("bad-mtime", '0', 0), trailer()),
        concat(pax('x', record("uid", "-")), TarBlocks.ustar("bad-uid", '0', 0), trailer()),
        concat(pax('x', "9 a=b\n".getBytes(StandardCharsets.US_ASCII)),
            TarBlocks.ustar("bad-length", '0', 0), trailer()),
        concat(pax('x', record("path", "nul\0inside")), TarBlocks.ustar("nul", '0', 0), trailer()),
        concat(pax('x', record("size", "-1")), TarBlocks.ustar("negative", '0', 0), trailer()));
    for (int i = 0; i < archives.size(); i++) {
      assertThat(compare("malformed variant " + i, archives.get(i))).isEqualTo(Outcome.MALFORMED);
    }
  }

  @Test
  void paxHeaderAtEndMatchesGo() throws Exception {
    byte[] archive = concat(TarBlocks.ustar("a", '0', 0), pax('x', record("path", "b")), trailer());

    assertThat(compare("PAX header before the end", archive)).isEqualTo(Outcome.ENDED);
  }

  // Comparison.

  /**
   * Reads {@code archive} with {@link GoTarReader} and with Go, and asserts that both return the
   * same entries and end the same way. Where Go returns an entry that soci's builder rejects, the
   * Java reader must raise {@link UnsupportedTarEntryException} at that entry; where Go's
   * {@code Next()} fails, the Java reader must raise {@link TarFormatException}.
   */
  private Outcome compare(String label, byte[] archive) throws Exception {
    Path file = dir.resolve("archive-" + System.nanoTime() + ".tar");
    Files.write(file, archive);
    GoTarListing go = oracle.listTar(file);
    GoTarReader reader = new GoTarReader(new ByteArrayInputStream(archive));

    for (int index = 0; ; index++) {
      String where = label + " entry " + index;
      TarHeader header;
      try {
        header = reader.next();
      } catch (UnsupportedTarEntryException e) {
        assertThat(index).as("%s: Java rejected an entry Go never returned: %s", where, e)
            .isLessThan(go.entries().size());
        assertThat(go.entries().get(index).rejectedBySoci())
            .as("%s: Java rejected entry %s that soci accepts: %s",
                where, go.entries().get(index).nameText(), e)
            .isTrue();
        return Outcome.REJECTED;
      } catch (TarFormatException e) {
        assertThat(go.error()).as("%s: Java failed (%s) but Go did not", where, e).isNotNull();
        assertThat(index).as("%s: Java failed (%s) where Go failed: %s", where, e, go.error())
            .isEqualTo(go.entries().size());
        return Outcome.MALFORMED;
      }

      if (header == null) {
        assertThat(go.error()).as("%s: Java ended but Go failed", where).isNull();
        assertThat(index).as("%s: Java ended after %d entries", where, index)
            .isEqualTo(go.entries().size());
        assertThat(reader.position()).as("%s: archive size", label).isEqualTo(go.end());
        return Outcome.ENDED;
      }
      assertThat(index).as("%s: Java returned %s but Go had no more entries (error %s)",
          where, header, go.error()).isLessThan(go.entries().size());
      GoTarEntry expected = go.entries().get(index);
      assertThat(expected.rejectedBySoci())
          .as("%s: Java returned %s, which soci rejects", where, header)
          .isFalse();
      assertSameEntry(where + " (" + expected.nameText() + ")", header, expected);
    }
  }

  private static void assertSameEntry(String where, TarHeader header, GoTarEntry expected) {
    FileMetadata metadata = TocEntries.fromTarHeader(header);

    assertThat(metadata.name()).as("%s name", where).isEqualTo(expected.name());
    assertThat(header.typeflag() & 0xff).as("%s typeflag", where).isEqualTo(expected.typeflag());
    assertThat(metadata.type()).as("%s type", where)
        .isEqualTo(TocEntries.typeName((byte) expected.typeflag()));
    assertThat(metadata.uncompressedOffset()).as("%s offset", where).isEqualTo(expected.offset());
    assertThat(metadata.uncompressedSize()).as("%s size", where).isEqualTo(expected.size());
    assertThat(metadata.linkname()).as("%s linkname", where).isEqualTo(expected.linkname());
    assertThat(metadata.mode()).as("%s mode", where).isEqualTo(expected.mode());
    assertThat(header.uid()).as("%s uid", where).isEqualTo(expected.uid());
    assertThat(header.gid()).as("%s gid", where).isEqualTo(expected.gid());
    assertThat(metadata.uid()).as("%s uint32 uid", where).isEqualTo((int) expected.uid());
    assertThat(metadata.gid()).as("%s uint32 gid", where).isEqualTo((int) expected.gid());
    assertThat(metadata.uname()).as("%s uname", where).isEqualTo(expected.uname());
    assertThat(metadata.gname()).as("%s gname", where).isEqualTo(expected.gname());
    assertThat(metadata.modTime()).as("%s mod time", where).isEqualTo(expected.modTime());
    assertThat(metadata.devmajor()).as("%s devmajor", where).isEqualTo(expected.devmajor());
    assertThat(metadata.devminor()).as("%s devminor", where).isEqualTo(expected.devminor());
    assertThat(metadata.paxRecords()).as("%s PAX records", where)
        .isEqualTo(expected.paxRecords());
  }

  // Corpus builders.

  /**
   * Creates a directory with files of block-edge sizes, nested directories, a symbolic link, a
   * hard link, a FIFO and non-ASCII names. With {@code longNames}, it also has a name and a link
   * target longer than 100 bytes, which ustar and V7 cannot store.
   */
  private Path populatedDirectory(String name, boolean longNames) throws Exception {
    Path root = dir.resolve(name);
    Files.createDirectories(root.resolve("etc/nested/deeper"));
    Files.createDirectories(root.resolve("empty-dir"));
    int[] sizes = {0, 1, 511, 512, 513, 10240, 70001};
    for (int size : sizes) {
      byte[] content = new byte[size];
      Arrays.fill(content, (byte) 'q');
      Files.write(root.resolve("etc/nested/file-" + size), content);
    }
    Files.writeString(root.resolve("etc/caf\u00e9 \u00fcml\u00e4ut"), "unicode\n");
    Files.createSymbolicLink(root.resolve("etc/link"), Path.of("nested/file-1"));
    Files.createLink(root.resolve("etc/hardlink"), root.resolve("etc/nested/file-513"));
    run(List.of("mkfifo", root.resolve("etc/fifo").toString()));
    if (longNames) {
      Path deep = root.resolve("l".repeat(90)).resolve("m".repeat(90));
      Files.createDirectories(deep);
      Files.writeString(deep.resolve("n".repeat(80)), "deep\n");
      Files.createSymbolicLink(root.resolve("long-link"), Path.of("x".repeat(200)));
    }
    return root;
  }

  /** Runs GNU tar in {@code root} with fixed owner and mtime, and returns the archive. */
  private byte[] gnuTar(Path root, String... options) throws Exception {
    Path out = dir.resolve("gnu-" + System.nanoTime() + ".tar");
    List<String> command = new java.util.ArrayList<>(List.of(
        "tar", "-C", root.toString(), "--sort=name", "--owner=1000:1000", "--group=1000:1000",
        "--mtime=@1700000000.25", "-cf", out.toString()));
    command.addAll(Arrays.asList(options));
    run(command);
    return Files.readAllBytes(out);
  }

  private static String[] concatOptions(List<String> first, List<String> second) {
    List<String> all = new java.util.ArrayList<>(first);
    all.addAll(second);
    return all.toArray(String[]::new);
  }

  /**
   * Runs a Python script with {@code tarfile} and {@code io} imported, {@code out} bound to the
   * output path, and {@code add(t, name, type=REGTYPE, size=0, **fields)} adding an entry with
   * generated data. Returns the bytes written to {@code out}.
   */
  private byte[] python(String script) throws Exception {
    Path out = dir.resolve("python.tar");
    String program = """
        import io, sys, tarfile
        out = sys.argv[1]
        def add(t, name, type=tarfile.REGTYPE, size=0, **fields):
            ti = tarfile.TarInfo(name); ti.type = type; ti.size = size; ti.mtime = 1700000000
            for key, value in fields.items():
                setattr(ti, key, value)
            t.addfile(ti, io.BytesIO(bytes(i % 251 for i in range(size))) if size else None)
        """ + script;
    run(List.of("python3", "-c", program, out.toString()));
    return Files.readAllBytes(out);
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    Path log = dir.resolve("command-" + System.nanoTime() + ".log");
    Process process = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(process.exitValue()).as("%s failed: %s", command, Files.readString(log)).isZero();
  }
}
