package io.sociindexer.indexer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Builds layer bytes for the indexer edge-case tests: hand-made ustar entries, tars written by
 * Python's {@code tarfile} or GNU tar, and gzip members with exact headers or exact sizes.
 * Random content is seeded by a name so that every run builds the same bytes.
 */
final class LayerFixtures {

  static final int BLOCK = 512;

  /** Largest payload of one stored deflate block. */
  private static final int STORED_BLOCK_MAX = 65535;

  private LayerFixtures() {}

  /** Returns {@code size} pseudo-random bytes seeded by {@code seed}. */
  static byte[] random(String seed, int size) {
    byte[] data = new byte[size];
    new SplittableRandom(seed.hashCode()).nextBytes(data);
    return data;
  }

  /**
   * Returns {@code size} bytes, the first half random and the second half repetitive text, so
   * that zlib writes both stored and Huffman-coded deflate blocks.
   */
  static byte[] mixed(String seed, int size) {
    byte[] data = random(seed, size);
    byte[] text = ("line of text from " + seed + " that repeats\n").getBytes(StandardCharsets.UTF_8);
    for (int i = size / 2; i < size; i++) {
      data[i] = text[i % text.length];
    }
    return data;
  }

  /** Returns a ustar header block with a valid checksum. */
  static byte[] header(String name, char typeflag, long size, String linkname) {
    byte[] block = new byte[BLOCK];
    put(block, 0, name);
    put(block, 100, octal(0644, 7));
    put(block, 108, octal(1000, 7));
    put(block, 116, octal(1000, 7));
    put(block, 124, octal(size, 11));
    put(block, 136, octal(1_700_000_000L, 11));
    block[156] = (byte) typeflag;
    put(block, 157, linkname);
    put(block, 257, "ustar\u000000");
    put(block, 265, "user");
    put(block, 297, "group");

    Arrays.fill(block, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : block) {
      sum += b & 0xff;
    }
    put(block, 148, octal(sum, 6) + "\u0000 ");
    return block;
  }

  /** Returns a regular file entry: header, data and padding to the next block. */
  static byte[] file(String name, byte[] data) {
    return concat(header(name, '0', data.length, ""), data, zeros(padding(data.length)));
  }

  static int padding(long size) {
    return (int) (-size & (BLOCK - 1));
  }

  static byte[] zeros(int count) {
    return new byte[count];
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Compresses {@code data} as one gzip member with the JDK's 10-byte header. */
  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Compresses each piece as its own gzip member and concatenates the members. */
  static byte[] gzipMembers(List<byte[]> pieces) {
    return concat(pieces.stream().map(LayerFixtures::gzip).toArray(byte[][]::new));
  }

  /** Returns the raw deflate stream (no zlib or gzip wrapper) of {@code data}. */
  static byte[] rawDeflate(byte[] data) {
    Deflater deflater = new Deflater(6, true);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  /** Returns a gzip member made of {@code header}, the deflate stream of data and the trailer. */
  static byte[] gzipMember(byte[] header, byte[] deflate, byte[] data) {
    return concat(header, deflate, trailer(data));
  }

  /**
   * Returns a gzip member of exactly {@code blobSize} bytes: the tar padded with zero bytes and
   * stored in stored deflate blocks, whose 5-byte block headers make the size exact. The padding
   * lies after the tar's end marker, where tar readers stop.
   */
  static byte[] storedGzipOfSize(byte[] tar, long blobSize) {
    long payload = blobSize - 10 - 8;
    int blocks = (int) ((payload + STORED_BLOCK_MAX + 5 - 1) / (STORED_BLOCK_MAX + 5));
    long dataLength = payload - 5L * blocks;
    if (dataLength < tar.length || (dataLength + STORED_BLOCK_MAX - 1) / STORED_BLOCK_MAX > blocks) {
      throw new IllegalArgumentException(
          "cannot store a tar of " + tar.length + " bytes in a gzip blob of " + blobSize + " bytes");
    }
    byte[] data = Arrays.copyOf(tar, (int) dataLength);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
    int offset = 0;
    for (int i = 0; i < blocks; i++) {
      int length = Math.min(STORED_BLOCK_MAX, data.length - offset);
      out.write(i == blocks - 1 ? 1 : 0);
      out.write(length & 0xff);
      out.write(length >>> 8);
      out.write(~length & 0xff);
      out.write((~length >>> 8) & 0xff);
      out.write(data, offset, length);
      offset += length;
    }
    out.writeBytes(trailer(data));
    return out.toByteArray();
  }

  private static byte[] trailer(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return concat(intLe(crc.getValue()), intLe(data.length));
  }

  static byte[] intLe(long value) {
    return new byte[] {
      (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)
    };
  }

  /**
   * Runs a Python 3 script with the output path as {@code sys.argv[1]} and returns the bytes it
   * wrote there.
   */
  static byte[] python(Path dir, String script) throws IOException, InterruptedException {
    Path scriptFile = Files.createTempFile(dir, "fixture", ".py");
    Path output = Files.createTempFile(dir, "fixture", ".out");
    Files.writeString(scriptFile, script);
    run(dir, List.of("python3", scriptFile.toString(), output.toString()));
    return Files.readAllBytes(output);
  }

  /** Runs a bash script in {@code dir} and returns the bytes it wrote to {@code $OUT}. */
  static byte[] bash(Path dir, String script) throws IOException, InterruptedException {
    Path output = Files.createTempFile(dir, "fixture", ".out");
    run(dir, List.of("bash", "-euo", "pipefail", "-c", "OUT='" + output + "'\n" + script));
    return Files.readAllBytes(output);
  }

  private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = process.waitFor();
    if (status != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + status + ":\n" + output);
    }
  }

  private static String octal(long value, int width) {
    String text = Long.toOctalString(value);
    return "0".repeat(Math.max(0, width - text.length())) + text;
  }

  private static void put(byte[] block, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, block, offset, bytes.length);
  }
}
