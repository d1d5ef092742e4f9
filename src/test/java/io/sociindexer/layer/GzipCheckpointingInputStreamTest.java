package io.sociindexer.layer;

import static io.sociindexer.layer.GzipTestData.FCOMMENT;
import static io.sociindexer.layer.GzipTestData.FEXTRA;
import static io.sociindexer.layer.GzipTestData.FHCRC;
import static io.sociindexer.layer.GzipTestData.FNAME;
import static io.sociindexer.layer.GzipTestData.FTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.layer.GzipTestData.Pass;
import io.sociindexer.zlib.ZStream;
import io.sociindexer.zlib.ZlibException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GzipCheckpointingInputStreamTest {

  private static final long SPAN = 65536;

  @Test
  void plainMemberIndexes() throws IOException {
    byte[] content = GzipTestData.content("plainMemberIndexes", 1_300_000);
    byte[] gzip = GzipTestData.member(content);

    Pass pass = GzipTestData.run(gzip, SPAN);

    GzipTestData.assertValidIndex(gzip, content, pass, SPAN);
    assertThat(pass.index().checkpoints().getFirst().in()).isEqualTo(10);
    assertThat(pass.index().checkpoints()).hasSizeGreaterThan(5);
  }

  @Test
  void shortSourceReadsIndexSame() throws IOException {
    byte[] content = GzipTestData.content("shortSourceReadsIndexSame", 1_300_000);
    byte[] gzip = GzipTestData.member(content);
    Pass whole = GzipTestData.run(gzip, SPAN);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipIndex index;
    try (GzipCheckpointingInputStream in =
        new GzipCheckpointingInputStream(new TricklingInputStream(gzip, 1500), SPAN)) {
      in.transferTo(out);
      index = in.result();
    }

    assertThat(out.toByteArray()).isEqualTo(content);
    assertThat(index.compressedDigest()).isEqualTo(whole.index().compressedDigest());
    assertThat(index.spanDigests()).isEqualTo(whole.index().spanDigests());
    assertThat(index.checkpoints()).hasSameSizeAs(whole.index().checkpoints());
  }

  /** Returns at most {@code maxRead} bytes per read, as a network source often does. */
  private static final class TricklingInputStream extends ByteArrayInputStream {
    private final int maxRead;

    TricklingInputStream(byte[] bytes, int maxRead) {
      super(bytes);
      this.maxRead = maxRead;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) {
      return super.read(buffer, offset, Math.min(length, maxRead));
    }
  }

  @Test
  void fnameHeaderStartsAt16() throws IOException {
    byte[] content = GzipTestData.content("fnameHeaderStartsAt16", 300_000);
    byte[] gzip = GzipTestData.member(content, FNAME, null, "a.tar", null);

    Pass pass = GzipTestData.run(gzip, SPAN);

    GzipTestData.assertValidIndex(gzip, content, pass, SPAN);
    assertThat(pass.index().checkpoints().getFirst().in()).isEqualTo(16);
  }

  @Test
  void allHeaderFieldsStartAt44() throws IOException {
    byte[] content = GzipTestData.content("allHeaderFieldsStartAt44", 200_000);
    byte[] extra = {'S', 'I', 2, 0, 7, 9};
    int flags = FEXTRA | FNAME | FCOMMENT | FHCRC;
    byte[] gzip = GzipTestData.member(content, flags, extra, "layer.tar", "built by test");

    Pass pass = GzipTestData.run(gzip, SPAN);

    GzipTestData.assertValidIndex(gzip, content, pass, SPAN);
    assertThat(pass.index().checkpoints().getFirst().in()).isEqualTo(44);
  }

  @Test
  void singleHeaderFlagVariants() throws IOException {
    byte[] content = GzipTestData.content("singleHeaderFlagVariants", 150_000);
    byte[] extra = new byte[65_000];
    Object[][] cases = {
      {FTEXT, 10L}, {FHCRC, 12L}, {FEXTRA, 10L + 2 + extra.length}, {FNAME, 19L}, {FCOMMENT, 18L}
    };
    for (Object[] testCase : cases) {
      int flags = (int) testCase[0];
      byte[] gzip = GzipTestData.member(content, flags, extra, "name.tar", "comment");

      Pass pass = GzipTestData.run(gzip, SPAN);

      GzipTestData.assertValidIndex(gzip, content, pass, SPAN);
      assertThat(pass.index().checkpoints().getFirst().in())
          .as("flags %02x", flags)
          .isEqualTo((long) testCase[1]);
    }
  }

  @Test
  void multiMemberWithEmptyMember() throws IOException {
    byte[] content = GzipTestData.content("multiMemberWithEmptyMember", 3_600_000);
    byte[] first = Arrays.copyOfRange(content, 0, 1_000_003);
    byte[] second = Arrays.copyOfRange(content, 1_000_003, 2_500_000);
    byte[] third = Arrays.copyOfRange(content, 2_500_000, content.length);
    byte[] gzip =
        GzipTestData.concat(
            GzipTestData.member(first),
            GzipTestData.member(new byte[0]),
            GzipTestData.member(second, FNAME, null, "part2", null),
            GzipTestData.member(third));
    long span = 1 << 20;

    Pass pass = GzipTestData.run(gzip, span);

    GzipTestData.assertValidIndex(gzip, content, pass, span);
    assertThat(pass.index().checkpoints()).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void memberSplitOnSpanBoundary() throws IOException {
    byte[] content = GzipTestData.content("memberSplitOnSpanBoundary", 400_000);
    int split = (int) SPAN + 1;
    byte[] first = GzipTestData.member(Arrays.copyOfRange(content, 0, split));
    byte[] gzip =
        GzipTestData.concat(
            first, GzipTestData.member(Arrays.copyOfRange(content, split, content.length)));

    Pass pass = GzipTestData.run(gzip, SPAN);

    GzipTestData.assertValidIndex(gzip, content, pass, SPAN);
    Checkpoint second = pass.index().checkpoints().get(1);
    assertThat(second.out()).isEqualTo(split);
    assertThat(second.in()).isEqualTo(first.length + 10);
    assertThat(second.bits()).isZero();
  }

  @Test
  void gzipOutputStreamIndexes() throws IOException {
    byte[] content = GzipTestData.content("gzipOutputStreamIndexes", 700_000);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(buffer)) {
      out.write(content);
    }
    byte[] gzip = buffer.toByteArray();

    GzipTestData.assertValidIndex(gzip, content, GzipTestData.run(gzip, SPAN), SPAN);
  }

  @Test
  void pigzIndexes(@TempDir Path directory) throws Exception {
    byte[] content = GzipTestData.content("pigzIndexes", 2_000_000);
    Path input = directory.resolve("layer.tar");
    Files.write(input, content);
    byte[] gzip = runCompressor(directory, "pigz", "-n", "-b", "128", "-c", input.toString());
    byte[] gzipCli = runCompressor(directory, "gzip", "-n", "-c", input.toString());
    byte[] concatenated = GzipTestData.concat(gzip, gzipCli);
    byte[] doubled = GzipTestData.concat(content, content);

    GzipTestData.assertValidIndex(gzip, content, GzipTestData.run(gzip, SPAN), SPAN);
    GzipTestData.assertValidIndex(gzipCli, content, GzipTestData.run(gzipCli, SPAN), SPAN);
    GzipTestData.assertValidIndex(
        concatenated, doubled, GzipTestData.run(concatenated, 1 << 20), 1 << 20);
  }

  @Test
  void checkpointsMatchBlockWalk() throws IOException {
    byte[] content = GzipTestData.content("checkpointsMatchBlockWalk", 3_000_000);
    byte[] gzip =
        GzipTestData.concat(
            GzipTestData.member(Arrays.copyOfRange(content, 0, 1_200_001)),
            GzipTestData.member(new byte[0]),
            GzipTestData.member(Arrays.copyOfRange(content, 1_200_001, content.length)));

    for (long span : new long[] {1, 1000, 32_768, 65_536, 300_000, 1 << 20, 1L << 40}) {
      List<Checkpoint> actual = GzipTestData.run(gzip, span).index().checkpoints();

      assertThat(actual.stream().map(c -> List.of(c.in(), c.out(), (long) c.bits())).toList())
          .as("checkpoints with span size %d", span)
          .isEqualTo(blockWalk(gzip, span));
    }
  }

  /**
   * Applies soci's checkpoint rule at every stop of {@code inflate(Z_BLOCK)} over the whole blob,
   * the way soci's C code does; returns {@code [in, out, bits]} per checkpoint.
   */
  private static List<List<Long>> blockWalk(byte[] gzip, long span) throws IOException {
    List<List<Long>> checkpoints = new ArrayList<>();
    try (ZStream zlib = ZStream.inflater(ZStream.AUTO_HEADER_WINDOW_BITS)) {
      MemorySegment input = zlib.allocate(gzip.length);
      MemorySegment.copy(gzip, 0, input, ValueLayout.JAVA_BYTE, 0, gzip.length);
      MemorySegment output = zlib.allocate(Checkpoint.WINDOW_SIZE);
      zlib.setInput(input, 0, gzip.length);
      long totalOut = 0;
      long lastOut = 0;
      while (true) {
        zlib.setOutput(output, 0, Checkpoint.WINDOW_SIZE);
        int code = zlib.inflate(ZStream.Z_BLOCK);
        totalOut += Checkpoint.WINDOW_SIZE - zlib.availOut();
        long in = gzip.length - zlib.availIn();
        if (code == ZStream.Z_STREAM_END) {
          if (zlib.availIn() == 0) {
            return checkpoints;
          }
          zlib.reset();
          continue;
        }
        int dataType = zlib.dataType();
        boolean boundary = (dataType & 128) != 0 && (dataType & 64) == 0;
        if (boundary && (totalOut == 0 || totalOut - lastOut > span)) {
          checkpoints.add(List.of(in, totalOut, (long) (dataType & 7)));
          lastOut = totalOut;
        }
      }
    }
  }

  @Test
  void drainAfterPartialRead() throws IOException {
    byte[] content = GzipTestData.content("drainAfterPartialRead", 500_000);
    byte[] gzip = GzipTestData.member(content);

    try (GzipCheckpointingInputStream in =
        new GzipCheckpointingInputStream(new ByteArrayInputStream(gzip), SPAN)) {
      byte[] start = in.readNBytes(12_345);
      assertThatThrownBy(in::result).isInstanceOf(IllegalStateException.class);

      long discarded = in.drainToEnd();

      assertThat(start).isEqualTo(Arrays.copyOf(content, 12_345));
      assertThat(discarded).isEqualTo(content.length - 12_345);
      assertThat(in.read()).isEqualTo(-1);
      Pass pass = new Pass(content, in.result());
      GzipTestData.assertValidIndex(gzip, content, pass, SPAN);
    }
  }

  @Test
  void emptyInputRejected() {
    assertThatThrownBy(() -> GzipTestData.run(new byte[0], SPAN))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("empty input");
  }

  @Test
  void zlibWrappedRejected() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DeflaterOutputStream out = new DeflaterOutputStream(buffer, new Deflater(6))) {
      out.write(GzipTestData.content("zlibWrappedRejected", 10_000));
    } catch (IOException e) {
      throw new AssertionError(e);
    }

    assertThatThrownBy(() -> GzipTestData.run(buffer.toByteArray(), SPAN))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("zlib header");
  }

  @Test
  void trailingGarbageRejected() {
    byte[] gzip = GzipTestData.member(GzipTestData.content("trailingGarbageRejected", 10_000));
    byte[] withGarbage = GzipTestData.concat(gzip, new byte[] {0, 0, 0, 0});

    assertThatThrownBy(() -> GzipTestData.run(withGarbage, SPAN))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("compressed offset " + gzip.length);
  }

  @Test
  void truncatedBlobRejected() {
    byte[] gzip = GzipTestData.member(GzipTestData.content("truncatedBlobRejected", 100_000));
    byte[] truncated = Arrays.copyOf(gzip, gzip.length - 20);

    assertThatThrownBy(() -> GzipTestData.run(truncated, SPAN))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("truncated gzip blob")
        .hasMessageContaining("offset " + truncated.length);
  }

  @Test
  void corruptDataRejected() {
    byte[] content = GzipTestData.content("corruptDataRejected", 100_000);
    byte[] gzip = GzipTestData.member(content);
    byte[] corrupt = gzip.clone();
    for (int i = 200; i < 260; i++) {
      corrupt[i] = (byte) 0xff;
    }

    assertThatThrownBy(() -> GzipTestData.run(corrupt, SPAN))
        .isInstanceOf(ZlibException.class)
        .hasMessageContaining("compressed offset")
        .hasMessageContaining("Z_DATA_ERROR");
  }

  @Test
  void badChecksumRejected() {
    byte[] gzip = GzipTestData.member(GzipTestData.content("badChecksumRejected", 1000));
    gzip[gzip.length - 6] ^= 1;

    assertThatThrownBy(() -> GzipTestData.run(gzip, SPAN))
        .isInstanceOf(ZlibException.class)
        .hasMessageContaining("incorrect data check");
  }

  private static byte[] runCompressor(Path directory, String... command) throws Exception {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      assumeTrue(false, command[0] + " is not installed: " + e.getMessage());
      throw e;
    }
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s exit code", command[0]).isZero();
    return output;
  }
}
