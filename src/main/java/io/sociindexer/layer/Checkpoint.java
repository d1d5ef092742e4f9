package io.sociindexer.layer;

/**
 * A gzip decompression checkpoint as soci's zinfo stores it.
 *
 * @param in compressed offset, from the start of the blob, of the first full byte after the
 *     deflate block boundary
 * @param out uncompressed offset of the boundary
 * @param bits number of unused bits (0 to 7) in byte {@code in - 1} that belong to the next block
 * @param window the 32 KiB of output before {@code out}, oldest first, zero-padded on the left
 */
public record Checkpoint(long in, long out, int bits, byte[] window) {

  /** Size of the inflate history window, zlib's maximum of 32 KiB. */
  public static final int WINDOW_SIZE = 32768;
}
