package io.sociindexer.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An uncompressed tar of {@code count} empty regular files, generated block by block while it is
 * read, so that a test can feed millions of entries without holding the archive in memory. Names
 * are {@code dir-NNNN/file-NNNNNNNN}, owner root:root, one shared modification time, followed by
 * the two-block end marker.
 */
public final class ManyEntriesTar extends InputStream {

  private static final int BLOCK = 512;

  private final long count;
  private final byte[] block = new byte[BLOCK];
  private long nextEntry;
  private int endBlocks;
  private int blockPosition = BLOCK;

  public ManyEntriesTar(long count) {
    this.count = count;
  }

  /** Returns the archive length in bytes: one block per entry plus the end marker. */
  public static long length(long count) {
    return (count + 2) * BLOCK;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (length == 0) {
      return 0;
    }
    if (blockPosition == BLOCK && !nextBlock()) {
      return -1;
    }
    int n = Math.min(length, BLOCK - blockPosition);
    System.arraycopy(block, blockPosition, buffer, offset, n);
    blockPosition += n;
    return n;
  }

  private boolean nextBlock() {
    Arrays.fill(block, (byte) 0);
    if (nextEntry < count) {
      String name = String.format("dir-%04d/file-%08d", nextEntry / 1000, nextEntry);
      writeHeader(name);
      nextEntry++;
    } else if (endBlocks < 2) {
      endBlocks++;
    } else {
      return false;
    }
    blockPosition = 0;
    return true;
  }

  private void writeHeader(String name) {
    put(0, name);
    put(100, "0000644\0");
    put(108, "0000000\0");
    put(116, "0000000\0");
    put(124, "00000000000\0");
    put(136, "14524770000\0");
    block[156] = '0';
    put(257, "ustar\0");
    put(263, "00");
    put(265, "root");
    put(297, "root");
    Arrays.fill(block, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : block) {
      sum += b & 0xff;
    }
    put(148, String.format("%06o", sum) + "\0 ");
  }

  private void put(int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, block, offset, bytes.length);
  }
}
