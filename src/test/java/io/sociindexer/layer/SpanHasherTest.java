package io.sociindexer.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpanHasherTest {

  @Test
  void digestsMatchIndependentHashes() throws IOException {
    Random random = new Random(42);
    byte[] blob = new byte[3_000_000];
    random.nextBytes(blob);
    long[] starts = {10, 400_000, 400_001, 1_048_576, 2_999_999};
    boolean[] sharesByte = {false, true, false, true, true};

    List<Digest> expected = new ArrayList<>();
    for (int i = 0; i < starts.length; i++) {
      long start = starts[i] - (sharesByte[i] ? 1 : 0);
      long end = i + 1 < starts.length ? starts[i + 1] : blob.length;
      expected.add(sha256(blob, start, end));
    }

    SpanHasher.Result result;
    try (SpanHasher hasher = new SpanHasher()) {
      int fed = 0;
      int next = 0;
      while (fed < blob.length) {
        int length = Math.min(blob.length - fed, 1 + random.nextInt(300_000));
        hasher.chunk(Arrays.copyOfRange(blob, fed, fed + length), 0, length);
        fed += length;
        while (next < starts.length && starts[next] <= fed) {
          hasher.startSpan(starts[next], sharesByte[next]);
          next++;
        }
      }
      result = hasher.finish();
    }

    assertThat(result.blobDigest()).isEqualTo(Digest.sha256(blob));
    assertThat(result.blobSize()).isEqualTo(blob.length);
    assertThat(result.spanDigests()).isEqualTo(expected);
  }

  @Test
  void noSpanStartGivesNoSpanDigest() throws IOException {
    byte[] blob = {1, 2, 3};

    try (SpanHasher hasher = new SpanHasher()) {
      hasher.chunk(blob, 0, blob.length);
      SpanHasher.Result result = hasher.finish();

      assertThat(result.spanDigests()).isEmpty();
      assertThat(result.blobDigest()).isEqualTo(Digest.sha256(blob));
    }
  }

  @Test
  void spanStartBeyondReceivedBytesFails() throws IOException {
    try (SpanHasher hasher = new SpanHasher()) {
      hasher.chunk(new byte[10], 0, 10);
      hasher.startSpan(11, false);

      assertThatThrownBy(hasher::finish).hasMessageContaining("span start 11 is outside");
    }
  }

  @Test
  void borrowBufferReusesHashedChunk() throws IOException {
    byte[] first = new byte[100];
    byte[] second = new byte[100];

    try (SpanHasher hasher = new SpanHasher()) {
      hasher.chunk(first, 0, first.length);
      hasher.chunk(second, 0, second.length);
      hasher.startSpan(150, false);
      hasher.finish();

      assertThat(hasher.borrowBuffer(100)).isSameAs(first);
      assertThat(hasher.borrowBuffer(100)).isNotSameAs(first).isNotSameAs(second).hasSize(100);
    }
  }

  private static Digest sha256(byte[] blob, long start, long end) {
    MessageDigest sha256 = Digest.newSha256();
    sha256.update(blob, (int) start, (int) (end - start));
    return Digest.ofSha256(sha256.digest());
  }
}
