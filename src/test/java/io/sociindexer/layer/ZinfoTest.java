package io.sociindexer.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZinfoTest {

  @Test
  void headerForNineCheckpoints() {
    List<Checkpoint> checkpoints = checkpoints(9);

    byte[] blob = Zinfo.toBlob(checkpoints, 65536);

    assertThat(blob).hasSize(12 + 9 * 32785);
    assertThat(HexFormat.of().formatHex(blob, 0, 12)).isEqualTo("090000000000010000000000");
  }

  @Test
  void checkpointRecordLayout() {
    byte[] window = new byte[Checkpoint.WINDOW_SIZE];
    window[0] = 0x11;
    window[Checkpoint.WINDOW_SIZE - 1] = 0x22;
    List<Checkpoint> checkpoints =
        List.of(
            new Checkpoint(10, 0, 0, new byte[Checkpoint.WINDOW_SIZE]),
            new Checkpoint(0x0102030405L, 0x60708L, 5, window));

    byte[] blob = Zinfo.toBlob(checkpoints, 4194304);

    int second = 12 + 32785;
    assertThat(HexFormat.of().formatHex(blob, 4, 12)).isEqualTo("0000400000000000");
    assertThat(HexFormat.of().formatHex(blob, second, second + 17))
        .isEqualTo("0504030201000000" + "0807060000000000" + "05");
    assertThat(blob[second + 17]).isEqualTo((byte) 0x11);
    assertThat(blob[blob.length - 1]).isEqualTo((byte) 0x22);
  }

  @Test
  void segmentMatchesBlob() {
    List<Checkpoint> checkpoints = checkpoints(3);

    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = Zinfo.toSegment(checkpoints, 4194304, arena);

      assertThat(segment.toArray(ValueLayout.JAVA_BYTE))
          .isEqualTo(Zinfo.toBlob(checkpoints, 4194304));
    }
  }

  @Test
  void segmentRejectsEmptyList() {
    try (Arena arena = Arena.ofConfined()) {
      assertThatThrownBy(() -> Zinfo.toSegment(List.of(), 4194304, arena))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("without checkpoints");
    }
  }

  @Test
  void roundTripVersionTwo() {
    List<Checkpoint> checkpoints = checkpoints(3);

    ZinfoCheckpoints parsed = Zinfo.fromBlob(Zinfo.toBlob(checkpoints, 1234));

    assertThat(parsed.version()).isEqualTo(Zinfo.VERSION_TWO);
    assertThat(parsed.spanSize()).isEqualTo(1234);
    assertThat(parsed.checkpoints()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Checkpoint expected = checkpoints.get(i);
      Checkpoint actual = parsed.checkpoints().get(i);
      assertThat(actual.in()).isEqualTo(expected.in());
      assertThat(actual.out()).isEqualTo(expected.out());
      assertThat(actual.bits()).isEqualTo(expected.bits());
      assertThat(actual.window()).isEqualTo(expected.window());
    }
  }

  @Test
  void versionOneSynthesizesFirst() {
    byte[] current = Zinfo.toBlob(checkpoints(3), 65536);
    byte[] legacy = new byte[current.length - Zinfo.CHECKPOINT_SIZE];
    System.arraycopy(current, 0, legacy, 0, 12);
    System.arraycopy(current, 12 + Zinfo.CHECKPOINT_SIZE, legacy, 12, legacy.length - 12);

    ZinfoCheckpoints parsed = Zinfo.fromBlob(legacy);

    assertThat(parsed.version()).isEqualTo(Zinfo.VERSION_ONE);
    assertThat(parsed.checkpoints()).hasSize(3);
    Checkpoint first = parsed.checkpoints().getFirst();
    assertThat(first.in()).isEqualTo(10);
    assertThat(first.out()).isZero();
    assertThat(first.bits()).isZero();
    assertThat(first.window()).isEqualTo(new byte[Checkpoint.WINDOW_SIZE]);
    assertThat(parsed.checkpoints().get(2).in()).isEqualTo(checkpoints(3).get(2).in());
  }

  @Test
  void invalidLengthsRejected() {
    byte[] blob = Zinfo.toBlob(checkpoints(2), 65536);

    assertThatThrownBy(() -> Zinfo.fromBlob(new byte[11]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shorter than the 12-byte header");
    assertThatThrownBy(() -> Zinfo.fromBlob(Arrays.copyOf(blob, blob.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match 2 checkpoints");
    assertThatThrownBy(() -> Zinfo.fromBlob(new byte[12]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void invalidCheckpointsRejected() {
    Checkpoint badWindow = new Checkpoint(10, 0, 0, new byte[100]);
    Checkpoint badBits = new Checkpoint(10, 0, 8, new byte[Checkpoint.WINDOW_SIZE]);

    assertThatThrownBy(() -> Zinfo.toBlob(List.of(), 65536))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Zinfo.toBlob(List.of(badWindow), 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100-byte window");
    assertThatThrownBy(() -> Zinfo.toBlob(List.of(badBits), 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bits 8");
  }

  private static List<Checkpoint> checkpoints(int count) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] window = new byte[Checkpoint.WINDOW_SIZE];
      Arrays.fill(window, (byte) i);
      checkpoints.add(new Checkpoint(10 + i * 1000L, i * 70000L, i % 8, window));
    }
    return checkpoints;
  }
}
