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
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Platform;
import io.sociindexer.soci.ConvertedIndex;
import io.sociindexer.soci.PlatformConversion;
import io.sociindexer.soci.SociIndexAssembler;
import io.sociindexer.soci.SociIndexManifest;
import io.sociindexer.soci.SociIndexV2;
import io.sociindexer.soci.ZtocLayer;
import io.sociindexer.ztoc.FileMetadata;
import io.sociindexer.ztoc.TocEntries;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
    byte[] negativeUid = TarBlocks.edit(TarBlocks.gnu("negative-uid", '0', 0), 108,
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xfe});
    // Go reports the size field of header-only types but reads no data for them.
    byte[] sizedDirectory = TarBlocks.ustar("sized-dir/", '5', 700);
    byte[] sizedSymlink = TarBlocks.ustar("sized-link", '2', 1);
    byte[] archive = concat(prefixed, star, gnuWithPrefix, base256, negativeTime, spaces, signed,
        devices, negativeUid, sizedDirectory, sizedSymlink, trailer());

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

  // Go encoding/json.

  /** Text with every character class Go's encoder escapes or must keep as UTF-8. */
  private static final String TRICKY_TEXT =
      "<tool> & \"quoted\" \\ caf\u00e9 \uD83D\uDE00 \u2028\u2029 \u0001\u001f\u007f \b\f\n\r\t"
          + " \uFFFD \u00A0 end";

  private static final Digest LAYER_ONE = Digest.sha256(bytes("layer one"));
  private static final Digest LAYER_TWO = Digest.sha256(bytes("layer two"));
  private static final Digest LAYER_THREE = Digest.sha256(bytes("layer three"));

  @Test
  void sociIndexManifestsMatchGo() throws Exception {
    List<ZtocLayer> ztocs = List.of(
        new ZtocLayer(Descriptor.of(MediaType.OCI_LAYER_GZIP, LAYER_ONE, 1234), bytes("z1"),
            4_194_304),
        new ZtocLayer(Descriptor.of(MediaType.DOCKER_LAYER_GZIP, LAYER_TWO, 99), bytes("z2"),
            1 << 20, true),
        new ZtocLayer(Descriptor.of(MediaType.of("application/x-" + TRICKY_TEXT), LAYER_THREE, 7),
            bytes("z3"), 65_536));
    Descriptor subject = Descriptor.of(MediaType.OCI_MANIFEST, LAYER_ONE, 512)
        .withPlatform(Platform.of("linux", "amd64"))
        .withAnnotations(Map.of("dropped", "yes"));
    List<SociIndexManifest> indexes = List.of(
        SociIndexV2.build(ztocs, SociIndexV2.DEFAULT_BUILD_TOOL_IDENTIFIER),
        SociIndexV2.build(ztocs, TRICKY_TEXT),
        SociIndexV2.build(ztocs.subList(0, 1), ""),
        SociIndexV2.buildV1(ztocs, subject, TRICKY_TEXT));

    for (SociIndexManifest index : indexes) {
      assertGoStable("SOCI index " + index.digest(), index.bytes(), false);
    }
  }

  @Test
  void convertedIndexesMatchGo() throws Exception {
    ImageManifest amd64 = ImageManifest.parse(bytes(sourceManifest(LAYER_ONE, "amd64")));
    ImageManifest arm64 = ImageManifest.parse(bytes(sourceManifest(LAYER_TWO, "arm64")));
    ImageManifest armV7 = ImageManifest.parse(bytes(sourceManifest(LAYER_THREE, "arm")));
    String sourceIndex = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
          "manifests": [
            %s,
            %s,
            %s,
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s",
             "size": 1, "platform": {"architecture": "amd64", "os": "windows",
             "os.version": "10.0.20348.2340", "os.features": ["win32k", "<&>"]},
             "urls": ["https://example.com/a?b=1&c=<2>"], "annotations": {"k": "v"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s",
             "size": 2, "platform": {"architecture": "unknown", "os": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                             "vnd.docker.reference.digest": "%s"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s",
             "size": 3, "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"},
             "artifactType": "application/vnd.amazon.soci.index.v2+json"}
          ],
          "annotations": {"\\uFFFD": "replacement", "\\uD83D\\uDE00": "smile", "a<b": "c&d",
                          "org.opencontainers.image.ref.name": "%s"},
          "unknownField": {"dropped": true}
        }
        """.formatted(
            entryJson(amd64, "\"architecture\": \"amd64\", \"os\": \"linux\""),
            entryJson(arm64, "\"architecture\": \"arm64\", \"os\": \"linux\", \"variant\": \"v8\""),
            entryJson(armV7, "\"architecture\": \"arm\", \"os\": \"linux\", \"variant\": \"v7\""),
            LAYER_ONE, LAYER_TWO, amd64.digest(), LAYER_THREE, TRICKY_TEXT.replace("\\", "\\\\")
                .replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f")
                .replace("\u0001", "\\u0001").replace("\u001f", "\\u001f"));
    ImageIndex index = ImageIndex.parse(bytes(sourceIndex));
    SociIndexManifest amd64Soci = sociIndexFor(amd64, TRICKY_TEXT);
    SociIndexManifest arm64Soci = sociIndexFor(arm64, SociIndexV2.DEFAULT_BUILD_TOOL_IDENTIFIER);

    ConvertedIndex converted = new SociIndexAssembler().convert(index, List.of(
        new PlatformConversion(amd64, amd64Soci), new PlatformConversion(arm64, arm64Soci)));

    assertGoStable("converted index", converted.index().raw(), true);
    assertThat(converted.rewrittenManifests()).hasSize(2);
    for (ImageManifest manifest : converted.rewrittenManifests().values()) {
      assertGoStable("rewritten manifest " + manifest.digest(), manifest.raw(), false);
    }
    assertGoStable("amd64 SOCI index", amd64Soci.bytes(), false);
    assertGoStable("arm64 SOCI index", arm64Soci.bytes(), false);
  }

  @Test
  void singleManifestConversionMatchesGo() throws Exception {
    ImageManifest manifest = ImageManifest.parse(bytes(sourceManifest(LAYER_ONE, "s390x")));
    Platform platform = new Platform("s390x", "linux", "", List.of(), "");
    SociIndexManifest sociIndex = sociIndexFor(manifest, "id");

    ConvertedIndex converted = new SociIndexAssembler().convert(manifest, platform, sociIndex);

    assertGoStable("single-manifest index", converted.index().raw(), true);
    for (ImageManifest rewritten : converted.rewrittenManifests().values()) {
      assertGoStable("rewritten manifest", rewritten.raw(), false);
    }
  }

  @Test
  void parsedManifestsRemarshalLikeGo() throws Exception {
    String config = "\"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\","
        + " \"digest\": \"" + LAYER_ONE + "\", \"size\": 9007199254740993}";
    String layer = "{\"mediaType\": \"application/vnd.oci.image.layer.v1.tar\", \"digest\": \""
        + LAYER_TWO + "\", \"size\": 0";
    List<String> documents = List.of(
        "{\"schemaVersion\": 2, " + config + ", \"layers\": []}",
        "{ \"schemaVersion\" : 2 ,\n\t\"mediaType\": \"\", \"artifactType\": \"\", " + config
            + ", \"layers\": [" + layer + ", \"urls\": [], \"annotations\": {}}],"
            + " \"subject\": null, \"annotations\": {}, \"extra\": [1, 2, {\"x\": null}]}",
        "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", "
            + "\"artifactType\": \"application/vnd.example+type\", " + config + ", \"layers\": ["
            + layer + ", \"annotations\": {\"\\u00e9\": \"\\ud83d\\ude00\", \"\\/slash\": \"\\u003c\","
            + " \"ctl\": \"\\u0001\\b\\f\\u007f\\u2028\", \"z\": \"\", \"\\uFFFD\": \"x\","
            + " \"\\ud83d\\ude00\": \"y\"}, \"platform\": {\"architecture\": \"arm\", \"os\": \"linux\","
            + " \"os.features\": [], \"variant\": \"\"}}],"
            + " \"subject\": {\"mediaType\": \"m\", \"digest\": \"" + LAYER_THREE
            + "\", \"size\": 1, \"artifactType\": \"a\"},"
            + " \"annotations\": {\"dup\": \"first\", \"dup\": \"second\"}}",
        "{\"schemaVersion\": 2, " + config + ", \"layers\": [" + layer
            + ", \"data\": \"aGVsbG8=\", \"platform\": {\"architecture\": \"amd64\", \"os\": \"linux\"}},"
            + " " + layer + ", \"data\": \"\"}]}");

    for (String document : documents) {
      byte[] expected = oracle.remarshalManifest(bytes(document));

      assertThat(text(ImageManifest.parse(bytes(document)).toGoJson()))
          .as("Go JSON of %s", document)
          .isEqualTo(text(expected));
    }
  }

  @Test
  void parsedIndexesRemarshalLikeGo() throws Exception {
    String manifestEntry = "{\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", "
        + "\"digest\": \"" + LAYER_ONE + "\", \"size\": 5, \"platform\": {\"os\": \"linux\", "
        + "\"architecture\": \"ppc64le\", \"os.version\": \"\", \"os.features\": [\"a\", \"<b>\"],"
        + " \"variant\": \"power9\", \"unknown\": 1}, \"annotations\": {\"b\": \"1\", \"a\": \"2\"}}";
    List<String> documents = List.of(
        "{\"schemaVersion\": 2, \"manifests\": []}",
        "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\","
            + " \"artifactType\": \"application/x\", \"manifests\": [" + manifestEntry + "],"
            + " \"subject\": {\"mediaType\": \"m\", \"digest\": \"" + LAYER_TWO + "\", \"size\": 3,"
            + " \"urls\": [\"u\"]}, \"annotations\": {\"k\": \"\\u0026\"}}");

    for (String document : documents) {
      byte[] expected = oracle.remarshalIndex(bytes(document));

      assertThat(text(ImageIndex.parse(bytes(document)).toGoJson()))
          .as("Go JSON of %s", document)
          .isEqualTo(text(expected));
    }
  }

  @Test
  void legacyEscapesRewritten() {
    byte[] go119 = bytes("{\"a\":\"\\u0008\\u000c\\\\u0008\\u0001\"}");

    byte[] modern = GoOracle.modernControlEscapes(go119);

    assertThat(text(modern)).isEqualTo("{\"a\":\"\\b\\f\\\\u0008\\u0001\"}");
    assertThat(GoOracle.isBefore122("go version go1.19.8 linux/amd64")).isTrue();
    assertThat(GoOracle.isBefore122("go version go1.25.0 linux/amd64")).isFalse();
  }

  /** Asserts that Go decodes {@code json} and encodes it again to the same bytes. */
  private static void assertGoStable(String label, byte[] json, boolean index) throws Exception {
    byte[] remarshalled =
        index ? oracle.remarshalIndex(json) : oracle.remarshalManifest(json);

    assertThat(text(remarshalled)).as("%s re-marshalled by Go", label).isEqualTo(text(json));
    assertThat(remarshalled).as("%s bytes", label).isEqualTo(json);
  }

  /**
   * Returns a Docker schema 2 manifest with two layers, an annotation with characters Go escapes,
   * Docker-style indentation and a field {@code ocispec.Manifest} does not have.
   */
  private static String sourceManifest(Digest layer, String architecture) {
    return """
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
           "config": {
              "mediaType": "application/vnd.docker.container.image.v1+json",
              "size": 1500,
              "digest": "%s"
           },
           "layers": [
              {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 100,
               "digest": "%s", "urls": ["https://example.com/layer?x=<1>&y=2"]},
              {"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
               "size": 200, "digest": "%s", "annotations": {"\\u00e9t\\u00e9": "<&>"}}
           ],
           "annotations": {"arch": "%s", "com.amazon.soci.index-digest": "%s"},
           "extra": "dropped by Go"
        }
        """.formatted(Digest.sha256(bytes(architecture)), layer, LAYER_THREE, architecture,
            LAYER_TWO);
  }

  private static String entryJson(ImageManifest manifest, String platform) {
    return "{\"mediaType\": \"" + manifest.mediaType() + "\", \"digest\": \"" + manifest.digest()
        + "\", \"size\": " + manifest.size() + ", \"platform\": {" + platform + "},"
        + " \"annotations\": {\"lost\": \"on rewrite\"}}";
  }

  private static SociIndexManifest sociIndexFor(ImageManifest manifest, String buildTool) {
    List<ZtocLayer> ztocs = new java.util.ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      ztocs.add(new ZtocLayer(layer, bytes("ztoc of " + layer.digest()), 4_194_304));
    }
    return SociIndexV2.build(ztocs, buildTool);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
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
