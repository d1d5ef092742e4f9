package io.sociindexer.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.layer.GzipTestData.Pass;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GzipSpanReaderTest {

  private static final long SPAN = 65536;

  @Test
  void channelReadMatchesContent(@TempDir Path directory) throws IOException {
    byte[] content = GzipTestData.content("channelReadMatchesContent", 600_000);
    byte[] gzip = GzipTestData.member(content);
    Path file = directory.resolve("layer.tar.gz");
    Files.write(file, gzip);
    Pass pass = GzipTestData.run(gzip, SPAN);

    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      for (Checkpoint checkpoint : pass.index().checkpoints()) {
        long offset = checkpoint.out() + 17;
        byte[] actual = GzipSpanReader.read(channel, pass.index().checkpoints(), offset, 5000);
        assertThat(actual)
            .isEqualTo(Arrays.copyOfRange(content, (int) offset, (int) offset + 5000));
      }
    }
  }

  @Test
  void readCrossesMembers() throws IOException {
    byte[] content = GzipTestData.content("readCrossesMembers", 300_000);
    byte[] gzip =
        GzipTestData.concat(
            GzipTestData.member(Arrays.copyOfRange(content, 0, 100_000)),
            GzipTestData.member(new byte[0], GzipTestData.FNAME, null, "empty", null),
            GzipTestData.member(
                Arrays.copyOfRange(content, 100_000, 200_000),
                GzipTestData.FEXTRA | GzipTestData.FCOMMENT | GzipTestData.FHCRC,
                new byte[] {1, 2, 3},
                null,
                "second"),
            GzipTestData.member(Arrays.copyOfRange(content, 200_000, content.length)));
    Pass pass = GzipTestData.run(gzip, 1 << 20);
    assertThat(pass.index().checkpoints()).hasSize(1);

    GzipTestData.assertReadAt(gzip, content, pass.index(), 99_990, 100_020);
    GzipTestData.assertReadAt(gzip, content, pass.index(), 0, content.length);
    GzipTestData.assertReadAt(gzip, content, pass.index(), 250_000, 100_000);
  }

  @Test
  void readPastEndIsShort() throws IOException {
    byte[] content = GzipTestData.content("readPastEndIsShort", 100_000);
    byte[] gzip = GzipTestData.member(content);
    Pass pass = GzipTestData.run(gzip, SPAN);

    assertThat(GzipSpanReader.read(gzip, pass.index().checkpoints(), 99_000, 5000)).hasSize(1000);
    assertThat(GzipSpanReader.read(gzip, pass.index().checkpoints(), 100_000, 10)).isEmpty();
    assertThat(GzipSpanReader.read(gzip, pass.index().checkpoints(), 5, 0)).isEmpty();
  }

  @Test
  void truncatedBlobRejected() throws IOException {
    byte[] content = GzipTestData.content("truncatedBlobRejected", 100_000);
    byte[] gzip = GzipTestData.member(content);
    Pass pass = GzipTestData.run(gzip, SPAN);
    byte[] truncated = Arrays.copyOf(gzip, gzip.length - 100);

    assertThatThrownBy(() -> GzipSpanReader.read(truncated, pass.index().checkpoints(), 0, 100_000))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("truncated gzip blob");
  }

  @Test
  void garbageAfterMemberRejected() throws IOException {
    byte[] content = GzipTestData.content("garbageAfterMemberRejected", 10_000);
    byte[] gzip = GzipTestData.member(content);
    Pass pass = GzipTestData.run(gzip, SPAN);
    byte[] withGarbage = GzipTestData.concat(gzip, new byte[20]);

    assertThatThrownBy(
            () -> GzipSpanReader.read(withGarbage, pass.index().checkpoints(), 0, 20_000))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("invalid gzip header at compressed offset " + gzip.length);
  }

  @Test
  void spanIndexAndRange() {
    byte[] window = new byte[Checkpoint.WINDOW_SIZE];
    List<Checkpoint> checkpoints =
        List.of(
            new Checkpoint(10, 0, 0, window),
            new Checkpoint(500, 70_000, 3, window),
            new Checkpoint(900, 140_000, 0, window));

    assertThat(GzipSpanReader.spanIndex(checkpoints, 0)).isZero();
    assertThat(GzipSpanReader.spanIndex(checkpoints, 69_999)).isZero();
    assertThat(GzipSpanReader.spanIndex(checkpoints, 70_000)).isEqualTo(1);
    assertThat(GzipSpanReader.spanIndex(checkpoints, 1_000_000)).isEqualTo(2);
    assertThat(GzipSpanReader.spanCompressedRange(checkpoints, 0, 1000)).containsExactly(10, 500);
    assertThat(GzipSpanReader.spanCompressedRange(checkpoints, 1, 1000)).containsExactly(499, 900);
    assertThat(GzipSpanReader.spanCompressedRange(checkpoints, 2, 1000)).containsExactly(900, 1000);
  }
}
