package io.sociindexer.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.oci.Digest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ZtocWriterTest {

  /** Zero-valued Go FileMetadata: empty strings and the zero time.Time. */
  private static FileMetadata zeroEntry() {
    return new FileMetadata(
        new byte[0], "", 0, 0, new byte[0], 0, 0, 0, new byte[0], new byte[0],
        "0001-01-01T00:00:00Z", 0, 0, new TreeMap<>());
  }

  @Test
  void serializeMatchesSociGoldenVector() {
    // Inputs of soci's ztoc_test.go TestWriteZtoc: the Go marshaler writes 65,928 bytes with this
    // digest.
    Ztoc ztoc = new Ztoc(
        "0.9",
        "AWS SOCI CLI",
        2_000_000,
        2_500_000,
        List.of(zeroEntry(), zeroEntry()),
        new CompressionInfo(CompressionInfo.Algorithm.GZIP, 3, List.of(), new byte[1 << 16]));

    byte[] bytes = ZtocWriter.serialize(ztoc);

    assertThat(bytes).hasSize(65_928);
    assertThat(Digest.sha256(bytes).toString())
        .isEqualTo("sha256:eba28fdf50b1b57543f57dd051b2468c1d4f57b64d2006c75aa4de1d03e6c7ec");
  }

  @Test
  void serializeIsDeterministic() {
    Ztoc ztoc = sampleZtoc(CompressionInfo.Algorithm.GZIP);

    assertThat(ZtocWriter.serialize(ztoc)).isEqualTo(ZtocWriter.serialize(sampleZtoc(
        CompressionInfo.Algorithm.GZIP)));
  }

  @Test
  void roundTripKeepsEveryField() throws Exception {
    Ztoc ztoc = sampleZtoc(CompressionInfo.Algorithm.GZIP);

    Ztoc parsed = ZtocReader.parse(ZtocWriter.serialize(ztoc));

    assertThat(parsed.version()).isEqualTo("0.9");
    assertThat(parsed.buildToolIdentifier()).isEqualTo("test tool");
    assertThat(parsed.compressedArchiveSize()).isEqualTo(123_456);
    assertThat(parsed.uncompressedArchiveSize()).isEqualTo(5_000_000_000L);
    assertThat(parsed.entries()).isEqualTo(ztoc.entries());
    assertThat(parsed.compressionInfo().algorithm()).isEqualTo(CompressionInfo.Algorithm.GZIP);
    assertThat(parsed.compressionInfo().maxSpanId()).isEqualTo(1);
    assertThat(parsed.compressionInfo().spanDigests())
        .isEqualTo(ztoc.compressionInfo().spanDigests());
    assertThat(parsed.compressionInfo().checkpoints())
        .isEqualTo(ztoc.compressionInfo().checkpoints());
  }

  @Test
  void roundTripKeepsRawBytes() throws Exception {
    Ztoc parsed = ZtocReader.parse(ZtocWriter.serialize(sampleZtoc(
        CompressionInfo.Algorithm.GZIP)));

    FileMetadata file = parsed.entries().get(1);
    assertThat(file.name()).containsExactly('d', 'i', 'r', '/', 0xff, 0xfe);
    assertThat(file.paxRecords().get(ByteString.utf8("SCHILY.xattr.user.bin")).toByteArray())
        .containsExactly(0, 1, 0xff, 0);
    assertThat(file.uid()).isEqualTo(-1);
  }

  @Test
  void gzipAlgorithmIsLeftOut() {
    byte[] gzip = ZtocWriter.serialize(sampleZtoc(CompressionInfo.Algorithm.GZIP));
    byte[] uncompressed = ZtocWriter.serialize(sampleZtoc(CompressionInfo.Algorithm.UNCOMPRESSED));

    // soci's marshaler adds the algorithm with default 1, so the builder leaves gzip out.
    assertThat(new ZtocReader.FlatTable(gzip).table(5).int8(0, (byte) -1)).isEqualTo((byte) -1);
    assertThat(new ZtocReader.FlatTable(uncompressed).table(5).int8(0, (byte) -1))
        .isEqualTo((byte) 2);
  }

  @Test
  void uncompressedAlgorithmRoundTrips() throws Exception {
    Ztoc parsed = ZtocReader.parse(ZtocWriter.serialize(sampleZtoc(
        CompressionInfo.Algorithm.UNCOMPRESSED)));

    assertThat(parsed.compressionInfo().algorithm())
        .isEqualTo(CompressionInfo.Algorithm.UNCOMPRESSED);
  }

  @Test
  void parseSortsEntriesByOffset() throws Exception {
    FileMetadata first = entry("a", 512, 10);
    FileMetadata second = entry("b", 1536, 0);
    Ztoc ztoc = withEntries(List.of(second, first));

    Ztoc parsed = ZtocReader.parse(ZtocWriter.serialize(ztoc));

    assertThat(parsed.entries()).containsExactly(first, second);
  }

  @Test
  void parseRejectsOverlappingEntries() {
    Ztoc ztoc = withEntries(List.of(entry("a", 512, 1000), entry("b", 1024, 0)));
    byte[] bytes = ZtocWriter.serialize(ztoc);

    assertThatThrownBy(() -> ZtocReader.parse(bytes))
        .isInstanceOf(ZtocFormatException.class)
        .hasMessageContaining("\"b\"")
        .hasMessageContaining("1536");
  }

  @Test
  void tarHeaderOffsetsRoundUpToBlocks() throws Exception {
    long[] offsets = ZtocReader.tarHeaderOffsets(
        List.of(entry("a", 512, 10), entry("b", 1536, 512), entry("c", 2560, 0)));

    assertThat(offsets).containsExactly(0, 1024, 2048);
  }

  @Test
  void parseRejectsGarbage() {
    byte[] garbage = "this is not a ztoc".getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> ZtocReader.parse(garbage)).isInstanceOf(ZtocFormatException.class);
  }

  @Test
  void parseRejectsTruncatedBytes() {
    byte[] bytes = ZtocWriter.serialize(sampleZtoc(CompressionInfo.Algorithm.GZIP));
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);

    assertThatThrownBy(() -> ZtocReader.parse(truncated)).isInstanceOf(ZtocFormatException.class);
  }

  @Test
  void tarZinfoMatchesExample() throws Exception {
    byte[] bytes = TarZinfo.serialize(4_194_304, 12_345_678);

    assertThat(HexFormat.of().formatHex(bytes))
        .isEqualTo("140000000000000000000a001c0018000c0004000a0000004e61bc00000000000000400000"
            + "0000000000000002000000");
    assertThat(TarZinfo.parse(bytes)).isEqualTo(new TarZinfo(2, 4_194_304, 12_345_678));
  }

  @Test
  void tarZinfoSpansCoverBlob() {
    List<long[]> spans = TarZinfo.spans(4, 10);

    assertThat(spans).hasSize(3);
    assertThat(spans.get(0)).containsExactly(0, 4);
    assertThat(spans.get(2)).containsExactly(8, 10);
    assertThat(TarZinfo.maxSpanId(4, 8)).isEqualTo(1);
    assertThat(TarZinfo.maxSpanId(4, 0)).isEqualTo(-1);
    assertThat(TarZinfo.spans(4, 0)).isEmpty();
  }

  @Test
  void forUncompressedChecksDigestCount() {
    Digest digest = Digest.sha256(new byte[0]);

    CompressionInfo info = TarZinfo.forUncompressed(4, 5, List.of(digest, digest));

    assertThat(info.maxSpanId()).isEqualTo(1);
    assertThat(info.algorithm()).isEqualTo(CompressionInfo.Algorithm.UNCOMPRESSED);
    assertThatThrownBy(() -> TarZinfo.forUncompressed(4, 5, List.of(digest)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void separateCheckpointsMatchInline() {
    for (int length : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 65_543, 32_785 * 3 + 12}) {
      byte[] checkpoints = new byte[length];
      new SplittableRandom(length).nextBytes(checkpoints);
      Ztoc inline = withCheckpoints(checkpoints);

      byte[] separate =
          ZtocWriter.serialize(withCheckpoints(new byte[0]), MemorySegment.ofArray(checkpoints));

      assertThat(separate).as("checkpoint length %d", length).isEqualTo(ZtocWriter.serialize(inline));
    }
  }

  @Test
  void separateCheckpointsFromNativeMemory() throws Exception {
    byte[] checkpoints = new byte[100_003];
    new SplittableRandom(7).nextBytes(checkpoints);
    byte[] expected = ZtocWriter.serialize(withCheckpoints(checkpoints));

    byte[] actual;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = arena.allocate(checkpoints.length);
      MemorySegment.copy(MemorySegment.ofArray(checkpoints), 0, segment, 0, checkpoints.length);
      actual = ZtocWriter.serialize(withCheckpoints(new byte[0]), segment);
    }

    assertThat(actual).isEqualTo(expected);
    assertThat(ZtocReader.parse(actual).compressionInfo().checkpoints()).isEqualTo(checkpoints);
  }

  @Test
  void separateCheckpointsRejectOtherInlineBytes() {
    Ztoc ztoc = withCheckpoints(new byte[] {1, 2, 3});

    assertThatThrownBy(() -> ZtocWriter.serialize(ztoc, MemorySegment.ofArray(new byte[] {1, 2, 4})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 checkpoint bytes that differ");
  }

  @Test
  void serializeAllocatesOnlyTheResult() {
    // 32 MiB of checkpoints in native memory: the heap should see the result array once, not the
    // two or three copies a growing builder and sizedByteArray() make.
    int length = 32 << 20;
    Ztoc ztoc = withCheckpoints(new byte[0]);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = arena.allocate(length);
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      assumeTrue(threads.isThreadAllocatedMemoryEnabled(), "the JVM does not count allocations");

      long before = threads.getCurrentThreadAllocatedBytes();
      byte[] bytes = ZtocWriter.serialize(ztoc, segment);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;

      assertThat(bytes.length).isGreaterThan(length);
      assertThat(allocated).isLessThan(bytes.length + (1L << 20));
    }
  }

  private static Ztoc withCheckpoints(byte[] checkpoints) {
    Ztoc sample = sampleZtoc(CompressionInfo.Algorithm.GZIP);
    CompressionInfo info = sample.compressionInfo();
    return new Ztoc(sample.version(), sample.buildToolIdentifier(), sample.compressedArchiveSize(),
        sample.uncompressedArchiveSize(), sample.entries(),
        new CompressionInfo(info.algorithm(), info.maxSpanId(), info.spanDigests(), checkpoints));
  }

  private static FileMetadata entry(String name, long offset, long size) {
    return new FileMetadata(
        name.getBytes(StandardCharsets.UTF_8), "reg", offset, size, new byte[0], 0644, 0, 0,
        new byte[0], new byte[0], "2024-01-01T00:00:00Z", 0, 0, new TreeMap<>());
  }

  private static Ztoc withEntries(List<FileMetadata> entries) {
    return new Ztoc("0.9", "t", 1, 4096, entries,
        new CompressionInfo(CompressionInfo.Algorithm.GZIP, 0, List.of(), new byte[0]));
  }

  private static Ztoc sampleZtoc(CompressionInfo.Algorithm algorithm) {
    TreeMap<ByteString, ByteString> records = new TreeMap<>();
    records.put(ByteString.utf8("path"), ByteString.of(new byte[] {'d', 'i', 'r', '/', -1, -2}));
    records.put(ByteString.utf8("SCHILY.xattr.user.bin"), ByteString.of(new byte[] {0, 1, -1, 0}));
    records.put(ByteString.utf8("mtime"), ByteString.utf8("1700000000.5"));
    FileMetadata dir = new FileMetadata(
        "dir/".getBytes(StandardCharsets.UTF_8), "dir", 512, 0, new byte[0], 040755, 0, 0,
        "root".getBytes(StandardCharsets.UTF_8), "root".getBytes(StandardCharsets.UTF_8),
        "2023-11-14T22:13:20Z", 0, 0, new TreeMap<>());
    FileMetadata file = new FileMetadata(
        new byte[] {'d', 'i', 'r', '/', -1, -2}, "reg", 2048, 3_000_000_000L,
        new byte[0], 0100644, -1, 42, "u".getBytes(StandardCharsets.UTF_8), new byte[0],
        "2023-11-14T22:13:20.5Z", 3, 7, records);
    List<Digest> digests = List.of(
        Digest.sha256("a".getBytes(StandardCharsets.UTF_8)),
        Digest.sha256("b".getBytes(StandardCharsets.UTF_8)));
    return new Ztoc("0.9", "test tool", 123_456, 5_000_000_000L, List.of(dir, file),
        new CompressionInfo(algorithm, 1, digests, new byte[] {1, 2, 3, 4, 5}));
  }
}
