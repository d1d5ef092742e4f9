package io.sociindexer.layer.tar;

import static io.sociindexer.layer.tar.TarFixtures.readAll;
import static io.sociindexer.layer.tar.TarFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads archives written by Python tarfile, GNU tar and commons-compress. */
class GoTarReaderToolsTest {

  private static final String LONG_NAME = "d".repeat(60) + "/" + "e".repeat(80) + "/file.txt";
  private static final String LONG_TARGET = "t".repeat(50) + "/" + "u".repeat(69);

  @TempDir Path dir;

  @Test
  void pythonFormatsMatchPythonOffsets() throws Exception {
    for (String format : List.of("PAX_FORMAT", "GNU_FORMAT", "USTAR_FORMAT")) {
      boolean ustar = format.equals("USTAR_FORMAT");
      String target = ustar ? "short-target" : LONG_TARGET;
      byte[] archive = TarFixtures.python(dir, """
          with tarfile.open(out, "w", format=tarfile.%s) as t:
              ti = tarfile.TarInfo("%s"); ti.size = 700
              t.addfile(ti, io.BytesIO(b"x" * 700))
              ti = tarfile.TarInfo("link"); ti.type = tarfile.SYMTYPE; ti.linkname = "%s"
              t.addfile(ti)
              ti = tarfile.TarInfo("dir/"); ti.type = tarfile.DIRTYPE
              t.addfile(ti)
          """.formatted(format, LONG_NAME, target));

      List<TarHeader> headers = readAll(archive);

      assertThat(headers).as(format).hasSize(3);
      assertThat(headers.get(0).nameText()).as(format).isEqualTo(LONG_NAME);
      assertThat(headers.get(0).size()).isEqualTo(700);
      assertThat(headers.get(1).linknameText()).as(format).isEqualTo(target);
      assertThat(headers.get(2).nameText()).as(format).isEqualTo("dir/");
      assertMatchesPython(archive, headers);
    }
  }

  @Test
  void pythonHardLinks() throws Exception {
    byte[] archive = TarFixtures.python(dir, """
        with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
            ti = tarfile.TarInfo("bin/tool"); ti.size = 70 * 1024
            t.addfile(ti, io.BytesIO(bytes(range(256)) * 280))
            for name, target in [("bin/tool-alias", "bin/tool"),
                                 ("bin/tool-alias2", "bin/tool-alias"),
                                 ("./opt/x", "bin/tool"),
                                 ("lib/cached", "usr/lib/only-in-lower-layer")]:
                ti = tarfile.TarInfo(name); ti.type = tarfile.LNKTYPE; ti.linkname = target
                t.addfile(ti)
            ti = tarfile.TarInfo("bin/sym"); ti.type = tarfile.SYMTYPE; ti.linkname = "tool"
            t.addfile(ti)
        """);

    List<TarHeader> headers = readAll(archive);

    assertThat(headers).extracting(TarHeader::nameText).containsExactly(
        "bin/tool", "bin/tool-alias", "bin/tool-alias2", "./opt/x", "lib/cached", "bin/sym");
    assertThat(headers.subList(1, 5)).allSatisfy(h -> {
      assertThat(h.typeflag()).isEqualTo((byte) '1');
      assertThat(h.size()).isZero();
    });
    assertThat(headers.get(2).linknameText()).isEqualTo("bin/tool-alias");
    assertThat(headers.get(4).linknameText()).isEqualTo("usr/lib/only-in-lower-layer");
    assertThat(headers.get(5).typeflag()).isEqualTo((byte) '2');
    assertMatchesPython(archive, headers);
  }

  @Test
  void pythonDevicesKeepNumbers() throws Exception {
    byte[] archive = TarFixtures.python(dir, """
        with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
            for name, kind in [("dev/null", tarfile.CHRTYPE), ("dev/sda", tarfile.BLKTYPE)]:
                ti = tarfile.TarInfo(name); ti.type = kind; ti.devmajor = 8; ti.devminor = 3
                t.addfile(ti)
            ti = tarfile.TarInfo("run/fifo"); ti.type = tarfile.FIFOTYPE
            t.addfile(ti)
        """);

    List<TarHeader> headers = readAll(archive);

    assertThat(headers).extracting(TarHeader::typeflag)
        .containsExactly((byte) '3', (byte) '4', (byte) '6');
    assertThat(headers.get(1).devmajor()).isEqualTo(8);
    assertThat(headers.get(1).devminor()).isEqualTo(3);
    assertMatchesPython(archive, headers);
  }

  @Test
  void pythonPaxTimesAndXattrs() throws Exception {
    byte[] archive = TarFixtures.python(dir, """
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
            ti = tarfile.TarInfo("f"); ti.size = 3
            ti.pax_headers = {"mtime": "1700000000.25", "SCHILY.xattr.user.k": "v\\u00e9"}
            t.addfile(ti, io.BytesIO(b"abc"))
            ti = tarfile.TarInfo("old"); ti.mtime = -1.5
            t.addfile(ti)
        """);

    List<TarHeader> headers = readAll(archive);

    assertThat(headers.get(0).modTimeSeconds()).isEqualTo(1_700_000_000L);
    assertThat(headers.get(0).modTimeNanos()).isEqualTo(250_000_000);
    assertThat(headers.get(0).paxRecords().keySet()).extracting(Object::toString)
        .containsExactly("SCHILY.xattr.user.k", "mtime");
    assertThat(headers.get(1).modTimeSeconds()).isEqualTo(-2);
    assertThat(headers.get(1).modTimeNanos()).isEqualTo(500_000_000);
    assertMatchesPython(archive, headers);
  }

  @Test
  void gnuTarKeepsDotSlashNames() throws Exception {
    Path root = dir.resolve("root");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    byte[] archive = TarFixtures.run(dir, List.of("tar", "-C", root.toString(), "-cf", "-", "."));
    long[] end = new long[1];

    List<TarHeader> headers = readAll(archive, end);

    assertThat(headers).extracting(TarHeader::nameText)
        .containsExactlyInAnyOrder("./", "./etc/", "./etc/hosts");
    assertThat(archive.length % 10240).isZero();
    assertThat(end[0]).isEqualTo(headers.getLast().dataOffset()
        + (headers.getLast().typeflag() == '5' ? 0 : 512) + 1024);
    assertMatchesPython(archive, headers);
  }

  @Test
  void commonsCompressLongNames() throws Exception {
    for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_POSIX,
        TarArchiveOutputStream.LONGFILE_GNU}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
        out.setLongFileMode(mode);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        TarArchiveEntry file = new TarArchiveEntry(LONG_NAME);
        file.setSize(3);
        out.putArchiveEntry(file);
        out.write("abc".getBytes(StandardCharsets.UTF_8));
        out.closeArchiveEntry();
        TarArchiveEntry link = new TarArchiveEntry("link", TarConstants.LF_SYMLINK);
        link.setLinkName(LONG_TARGET);
        out.putArchiveEntry(link);
        out.closeArchiveEntry();
      }
      byte[] archive = bytes.toByteArray();

      List<TarHeader> headers = readAll(archive);

      assertThat(headers).as("mode %s", mode).hasSize(2);
      assertThat(headers.get(0).nameText()).isEqualTo(LONG_NAME);
      assertThat(headers.get(1).linknameText()).isEqualTo(LONG_TARGET);
      assertMatchesPython(archive, headers);
    }
  }

  /**
   * Checks names, sizes, link names and offsets against Python's tarfile, whose offsets follow
   * the same rules as Go's for these archives. Python strips the trailing slash of directories.
   */
  private void assertMatchesPython(byte[] archive, List<TarHeader> headers) throws Exception {
    Path file = dir.resolve("view-" + System.nanoTime() + ".tar");
    Files.write(file, archive);
    String script = """
        import sys, tarfile
        with tarfile.open(sys.argv[1]) as t:
            for m in t:
                print(m.name.encode("utf-8", "surrogateescape").hex(), m.offset, m.offset_data,
                      m.size, m.linkname.encode("utf-8", "surrogateescape").hex())
        """;
    String output = text(TarFixtures.run(dir, List.of("python3", "-c", script, file.toString())));
    List<String> expected = new ArrayList<>(output.lines().toList());
    List<String> actual = new ArrayList<>();
    for (TarHeader header : headers) {
      byte[] name = header.name();
      if (header.typeflag() == '5' && name.length > 1 && name[name.length - 1] == '/') {
        name = java.util.Arrays.copyOf(name, name.length - 1);
      }
      actual.add(HexFormat.of().formatHex(name) + " " + header.headerOffset() + " "
          + header.dataOffset() + " " + header.size() + " "
          + HexFormat.of().formatHex(header.linkname()));
    }
    assertThat(actual).isEqualTo(expected);
  }
}
