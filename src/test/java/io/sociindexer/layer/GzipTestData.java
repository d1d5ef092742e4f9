package io.sociindexer.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Deterministic gzip inputs and the checks that every index built from them must pass. */
final class GzipTestData {

  static final int FTEXT = 0x01;
  static final int FHCRC = 0x02;
  static final int FEXTRA = 0x04;
  static final int FNAME = 0x08;
  static final int FCOMMENT = 0x10;

  private GzipTestData() {}

  /**
   * Returns {@code size} bytes that alternate 48 KiB blocks of random bytes and of repetitive text,
   * so deflate writes both stored and Huffman blocks. The same seed gives the same bytes.
   */
  static byte[] content(String seed, int size) {
    SplittableRandom random = new SplittableRandom(seed.hashCode());
    byte[] data = new byte[size];
    int position = 0;
    boolean randomBlock = false;
    while (position < size) {
      int blockLength = Math.min(48 * 1024, size - position);
      if (randomBlock) {
        for (int i = 0; i < blockLength; i++) {
          data[position + i] = (byte) random.nextInt(256);
        }
      } else {
        fillText(random, data, position, blockLength);
      }
      position += blockLength;
      randomBlock = !randomBlock;
    }
    return data;
  }

  private static void fillText(SplittableRandom random, byte[] data, int start, int length) {
    String[] words = {"layer", "span", "checkpoint", "tar", "gzip", "window", "index", "zlib"};
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      text.append(words[random.nextInt(words.length)]).append(random.nextInt(100)).append(' ');
      if (random.nextInt(12) == 0) {
        text.append('\n');
      }
    }
    System.arraycopy(text.toString().getBytes(StandardCharsets.US_ASCII), 0, data, start, length);
  }

  /** Returns raw deflate data (no header) of {@code data} at {@code level}. */
  static byte[] rawDeflate(byte[] data, int level) {
    Deflater deflater = new Deflater(level, true);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    while (!deflater.finished()) {
      int n = deflater.deflate(buffer);
      out.write(buffer, 0, n);
    }
    deflater.end();
    return out.toByteArray();
  }

  /** Returns a gzip member with a plain 10-byte header, compressed at level 6. */
  static byte[] member(byte[] data) {
    return member(data, 0, null, null, null);
  }

  /**
   * Returns a gzip member whose header has the given flags; {@code extra}, {@code name} and {@code
   * comment} are written when their flag is set.
   */
  static byte[] member(byte[] data, int flags, byte[] extra, String name, String comment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 0, 0, 0, 0, 0, (byte) 255});
    if ((flags & FEXTRA) != 0) {
      out.write(extra.length & 0xff);
      out.write(extra.length >>> 8);
      out.writeBytes(extra);
    }
    if ((flags & FNAME) != 0) {
      out.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
      out.write(0);
    }
    if ((flags & FCOMMENT) != 0) {
      out.writeBytes(comment.getBytes(StandardCharsets.ISO_8859_1));
      out.write(0);
    }
    if ((flags & FHCRC) != 0) {
      CRC32 headerCrc = new CRC32();
      headerCrc.update(out.toByteArray());
      int crc16 = (int) headerCrc.getValue() & 0xffff;
      out.write(crc16 & 0xff);
      out.write(crc16 >>> 8);
    }
    out.writeBytes(rawDeflate(data, 6));
    writeTrailer(out, data);
    return out.toByteArray();
  }

  private static void writeTrailer(ByteArrayOutputStream out, byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    writeIntLe(out, (int) crc.getValue());
    writeIntLe(out, data.length);
  }

  private static void writeIntLe(ByteArrayOutputStream out, int value) {
    for (int i = 0; i < 4; i++) {
      out.write(value >>> (8 * i));
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** The decompressed bytes and the index of one full pass over a blob. */
  record Pass(byte[] output, GzipIndex index) {}

  /** Reads {@code gzip} through {@link GzipCheckpointingInputStream} in odd-sized reads. */
  static Pass run(byte[] gzip, long spanSize) throws IOException {
    try (GzipCheckpointingInputStream in =
        new GzipCheckpointingInputStream(new ByteArrayInputStream(gzip), spanSize)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[7919];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
      return new Pass(out.toByteArray(), in.result());
    }
  }

  /**
   * Checks everything that must hold for any blob: output, checkpoint rules, windows, digests and
   * read-back at many offsets.
   */
  static void assertValidIndex(byte[] gzip, byte[] content, Pass pass, long spanSize)
      throws IOException {
    GzipIndex index = pass.index();
    assertThat(pass.output()).isEqualTo(content);
    assertThat(index.uncompressedSize()).isEqualTo(content.length);
    assertThat(index.compressedSize()).isEqualTo(gzip.length);
    assertThat(index.compressedDigest()).isEqualTo(Digest.sha256(gzip));

    Checkpoint first = index.checkpoints().getFirst();
    assertThat(first.out()).isZero();
    assertThat(first.bits()).isZero();
    assertThat(first.window()).isEqualTo(new byte[Checkpoint.WINDOW_SIZE]);

    for (int i = 0; i < index.checkpoints().size(); i++) {
      Checkpoint checkpoint = index.checkpoints().get(i);
      assertThat(checkpoint.window())
          .as("window of checkpoint %d", i)
          .isEqualTo(expectedWindow(content, checkpoint.out()));
      assertThat(checkpoint.bits()).isBetween(0, 7);
      if (i > 0) {
        Checkpoint previous = index.checkpoints().get(i - 1);
        assertThat(checkpoint.out() - previous.out()).isGreaterThan(spanSize);
        assertThat(checkpoint.in()).isGreaterThan(previous.in());
      }
      long[] range = GzipSpanReader.spanCompressedRange(index.checkpoints(), i, gzip.length);
      byte[] spanBytes = Arrays.copyOfRange(gzip, (int) range[0], (int) range[1]);
      assertThat(index.spanDigests().get(i))
          .as("digest of span %d", i)
          .isEqualTo(Digest.sha256(spanBytes));
    }
    assertReadBack(gzip, content, index);
  }

  static byte[] expectedWindow(byte[] content, long out) {
    byte[] window = new byte[Checkpoint.WINDOW_SIZE];
    int available = (int) Math.min(out, Checkpoint.WINDOW_SIZE);
    System.arraycopy(
        content, (int) out - available, window, Checkpoint.WINDOW_SIZE - available, available);
    return window;
  }

  private static void assertReadBack(byte[] gzip, byte[] content, GzipIndex index)
      throws IOException {
    SplittableRandom random = new SplittableRandom(content.length);
    for (Checkpoint checkpoint : index.checkpoints()) {
      for (long offset :
          new long[] {checkpoint.out(), checkpoint.out() + 1, checkpoint.out() - 1}) {
        assertReadAt(gzip, content, index, offset, 1000);
      }
    }
    for (int i = 0; i < 20; i++) {
      assertReadAt(gzip, content, index, random.nextInt(content.length + 1), random.nextInt(70000));
    }
    assertReadAt(gzip, content, index, 0, content.length);
  }

  static void assertReadAt(byte[] gzip, byte[] content, GzipIndex index, long offset, int length)
      throws IOException {
    if (offset < 0 || offset > content.length) {
      return;
    }
    int expectedLength = (int) Math.min(length, content.length - offset);
    byte[] expected = Arrays.copyOfRange(content, (int) offset, (int) offset + expectedLength);
    byte[] actual = GzipSpanReader.read(gzip, index.checkpoints(), offset, length);
    assertThat(actual).as("read of %d bytes at offset %d", length, offset).isEqualTo(expected);
  }
}
