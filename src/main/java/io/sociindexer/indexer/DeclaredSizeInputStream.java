package io.sociindexer.indexer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a layer blob through and fails as soon as it yields more bytes than its descriptor
 * declares, so that a store serving an endless or oversized blob cannot keep the indexer busy.
 * A blob that ends early is caught later, when the indexer compares sizes and digests at its end.
 * Not thread-safe.
 */
final class DeclaredSizeInputStream extends FilterInputStream {

  private final long declaredSize;
  private long count;

  DeclaredSizeInputStream(InputStream in, long declaredSize) {
    super(in);
    this.declaredSize = declaredSize;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(n);
    if (skipped > 0) {
      count(skipped);
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void count(long n) throws IOException {
    count += n;
    if (count > declaredSize) {
      throw new IOException(
          "the blob is larger than its descriptor size of " + declaredSize + " bytes: at least "
              + count + " bytes were read; the descriptor or the stored blob is wrong");
    }
  }
}
