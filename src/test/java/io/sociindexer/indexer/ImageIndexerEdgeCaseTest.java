package io.sociindexer.indexer;

import static io.sociindexer.indexer.LayerFixtures.concat;
import static io.sociindexer.indexer.LayerFixtures.file;
import static io.sociindexer.indexer.LayerFixtures.gzip;
import static io.sociindexer.indexer.LayerFixtures.header;
import static io.sociindexer.indexer.LayerFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.layer.Checkpoint;
import io.sociindexer.layer.Zinfo;
import io.sociindexer.layer.ZinfoCheckpoints;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Platform;
import io.sociindexer.oci.layout.OciLayout;
import io.sociindexer.soci.SociIndexV2;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.OciImageBuilder.Layer;
import io.sociindexer.testing.OciImageBuilder.Manifest;
import io.sociindexer.testing.ZtocReadBack;
import io.sociindexer.ztoc.CompressionInfo;
import io.sociindexer.ztoc.FileMetadata;
import io.sociindexer.ztoc.Ztoc;
import io.sociindexer.ztoc.ZtocReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Indexes hand-built OCI layouts that reproduce layer and manifest faults reported against soci
 * and similar tools, and checks the outcome the indexer promises for each. Every zTOC produced is
 * read back against its layer with {@link ZtocReadBack}, the checks soci's snapshotter makes.
 */
class ImageIndexerEdgeCaseTest {

  private static final long SPAN = 1 << 20;
  private static final long MIN_LAYER_SIZE = 10L << 20;
  private static final IndexOptions SMALL =
      IndexOptions.defaults().withSpanSize(SPAN).withMinLayerSize(0);

  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final String OCI_TAR = "application/vnd.oci.image.layer.v1.tar";
  private static final String OCI_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  private static final String DOCKER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
  private static final String DOCKER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  private static final String OCTET_STREAM = "application/octet-stream";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  private static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  private static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  /** Manifests written by {@link #indexDockerList}, by architecture. */
  private final Map<String, Manifest> dockerManifests = new HashMap<>();

  // Multi-member gzip layers, as parallel gzip tools write them.

  @ParameterizedTest
  @ValueSource(strings = {"splits-in-data-and-header", "empty-member", "split-on-span-boundary"})
  void multiMemberGzipReadsBack(String variant) throws Exception {
    List<byte[]> files = new ArrayList<>();
    byte[] tar = multiMemberTar(files);
    long insideData = 2 * 512 + files.get(0).length + padding(files.get(0)) + 1000;
    long secondHeader = 512 + files.get(0).length + padding(files.get(0));
    long thirdHeader = secondHeader + 512 + files.get(1).length + padding(files.get(1));
    long insideHeader = thirdHeader + 100;
    List<byte[]> pieces =
        switch (variant) {
          case "splits-in-data-and-header" -> split(tar, insideData, insideHeader);
          case "empty-member" -> insertEmpty(split(tar, insideData, insideHeader), 1);
          default -> split(tar, SPAN, insideHeader);
        };
    byte[] blob = LayerFixtures.gzipMembers(pieces);

    IndexResult result = indexSingle("multi-member-" + variant, List.of(new Blob(tar, blob, OCI_GZIP)), SMALL);

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    Ztoc ztoc = verifiedZtocs(result).getFirst();
    assertThat(ztoc.uncompressedArchiveSize()).isEqualTo(tar.length);
    assertThat(ztoc.entries()).extracting(FileMetadata::nameText)
        .containsExactly("f1", "f2", "f3", "f4");
    List<Checkpoint> checkpoints = Zinfo.fromBlob(ztoc.compressionInfo().checkpoints()).checkpoints();
    assertThat(checkpoints.size()).as("checkpoints").isGreaterThanOrEqualTo(2);
    for (int i = 1; i < checkpoints.size(); i++) {
      assertThat(checkpoints.get(i).out() - checkpoints.get(i - 1).out())
          .as("distance of checkpoint %d from the previous one", i)
          .isGreaterThanOrEqualTo(SPAN);
    }
  }

  /** Four files of 900 KiB, half random and half text, so the tar is about 3.5 spans. */
  private static byte[] multiMemberTar(List<byte[]> files) {
    List<byte[]> parts = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      byte[] data = LayerFixtures.mixed("multi-member-f" + i, 900 * 1024 + 17 * i);
      files.add(data);
      parts.add(file("f" + i, data));
    }
    parts.add(zeros(1024));
    return concat(parts.toArray(byte[][]::new));
  }

  private static int padding(byte[] data) {
    return LayerFixtures.padding(data.length);
  }

  private static List<byte[]> split(byte[] data, long... points) {
    List<byte[]> pieces = new ArrayList<>();
    int start = 0;
    for (long point : points) {
      pieces.add(Arrays.copyOfRange(data, start, (int) point));
      start = (int) point;
    }
    pieces.add(Arrays.copyOfRange(data, start, data.length));
    return pieces;
  }

  private static List<byte[]> insertEmpty(List<byte[]> pieces, int position) {
    List<byte[]> result = new ArrayList<>(pieces);
    result.add(position, new byte[0]);
    return result;
  }

  // gzip headers with FEXTRA, FNAME, FCOMMENT and FHCRC.

  @ParameterizedTest
  @CsvSource({"0x1e, 44", "0x04, 18", "0x08, 20", "0x10, 24", "0x02, 12", "0x01, 10"})
  void gzipHeaderFieldsSetCheckpointZero(String flagsText, int headerLength) throws Exception {
    int flags = Integer.decode(flagsText);
    byte[] tar =
        concat(
            file("a.txt", "first file\n".getBytes(StandardCharsets.UTF_8)),
            file("b.txt", LayerFixtures.mixed("gzip-header", 3000)),
            zeros(1024));
    byte[] header = gzipHeader(flags);
    byte[] blob = LayerFixtures.gzipMember(header, LayerFixtures.rawDeflate(tar), tar);
    assertThat(header).hasSize(headerLength);

    IndexResult result = indexSingle("gzip-header-" + flags, List.of(new Blob(tar, blob, OCI_GZIP)), SMALL);

    Ztoc ztoc = verifiedZtocs(result).getFirst();
    Ztoc parsed = ZtocReader.parse(result.platforms().getFirst().layers().getFirst().ztocBytes());
    ZinfoCheckpoints zinfo = Zinfo.fromBlob(parsed.compressionInfo().checkpoints());
    assertThat(zinfo.version()).isEqualTo(Zinfo.VERSION_TWO);
    assertThat(zinfo.checkpoints().getFirst().in()).isEqualTo(headerLength);
    assertThat(zinfo.checkpoints().getFirst().out()).isZero();
    assertThat(ztoc.entries()).extracting(FileMetadata::nameText).containsExactly("a.txt", "b.txt");
  }

  /** Builds a gzip header with the optional fields that {@code flags} selects. */
  private static byte[] gzipHeader(int flags) {
    byte[] fixed = {0x1f, (byte) 0x8b, 8, (byte) flags, 0x10, 0x20, 0x30, 0x40, 0, 3};
    byte[] header = fixed;
    if ((flags & 0x04) != 0) {
      header = concat(header, new byte[] {6, 0, 'S', 'I', 2, 0, 'x', 'y'});
    }
    if ((flags & 0x08) != 0) {
      header = concat(header, "layer.tar\0".getBytes(StandardCharsets.ISO_8859_1));
    }
    if ((flags & 0x10) != 0) {
      header = concat(header, "built by test\0".getBytes(StandardCharsets.ISO_8859_1));
    }
    if ((flags & 0x02) != 0) {
      CRC32 crc = new CRC32();
      crc.update(header);
      header = concat(header, new byte[] {(byte) crc.getValue(), (byte) (crc.getValue() >>> 8)});
    }
    return header;
  }

  // Uncompressed layers and layers whose media type does not match their bytes.

  @Test
  void mislabelledLayersSkippedWithFormat() throws Exception {
    byte[] tar1 = smallTar("mislabelled-1");
    byte[] tar2 = smallTar("mislabelled-2");
    byte[] tar3 = smallTar("mislabelled-3");
    byte[] tar4 = smallTar("mislabelled-4");
    byte[] tar5 = smallTar("mislabelled-5");
    byte[] tar6 = smallTar("mislabelled-6");
    List<Blob> blobs =
        List.of(
            new Blob(tar1, gzip(tar1), OCI_GZIP),
            new Blob(tar2, tar2, OCI_TAR),
            new Blob(tar3, tar3, DOCKER_TAR),
            new Blob(tar4, tar4, OCI_GZIP),
            new Blob(tar5, gzip(tar5), OCI_TAR),
            new Blob(tar6, tar6, OCTET_STREAM));

    IndexResult result = indexSingle("mislabelled", blobs, SMALL);

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    List<LayerOutcome> layers = result.platforms().getFirst().layers();
    assertThat(layers).extracting(LayerOutcome::indexed)
        .containsExactly(true, true, true, false, false, false);
    List<Ztoc> ztocs = verifiedZtocs(result);
    assertThat(ztocs).extracting(ztoc -> ztoc.compressionInfo().algorithm())
        .containsExactly(
            CompressionInfo.Algorithm.GZIP,
            CompressionInfo.Algorithm.UNCOMPRESSED,
            CompressionInfo.Algorithm.UNCOMPRESSED);
    assertThat(layers.get(3).skipReason()).contains(OCI_GZIP).contains("uncompressed tar");
    assertThat(layers.get(4).skipReason()).contains(OCI_TAR).contains("gzip");
    assertThat(layers.get(5).skipReason()).contains(OCTET_STREAM).contains("uncompressed tar");
  }

  private static byte[] smallTar(String seed) {
    return concat(
        file(seed + "/data.bin", LayerFixtures.mixed(seed, 5000)),
        file(seed + "/notes.txt", (seed + "\n").getBytes(StandardCharsets.UTF_8)),
        zeros(1024));
  }

  // zstd layers, which soci cannot index, next to gzip layers.

  @Test
  void zstdLayerSkippedOthersIndexed() throws Exception {
    IndexOptions options = IndexOptions.defaults().withSpanSize(SPAN).withMinLayerSize(64 * 1024);
    byte[] bigTar = concat(file("big.bin", LayerFixtures.random("zstd-big", 200 * 1024)), zeros(1024));
    byte[] zstdTar = smallTar("zstd-zstd");
    byte[] smallTar = concat(file("small.txt", "tiny\n".getBytes(StandardCharsets.UTF_8)), zeros(1024));
    Blob zstd = new Blob(zstdTar, zstd(zstdTar), OCI_ZSTD);
    List<Blob> blobs =
        List.of(new Blob(bigTar, gzip(bigTar), OCI_GZIP), zstd, new Blob(smallTar, gzip(smallTar), OCI_GZIP));

    OciImageBuilder image = image("zstd-mixed");
    List<Layer> layers = addLayers(image, blobs);
    image.tag(image.manifest("linux", "amd64", layers), "v1");
    RecordingStore store = new RecordingStore(OciLayoutImageStore.open(image.layout()));
    IndexResult result = new ImageIndexer(options).index(store, "v1", null);

    List<LayerOutcome> outcomes = result.platforms().getFirst().layers();
    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(outcomes).extracting(LayerOutcome::indexed).containsExactly(true, false, false);
    assertThat(outcomes.get(1).skipReason()).contains("zstd");
    assertThat(outcomes.get(2).skipReason())
        .contains(String.valueOf(layers.get(2).size()))
        .contains(String.valueOf(64 * 1024));
    assertThat(store.opened).containsExactly(layers.get(0).digest());
    verifiedZtocs(result);
  }

  @Test
  void zstdOnlyImageHasNothingToIndex() throws Exception {
    byte[] tar = smallTar("zstd-only");
    OciImageBuilder image = image("zstd-only");
    image.tag(image.manifest("linux", "amd64", addLayers(image, List.of(new Blob(tar, zstd(tar), OCI_ZSTD)))), "v1");
    byte[] indexJsonBefore = indexJson(image);

    IndexResult result = index(image, "v1", SMALL);

    assertThat(result.status()).isEqualTo(IndexResult.Status.NOTHING_TO_INDEX);
    assertThat(result.imageIndex()).isNull();
    assertThat(result.outputTag()).isNull();
    assertThat(result.platforms().getFirst().layers().getFirst().skipReason()).contains("zstd");
    assertThat(indexJson(image)).isEqualTo(indexJsonBefore);
  }

  private byte[] zstd(byte[] tar) throws IOException, InterruptedException {
    Path input = Files.createTempFile(dir, "layer", ".tar");
    Files.write(input, tar);
    byte[] blob = LayerFixtures.bash(dir, "zstd -3 -q -c '" + input + "' > \"$OUT\"");
    assertThat(Arrays.copyOf(blob, 4)).isEqualTo(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});
    return blob;
  }

  // Tar end-of-archive variants and the uncompressed archive size.

  @Test
  void trailerVariantsCountLikeGo() throws Exception {
    byte[] body =
        concat(
            file("one.txt", LayerFixtures.mixed("trailer-1", 700)),
            file("two.txt", LayerFixtures.mixed("trailer-2", 1000)));
    int end = body.length;
    byte[] trailer = concat(body, zeros(1024));
    byte[] recordPadded =
        concat(trailer, zeros((10240 - trailer.length % 10240) % 10240), zeros(4096));
    Map<String, byte[]> variants =
        Map.of(
            "normal", concat(body, zeros(1024)),
            "no-trailer", body,
            "one-zero-block", concat(body, zeros(512)),
            "record-padding", recordPadded);
    Map<String, Long> expectedSize =
        Map.of(
            "normal", (long) end + 1024,
            "no-trailer", (long) end,
            "one-zero-block", (long) end + 512,
            "record-padding", (long) end + 1024);

    List<FileMetadata> firstEntries = null;
    for (String variant : List.of("normal", "no-trailer", "one-zero-block", "record-padding")) {
      byte[] tar = variants.get(variant);
      IndexResult result = indexSingle("trailer-" + variant, List.of(new Blob(tar, gzip(tar), OCI_GZIP)), SMALL);

      Ztoc ztoc = verifiedZtocs(result).getFirst();
      assertThat(ztoc.uncompressedArchiveSize()).as("archive size of %s", variant)
          .isEqualTo(expectedSize.get(variant));
      if (firstEntries == null) {
        firstEntries = ztoc.entries();
      }
      assertThat(ztoc.entries()).as("entries of %s", variant).isEqualTo(firstEntries);
    }
  }

  @Test
  void blockSizedLastFileWithoutTrailer() throws Exception {
    byte[] tar =
        concat(
            file("one.txt", LayerFixtures.mixed("block-sized-1", 700)),
            file("two.bin", LayerFixtures.mixed("block-sized-2", 1024)));

    IndexResult result = indexSingle("trailer-block-sized", List.of(new Blob(tar, gzip(tar), OCI_GZIP)), SMALL);

    Ztoc ztoc = verifiedZtocs(result).getFirst();
    assertThat(ztoc.uncompressedArchiveSize()).isEqualTo(tar.length);
    assertThat(ztoc.entries()).extracting(FileMetadata::uncompressedSize).containsExactly(700L, 1024L);
  }

  // Hard links, including chains and targets in other layers.

  @Test
  void hardLinksKeepLinknames() throws Exception {
    byte[] tar =
        LayerFixtures.python(
            dir,
            """
            import io, random, sys, tarfile
            data = random.Random(7).randbytes(70 * 1024)
            with tarfile.open(sys.argv[1], 'w') as t:
                info = tarfile.TarInfo('bin/tool')
                info.size = len(data)
                info.mode = 0o755
                info.mtime = 1700000000
                t.addfile(info, io.BytesIO(data))
                def link(name, target, kind=tarfile.LNKTYPE):
                    info = tarfile.TarInfo(name)
                    info.type = kind
                    info.linkname = target
                    info.mtime = 1700000000
                    t.addfile(info)
                link('bin/tool-alias', 'bin/tool')
                link('bin/tool-alias2', 'bin/tool-alias')
                link('./opt/x', 'bin/tool')
                link('lib/cached', 'usr/lib/only-in-lower-layer')
                link('bin/sym', 'tool', tarfile.SYMTYPE)
            """);

    IndexResult result = indexSingle("hard-links", List.of(new Blob(tar, gzip(tar), OCI_GZIP)), SMALL);

    List<FileMetadata> entries = verifiedZtocs(result).getFirst().entries();
    assertThat(entries).extracting(FileMetadata::nameText)
        .containsExactly("bin/tool", "bin/tool-alias", "bin/tool-alias2", "./opt/x", "lib/cached", "bin/sym");
    assertThat(entries).extracting(FileMetadata::type)
        .containsExactly("reg", "hardlink", "hardlink", "hardlink", "hardlink", "symlink");
    assertThat(entries).extracting(entry -> new String(entry.linkname(), StandardCharsets.UTF_8))
        .containsExactly(
            "", "bin/tool", "bin/tool-alias", "bin/tool", "usr/lib/only-in-lower-layer", "tool");
    assertThat(entries.subList(1, 6)).extracting(FileMetadata::uncompressedSize).containsOnly(0L);
  }

  // Long names (PAX, GNU, ustar prefix) and names with a ./ prefix.

  private static final String LONG_PATH = "a".repeat(60) + "/" + "b".repeat(80) + "/file.txt";
  private static final String LONG_TARGET = "c".repeat(50) + "/" + "d".repeat(60) + "/target.x";
  private static final String USTAR_TARGET = "e".repeat(81) + "/target.x";

  @ParameterizedTest
  @ValueSource(strings = {"PAX_FORMAT", "GNU_FORMAT", "USTAR_FORMAT"})
  void longNamesReadBack(String format) throws Exception {
    // ustar has no way to store a link name longer than 100 bytes.
    String target = format.equals("USTAR_FORMAT") ? USTAR_TARGET : LONG_TARGET;
    byte[] tar =
        LayerFixtures.python(
            dir,
            """
            import io, sys, tarfile
            with tarfile.open(sys.argv[1], 'w', format=tarfile.%s) as t:
                data = b'long name content\\n' * 100
                info = tarfile.TarInfo('%s')
                info.size = len(data)
                info.mtime = 1700000000
                t.addfile(info, io.BytesIO(data))
                link = tarfile.TarInfo('short/link')
                link.type = tarfile.SYMTYPE
                link.linkname = '%s'
                link.mtime = 1700000000
                t.addfile(link)
            """
                .formatted(format, LONG_PATH, target));

    IndexResult result = indexSingle("long-names-" + format, List.of(new Blob(tar, gzip(tar), OCI_GZIP)), SMALL);

    List<FileMetadata> entries = verifiedZtocs(result).getFirst().entries();
    assertThat(entries).extracting(FileMetadata::nameText).containsExactly(LONG_PATH, "short/link");
    assertThat(new String(entries.get(1).linkname(), StandardCharsets.UTF_8)).isEqualTo(target);
    assertThat(entries.getFirst().uncompressedSize()).isEqualTo(1800);
    if (!format.equals("USTAR_FORMAT")) {
      assertThat(entries.getFirst().uncompressedOffset())
          .as("data offset after the extension blocks")
          .isGreaterThanOrEqualTo(3 * 512);
    }
  }

  @Test
  void dotSlashNamesKeptVerbatim() throws Exception {
    byte[] tar =
        LayerFixtures.bash(
            dir,
            """
            mkdir -p tree/etc
            echo '127.0.0.1 localhost' > tree/etc/hosts
            tar -C tree --mtime=@1700000000 --sort=name -cf "$OUT" .
            """);

    IndexResult result = indexSingle("long-names-dot", List.of(new Blob(tar, gzip(tar), OCI_GZIP)), SMALL);

    List<FileMetadata> entries = verifiedZtocs(result).getFirst().entries();
    assertThat(entries).extracting(FileMetadata::nameText).containsExactly("./", "./etc/", "./etc/hosts");
  }

  // Tar entries soci rejects.

  @ParameterizedTest
  @CsvSource({
    "pax-global, 'g'",
    "gnu-sparse, sparse",
    "unknown-typeflag, 'Z'",
  })
  void rejectedTarEntrySkipsLayer(String variant, String reasonPart) throws Exception {
    byte[] bad =
        switch (variant) {
          case "pax-global" ->
              LayerFixtures.python(
                  dir,
                  """
                  import io, sys, tarfile
                  with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT,
                                    pax_headers={'comment': 'commit 0123abcd'}) as t:
                      data = b'hello\\n'
                      info = tarfile.TarInfo('hello.txt')
                      info.size = len(data)
                      t.addfile(info, io.BytesIO(data))
                  """);
          case "gnu-sparse" ->
              LayerFixtures.bash(
                  dir,
                  """
                  mkdir -p sparse
                  truncate -s 4M sparse/holes
                  printf 'data' | dd of=sparse/holes bs=1 seek=2097152 conv=notrunc status=none
                  tar -C sparse --format=gnu --sparse -cf "$OUT" holes
                  """);
          default ->
              concat(
                  header("vendor.bin", 'Z', 3, ""), concat("xyz".getBytes(StandardCharsets.UTF_8), zeros(509)),
                  zeros(1024));
        };
    byte[] good = smallTar("rejected-good");

    IndexResult result =
        indexSingle(
            "rejected-" + variant,
            List.of(new Blob(bad, gzip(bad), OCI_GZIP), new Blob(good, gzip(good), OCI_GZIP)),
            SMALL);

    List<LayerOutcome> layers = result.platforms().getFirst().layers();
    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(layers.getFirst().indexed()).isFalse();
    assertThat(layers.getFirst().skipReason()).contains("soci").contains(reasonPart);
    assertThat(layers.get(1).indexed()).isTrue();
    verifiedZtocs(result);
  }

  // Corrupt, truncated and mismatched layer blobs.

  @ParameterizedTest
  @CsvSource({
    "corrupt, invalid",
    "truncated, end",
    "digest-mismatch, digest",
  })
  void brokenLayerFailsWithContext(String variant, String causePart) throws Exception {
    byte[] tar = concat(file("payload.bin", LayerFixtures.mixed("broken", 300 * 1024)), zeros(1024));
    byte[] blob = gzip(tar);
    OciImageBuilder image = image("broken-" + variant);
    Layer layer =
        switch (variant) {
          case "corrupt" -> {
            byte[] corrupt = blob.clone();
            Arrays.fill(corrupt, corrupt.length / 2, corrupt.length / 2 + 64, (byte) 0xff);
            yield image.addLayer(corrupt, OCI_GZIP, Digest.sha256(tar));
          }
          case "truncated" ->
              image.addLayer(Arrays.copyOf(blob, blob.length / 2), OCI_GZIP, Digest.sha256(tar));
          default -> {
            Layer original = image.addLayer(blob, OCI_GZIP, Digest.sha256(tar));
            byte[] changed = blob.clone();
            changed[4] ^= 0x01;
            Files.write(image.blobPath(original.digest()), changed);
            yield original;
          }
        };
    image.tag(image.manifest("linux", "amd64", List.of(layer)), "v1");
    byte[] indexJsonBefore = indexJson(image);

    assertThatThrownBy(() -> index(image, "v1", SMALL))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(image.layout().toString())
        .hasMessageContaining("v1")
        .hasMessageContaining(layer.digest().toString())
        .hasMessageContaining(causePart);
    assertThat(indexJson(image)).isEqualTo(indexJsonBefore);
  }

  // BuildKit attestation manifests inside an image index.

  @Test
  void attestationManifestLeftUntouched() throws Exception {
    OciImageBuilder image = image("attestation");
    byte[] tar = smallTar("attestation");
    Manifest amd64 =
        image.manifest("linux", "amd64", addLayers(image, List.of(new Blob(tar, gzip(tar), OCI_GZIP))));
    byte[] statement =
        ("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":"
                + "\"https://slsa.dev/provenance/v0.2\",\"subject\":[{\"name\":\"app\",\"digest\":"
                + "{\"sha256\":\"" + amd64.digest().hex() + "\"}}],\"predicate\":{}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] config =
        "{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] attestation =
        """
        {"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},\
        "layers":[{"mediaType":"application/vnd.in-toto+json","digest":"%s","size":%d,\
        "annotations":{"in-toto.io/predicate-type":"https://slsa.dev/provenance/v0.2"}}]}"""
            .formatted(
                OCI_MANIFEST, OCI_CONFIG, image.writeBlob(config), config.length,
                image.writeBlob(statement), statement.length)
            .getBytes(StandardCharsets.UTF_8);
    Digest attestationDigest = image.writeBlob(attestation);
    String attestationDescriptor =
        """
        {"mediaType":"%s","digest":"%s","size":%d,"annotations":{"vnd.docker.reference.digest":"%s",\
        "vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}"""
            .formatted(OCI_MANIFEST, attestationDigest, attestation.length, amd64.digest());
    String index =
        """
        {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s","size":%d,\
        "platform":{"architecture":"amd64","os":"linux"}},%s]}"""
            .formatted(OCI_INDEX, OCI_MANIFEST, amd64.digest(), amd64.size(), attestationDescriptor);
    image.tagBytes(index.getBytes(StandardCharsets.UTF_8), OCI_INDEX, "v1");

    RecordingStore store = new RecordingStore(OciLayoutImageStore.open(image.layout()));
    IndexResult result = new ImageIndexer(SMALL).index(store, "v1", null);

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(result.platforms()).hasSize(2);
    PlatformOutcome skipped = result.platforms().get(1);
    assertThat(skipped.manifestDigest()).isEqualTo(attestationDigest);
    assertThat(skipped.skipReason()).isEqualTo("attestation manifest");
    assertThat(skipped.sociIndex()).isNull();
    assertThat(outputIndex(image, result)).asString(StandardCharsets.UTF_8).contains(attestationDescriptor);
    assertThat(store.opened).doesNotContain(Digest.sha256(statement));
    verifiedZtocs(result);
  }

  // The minimum layer size: size < minimum is skipped, size == minimum is indexed.

  @Test
  void layersBelowThresholdNeverOpened() throws Exception {
    List<Blob> blobs = List.of(thresholdBlob("threshold-small", 3 * 1024), thresholdBlob("threshold-below", MIN_LAYER_SIZE - 1));
    OciImageBuilder image = image("threshold-below");
    List<Layer> layers = addLayers(image, blobs);
    image.tag(image.manifest("linux", "amd64", layers), "v1");
    assertThat(layers).extracting(Layer::size).containsExactly(3072L, MIN_LAYER_SIZE - 1);
    byte[] indexJsonBefore = indexJson(image);

    RecordingStore store = new RecordingStore(OciLayoutImageStore.open(image.layout()));
    IndexResult result = new ImageIndexer(IndexOptions.defaults()).index(store, "v1", null);

    assertThat(result.status()).isEqualTo(IndexResult.Status.NOTHING_TO_INDEX);
    List<LayerOutcome> outcomes = result.platforms().getFirst().layers();
    assertThat(outcomes).extracting(outcome -> outcome.layer().digest())
        .containsExactly(layers.get(0).digest(), layers.get(1).digest());
    for (int i = 0; i < outcomes.size(); i++) {
      assertThat(outcomes.get(i).skipReason())
          .contains(String.valueOf(layers.get(i).size()))
          .contains(String.valueOf(MIN_LAYER_SIZE));
    }
    assertThat(store.opened).isEmpty();
    assertThat(indexJson(image)).isEqualTo(indexJsonBefore);
  }

  @Test
  void layerAtThresholdIndexed() throws Exception {
    List<Blob> blobs =
        List.of(
            thresholdBlob("threshold-small", 3 * 1024),
            thresholdBlob("threshold-below", MIN_LAYER_SIZE - 1),
            thresholdBlob("threshold-exact", MIN_LAYER_SIZE));
    OciImageBuilder image = image("threshold-exact");
    List<Layer> layers = addLayers(image, blobs);
    image.tag(image.manifest("linux", "amd64", layers), "v1");
    assertThat(layers.get(2).size()).isEqualTo(MIN_LAYER_SIZE);

    RecordingStore store = new RecordingStore(OciLayoutImageStore.open(image.layout()));
    IndexResult result = new ImageIndexer(IndexOptions.defaults()).index(store, "v1", null);

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(result.platforms().getFirst().layers()).extracting(LayerOutcome::indexed)
        .containsExactly(false, false, true);
    assertThat(store.opened).containsExactly(layers.get(2).digest());
    verifiedZtocs(result);
  }

  /** Builds a gzip layer of exactly {@code size} bytes that contains one random file. */
  private static Blob thresholdBlob(String seed, long size) {
    int fileSize = (int) Math.max(1024, size - 500_000);
    byte[] tar = concat(file(seed + ".bin", LayerFixtures.random(seed, fileSize)), zeros(1024));
    return new Blob(tar, LayerFixtures.storedGzipOfSize(tar, size), OCI_GZIP);
  }

  // The manifest digest comes from the exact bytes the store serves.

  @ParameterizedTest
  @ValueSource(strings = {"image-index", "image-manifest"})
  void indentedManifestKeepsServedDigest(String root) throws Exception {
    OciImageBuilder image = image("served-digest-indented-" + root);
    byte[] tar = smallTar("served-digest");
    Manifest compact =
        image.manifest("linux", "amd64", addLayers(image, List.of(new Blob(tar, gzip(tar), OCI_GZIP))));
    byte[] compactBytes = Files.readAllBytes(image.blobPath(compact.digest()));
    byte[] indented =
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(JSON.readTree(compactBytes));
    Digest indentedDigest = image.writeBlob(indented);
    if (root.equals("image-index")) {
      String index =
          """
          {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s","size":%d,\
          "platform":{"architecture":"amd64","os":"linux"}}]}"""
              .formatted(OCI_INDEX, OCI_MANIFEST, indentedDigest, indented.length);
      image.tagBytes(index.getBytes(StandardCharsets.UTF_8), OCI_INDEX, "v1");
    } else {
      image.tagBytes(indented, OCI_MANIFEST, "v1");
    }

    IndexResult result = index(image, "v1", SMALL);

    assertThat(indented).isNotEqualTo(compactBytes);
    PlatformOutcome platform = result.platforms().getFirst();
    assertThat(platform.manifestDigest()).isEqualTo(indentedDigest);
    if (root.equals("image-manifest")) {
      assertThat(result.sourceDigest()).isEqualTo(indentedDigest);
    }
    JsonNode output = JSON.readTree(outputIndex(image, result));
    JsonNode imageDescriptor = output.get("manifests").get(0);
    JsonNode sociDescriptor = output.get("manifests").get(1);
    assertThat(imageDescriptor.get("digest").asString()).isEqualTo(platform.rewrittenManifest().digest().toString());
    assertThat(sociDescriptor.get("annotations").get(SociIndexV2.ANNOTATION_IMAGE_MANIFEST_DIGEST).asString())
        .isEqualTo(platform.rewrittenManifest().digest().toString());
    ImageManifest source = ImageManifest.parse(indented);
    ImageManifest rewritten =
        ImageManifest.parse(Files.readAllBytes(image.blobPath(platform.rewrittenManifest().digest())));
    assertThat(rewritten.config().digest()).isEqualTo(source.config().digest());
    assertThat(rewritten.layers()).isEqualTo(source.layers());
    verifyBlobTree(image.layout(), output);
    verifiedZtocs(result);
  }

  @ParameterizedTest
  @ValueSource(strings = {"image-index", "image-manifest"})
  void manifestDigestMismatchWritesNothing(String root) throws Exception {
    OciImageBuilder image = image("served-digest-mismatch-" + root);
    byte[] tar = smallTar("served-digest-mismatch");
    Manifest manifest =
        image.manifest("linux", "amd64", addLayers(image, List.of(new Blob(tar, gzip(tar), OCI_GZIP))));
    byte[] served = Files.readAllBytes(image.blobPath(manifest.digest()));
    String text = new String(served, StandardCharsets.UTF_8);
    int lastHex = text.lastIndexOf("sha256:") + "sha256:".length();
    served[lastHex] = (byte) (served[lastHex] == 'a' ? 'b' : 'a');
    Files.write(image.blobPath(manifest.digest()), served);
    if (root.equals("image-index")) {
      image.tagIndex(List.of(manifest), "v1");
    } else {
      image.tag(manifest, "v1");
    }
    byte[] indexJsonBefore = indexJson(image);
    List<Path> blobsBefore = blobFiles(image.layout());

    assertThatThrownBy(() -> index(image, "v1", SMALL))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(image.layout() + ":v1")
        .hasMessageContaining(manifest.digest().toString())
        .hasMessageContaining(Digest.sha256(served).toString());
    assertThat(indexJson(image)).isEqualTo(indexJsonBefore);
    assertThat(blobFiles(image.layout())).isEqualTo(blobsBefore);
  }

  private static List<Path> blobFiles(Path layout) throws IOException {
    try (var files = Files.list(layout.resolve("blobs/sha256"))) {
      return files.sorted().toList();
    }
  }

  // Docker manifest lists, with one platform that is not selected.

  @Test
  void dockerListIndexesSelectedPlatforms() throws Exception {
    OciImageBuilder image = image("docker-list");
    IndexResult result = indexDockerList(image);

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(result.platforms()).extracting(platform -> platform.sociIndex() != null)
        .containsExactly(true, true, false);
    assertThat(result.platforms().get(2).skipReason()).contains("linux/ppc64le");

    byte[] outputBytes = outputIndex(image, result);
    JsonNode output = JSON.readTree(outputBytes);
    assertThat(output.get("mediaType").asString()).isEqualTo(OCI_INDEX);
    JsonNode manifests = output.get("manifests");
    assertThat(manifests.size()).isEqualTo(5);
    for (int i = 0; i < 4; i += 2) {
      JsonNode imageDescriptor = manifests.get(i);
      JsonNode sociDescriptor = manifests.get(i + 1);
      assertThat(imageDescriptor.get("mediaType").asString()).isEqualTo(OCI_MANIFEST);
      assertThat(sociDescriptor.get("artifactType").asString()).isEqualTo(MediaType.SOCI_INDEX_V2.value());
      assertThat(sociDescriptor.get("platform")).isEqualTo(imageDescriptor.get("platform"));
      assertThat(sociDescriptor.get("annotations").get(SociIndexV2.ANNOTATION_IMAGE_MANIFEST_DIGEST).asString())
          .isEqualTo(imageDescriptor.get("digest").asString());

      JsonNode rewritten = JSON.readTree(blob(image, imageDescriptor));
      assertThat(rewritten.get("mediaType").asString()).isEqualTo(OCI_MANIFEST);
      assertThat(rewritten.get("config").get("mediaType").asString()).isEqualTo(OCI_CONFIG);
      assertThat(rewritten.get("annotations").get(SociIndexV2.ANNOTATION_INDEX_DIGEST).asString())
          .isEqualTo(sociDescriptor.get("digest").asString());
    }
    assertThat(new String(outputBytes, StandardCharsets.UTF_8)).contains(dockerDescriptor("ppc64le"));
    verifyBlobTree(image.layout(), output);
    verifiedZtocs(result);
  }

  @Test
  void dockerLayersBecomeOciLayers() throws Exception {
    OciImageBuilder image = image("docker-list-layers");
    IndexResult result = indexDockerList(image);

    for (PlatformOutcome platform : result.platforms().subList(0, 2)) {
      JsonNode rewritten =
          JSON.readTree(Files.readAllBytes(image.blobPath(platform.rewrittenManifest().digest())));
      for (JsonNode layer : rewritten.get("layers")) {
        assertThat(layer.get("mediaType").asString()).isEqualTo(OCI_GZIP);
      }
    }
  }

  private static final List<String> DOCKER_ARCHITECTURES = List.of("amd64", "arm64", "ppc64le");

  /** Writes a Docker manifest list over three platforms and indexes amd64 and arm64. */
  private IndexResult indexDockerList(OciImageBuilder image) throws IOException {
    List<String> descriptors = new ArrayList<>();
    for (String architecture : DOCKER_ARCHITECTURES) {
      byte[] tar = smallTar("docker-list-" + architecture);
      List<Layer> layers = addLayers(image, List.of(new Blob(tar, gzip(tar), DOCKER_GZIP)));
      dockerManifests.put(
          architecture, image.manifest(DOCKER_MANIFEST, DOCKER_CONFIG, "linux", architecture, layers));
      descriptors.add(dockerDescriptor(architecture));
    }
    String list =
        "{\"schemaVersion\":2,\"mediaType\":\"" + DOCKER_LIST + "\",\"manifests\":["
            + String.join(",", descriptors) + "]}";
    image.tagBytes(list.getBytes(StandardCharsets.UTF_8), DOCKER_LIST, "v1");

    IndexOptions options =
        SMALL.withPlatforms(List.of(Platform.parse("linux/amd64"), Platform.parse("linux/arm64")));
    return index(image, "v1", options);
  }

  private String dockerDescriptor(String architecture) {
    Manifest manifest = dockerManifests.get(architecture);
    return "{\"mediaType\":\"" + DOCKER_MANIFEST + "\",\"digest\":\"" + manifest.digest()
        + "\",\"size\":" + manifest.size() + ",\"platform\":{\"architecture\":\"" + architecture
        + "\",\"os\":\"linux\"}}";
  }

  /**
   * Checks that every descriptor in {@code index}, and the config and layers of every image
   * manifest it names, has a blob in the layout with the declared size and digest.
   */
  private static void verifyBlobTree(Path layout, JsonNode index) throws IOException {
    for (JsonNode descriptor : index.get("manifests")) {
      verifyBlob(layout, descriptor);
    }
  }

  private static void verifyBlob(Path layout, JsonNode descriptor) throws IOException {
    Digest digest = Digest.parse(descriptor.get("digest").asString());
    Path path = blobPath(layout, digest);
    assertThat(path).as("blob of %s", digest).exists();
    byte[] bytes = Files.readAllBytes(path);
    assertThat((long) bytes.length).as("size of %s", digest).isEqualTo(descriptor.get("size").asLong());
    assertThat(Digest.sha256(bytes)).as("digest of the blob at %s", path).isEqualTo(digest);

    String mediaType = descriptor.get("mediaType").asString();
    if (mediaType.equals(OCI_MANIFEST) || mediaType.equals(DOCKER_MANIFEST)) {
      JsonNode manifest = JSON.readTree(bytes);
      verifyBlob(layout, manifest.get("config"));
      for (JsonNode layer : manifest.get("layers")) {
        verifyBlob(layout, layer);
      }
    }
  }

  private static byte[] blob(OciImageBuilder image, JsonNode descriptor) throws IOException {
    return Files.readAllBytes(image.blobPath(Digest.parse(descriptor.get("digest").asString())));
  }

  private static byte[] outputIndex(OciImageBuilder image, IndexResult result) throws IOException {
    assertThat(result.imageIndex()).as("output index of %s", result.image()).isNotNull();
    Descriptor tagged = OciLayout.open(image.layout()).resolve(result.outputTag());
    assertThat(tagged.digest()).isEqualTo(result.imageIndex().digest());
    return Files.readAllBytes(image.blobPath(tagged.digest()));
  }

  // One blob shared by two platforms under different media types.

  @Test
  void sharedBlobKeepsEachMediaType() throws Exception {
    OciImageBuilder image = image("shared-blob");
    byte[] tar = smallTar("shared-blob");
    byte[] blob = gzip(tar);
    Manifest amd64 =
        image.manifest("linux", "amd64", addLayers(image, List.of(new Blob(tar, blob, DOCKER_GZIP))));
    Manifest arm64 =
        image.manifest("linux", "arm64", addLayers(image, List.of(new Blob(tar, blob, OCI_GZIP))));
    image.tagIndex(List.of(amd64, arm64), "v1");

    IndexResult result = index(image, "v1", SMALL);

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    List<String> annotated = new ArrayList<>();
    for (PlatformOutcome platform : result.platforms()) {
      JsonNode sociIndex = JSON.readTree(Files.readAllBytes(image.blobPath(platform.sociIndex().digest())));
      JsonNode ztoc = sociIndex.get("layers").get(0);
      annotated.add(ztoc.get("annotations").get(SociIndexV2.ANNOTATION_IMAGE_LAYER_MEDIA_TYPE).asString());
    }
    // Each annotation names the layer type its own rewritten manifest lists, which is the OCI type
    // for both, because rewritten manifests map Docker layer types to OCI ones.
    assertThat(annotated).containsExactly(OCI_GZIP, OCI_GZIP);
    assertThat(result.platforms().get(0).layers().get(0).layer().mediaType().value())
        .isEqualTo(DOCKER_GZIP);
    assertThat(result.platforms().get(1).layers().get(0).layer().mediaType().value())
        .isEqualTo(OCI_GZIP);
    verifiedZtocs(result);
  }

  // Shared helpers.

  /** A layer: its uncompressed tar, the blob bytes stored in the layout, and its media type. */
  private record Blob(byte[] tar, byte[] blob, String mediaType) {}

  private OciImageBuilder image(String name) throws IOException {
    return new OciImageBuilder(dir.resolve(name));
  }

  private static List<Layer> addLayers(OciImageBuilder image, List<Blob> blobs) throws IOException {
    List<Layer> layers = new ArrayList<>();
    for (Blob blob : blobs) {
      layers.add(image.addLayer(blob.blob(), blob.mediaType(), Digest.sha256(blob.tar())));
    }
    return layers;
  }

  /** Writes a linux/amd64 image with {@code blobs} as layers, tags it v1 and indexes it. */
  private IndexResult indexSingle(String name, List<Blob> blobs, IndexOptions options)
      throws IOException {
    OciImageBuilder image = image(name);
    image.tag(image.manifest("linux", "amd64", addLayers(image, blobs)), "v1");
    return index(image, "v1", options);
  }

  private static IndexResult index(OciImageBuilder image, String tag, IndexOptions options)
      throws IOException {
    try (OciLayoutImageStore store = OciLayoutImageStore.open(image.layout())) {
      return new ImageIndexer(options).index(store, tag, null);
    }
  }

  /**
   * Reads every zTOC of {@code result} back against its layer blob, checks that the layout stores
   * the same zTOC bytes, and returns the zTOCs in result order.
   */
  private List<Ztoc> verifiedZtocs(IndexResult result) throws IOException {
    Path layout = layoutOf(result);
    List<Ztoc> ztocs = new ArrayList<>();
    for (PlatformOutcome platform : result.platforms()) {
      for (LayerOutcome layer : platform.layers()) {
        if (!layer.indexed()) {
          continue;
        }
        byte[] layerBlob = Files.readAllBytes(blobPath(layout, layer.layer().digest()));
        ztocs.add(ZtocReadBack.verify(layerBlob, layer.ztocBytes()));
        assertThat(Files.readAllBytes(blobPath(layout, layer.ztoc().digest())))
            .as("stored zTOC of layer %s", layer.layer().digest())
            .isEqualTo(layer.ztocBytes());
      }
    }
    assertThat(ztocs).as("zTOCs of %s", result.image()).isNotEmpty();
    return ztocs;
  }

  private Path layoutOf(IndexResult result) {
    String image = result.image();
    String path = image.substring("oci-layout:".length(), image.lastIndexOf(':'));
    return Path.of(path);
  }

  private static Path blobPath(Path layout, Digest digest) {
    return layout.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  private static byte[] indexJson(OciImageBuilder image) throws IOException {
    return Files.readAllBytes(image.layout().resolve("index.json"));
  }

  /** An {@link ImageStore} that records which blobs were opened for streaming. */
  private static final class RecordingStore implements ImageStore {

    private final ImageStore delegate;
    final List<Digest> opened = new CopyOnWriteArrayList<>();

    RecordingStore(ImageStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public StoredManifest fetchManifest(String tagOrDigest) throws IOException {
      return delegate.fetchManifest(tagOrDigest);
    }

    @Override
    public Optional<Digest> resolveTag(String tag) throws IOException {
      return delegate.resolveTag(tag);
    }

    @Override
    public InputStream openBlob(Descriptor blob) throws IOException {
      opened.add(blob.digest());
      return delegate.openBlob(blob);
    }

    @Override
    public byte[] readBlob(Descriptor blob, int maxBytes) throws IOException {
      return delegate.readBlob(blob, maxBytes);
    }

    @Override
    public void pushBlob(Descriptor blob, byte[] content) throws IOException {
      delegate.pushBlob(blob, content);
    }

    @Override
    public void pushManifest(MediaType mediaType, byte[] bytes, String tag) throws IOException {
      delegate.pushManifest(mediaType, bytes, tag);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }
  }
}
