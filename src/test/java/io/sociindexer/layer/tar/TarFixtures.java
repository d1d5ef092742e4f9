package io.sociindexer.layer.tar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builders of tar archives for tests: hand-made blocks, and Python or GNU tar output. */
final class TarFixtures {

  private TarFixtures() {}

  /** Builds a ustar header block with a valid checksum; {@code edit} may change raw bytes first. */
  static byte[] header(String name, char typeflag, long size) {
    byte[] block = new byte[512];
    put(block, 0, name);
    put(block, 100, octal(0644, 8));
    put(block, 108, octal(1000, 8));
    put(block, 116, octal(1000, 8));
    put(block, 124, octal(size, 12));
    put(block, 136, octal(1_700_000_000L, 12));
    block[156] = (byte) typeflag;
    put(block, 257, "ustar\0");
    put(block, 263, "00");
    put(block, 265, "user");
    put(block, 297, "group");
    return withChecksum(block);
  }

  /** Recomputes the checksum field after a test changed header bytes. */
  static byte[] withChecksum(byte[] block) {
    Arrays.fill(block, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : block) {
      sum += b & 0xff;
    }
    put(block, 148, String.format("%06o", sum) + "\0 ");
    return block;
  }

  static String octal(long value, int width) {
    return String.format("%0" + (width - 1) + "o", value) + "\0";
  }

  static void put(byte[] block, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(bytes, 0, block, offset, bytes.length);
  }

  /** Returns {@code size} data bytes padded with zeros to a multiple of 512. */
  static byte[] data(int size, int seed) {
    byte[] bytes = new byte[(size + 511) / 512 * 512];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + seed);
    }
    return bytes;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] zeros(int count) {
    return new byte[count];
  }

  /** Reads every entry; the reader's final position is stored in {@code endPosition[0]}. */
  static List<TarHeader> readAll(byte[] archive, long[] endPosition) throws IOException {
    GoTarReader reader = new GoTarReader(new ByteArrayInputStream(archive));
    List<TarHeader> headers = new ArrayList<>();
    for (TarHeader header = reader.next(); header != null; header = reader.next()) {
      headers.add(header);
    }
    if (endPosition != null) {
      endPosition[0] = reader.position();
    }
    return headers;
  }

  static List<TarHeader> readAll(byte[] archive) throws IOException {
    return readAll(archive, null);
  }

  /** Runs a Python 3 script with {@code tarfile} imported and {@code out} bound to the path. */
  static byte[] python(Path dir, String script) throws Exception {
    Path out = dir.resolve("python-" + System.nanoTime() + ".tar");
    String program = "import sys, tarfile, io\nout = sys.argv[1]\n" + script;
    run(dir, List.of("python3", "-c", program, out.toString()));
    return Files.readAllBytes(out);
  }

  /** Runs a command in {@code dir} and returns its standard output. */
  static byte[] run(Path dir, List<String> command) throws Exception {
    Path stdout = dir.resolve("stdout-" + System.nanoTime());
    Path stderr = dir.resolve("stderr-" + System.nanoTime());
    Process process = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(process.exitValue())
        .as("%s failed: %s", command, Files.readString(stderr))
        .isZero();
    return Files.readAllBytes(stdout);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
