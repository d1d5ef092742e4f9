package io.sociindexer.benchmark;

import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A gzip tar layer of any size generated while it is written, so that a layer far larger than
 * the disk budget can be indexed. It contains 64 MiB files whose content is half random and half
 * text, so that both stored and Huffman-coded deflate blocks occur. The same size always gives the same
 * bytes, so the layer can be hashed in one pass and indexed in a second.
 */
final class SyntheticLayer {

  private static final int FILE_SIZE = 64 << 20;
  private static final int PATTERN_SIZE = 1 << 20;

  /** Digest and size of a generated layer blob. */
  record Summary(Digest digest, long compressedSize) {}

  private SyntheticLayer() {}

  /**
   * Returns the digest and compressed size of the layer. They are read from a file in {@code
   * cacheDirectory} when an earlier run stored them, and otherwise computed by generating the
   * layer once and stored there.
   */
  static Summary summarize(long uncompressedBytes, Path cacheDirectory) throws IOException {
    Path stored = cacheDirectory.resolve("synthetic-" + uncompressedBytes + ".summary");
    if (Files.exists(stored)) {
      String[] fields = Files.readString(stored).trim().split(" ");
      return new Summary(Digest.parse(fields[0]), Long.parseLong(fields[1]));
    }

    MessageDigest sha256 = Digest.newSha256();
    CountingOutputStream counter = new CountingOutputStream();
    try (DigestOutputStream out = new DigestOutputStream(counter, sha256)) {
      write(out, uncompressedBytes);
    }
    Summary summary = new Summary(Digest.ofSha256(sha256.digest()), counter.count);
    Files.writeString(stored, summary.digest() + " " + summary.compressedSize() + "\n");
    return summary;
  }

  /** Writes the gzip layer of about {@code uncompressedBytes} of file content to {@code out}. */
  static void write(OutputStream out, long uncompressedBytes) throws IOException {
    byte[] pattern = pattern();
    GZIPOutputStream gzip =
        new GZIPOutputStream(out, 256 * 1024) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        };
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      long files = Math.max(1, uncompressedBytes / FILE_SIZE);
      for (long i = 0; i < files; i++) {
        TarArchiveEntry entry = new TarArchiveEntry("data/file-" + i + ".bin");
        entry.setSize(FILE_SIZE);
        entry.setModTime(1_700_000_000_000L);
        tar.putArchiveEntry(entry);
        int offset = (int) (i * 4099 % PATTERN_SIZE);
        for (int written = 0; written < FILE_SIZE; written += PATTERN_SIZE) {
          tar.write(pattern, offset, PATTERN_SIZE - offset);
          tar.write(pattern, 0, offset);
        }
        tar.closeArchiveEntry();
      }
    }
  }

  private static byte[] pattern() {
    byte[] data = new byte[PATTERN_SIZE];
    new SplittableRandom(42).nextBytes(data);
    byte[] text = "line of generated text that repeats\n".getBytes(StandardCharsets.UTF_8);
    for (int i = PATTERN_SIZE / 2; i < PATTERN_SIZE; i++) {
      data[i] = text[i % text.length];
    }
    return data;
  }

  private static final class CountingOutputStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
