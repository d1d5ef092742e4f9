package io.sociindexer.indexer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Reports bytes read to an {@link IndexListener} and lets it stop the read. A read on an
 * interrupted thread throws {@link InterruptedIOException}, which is how a cancelled layer task
 * stops.
 */
final class ListeningInputStream extends FilterInputStream {

  private final IndexListener listener;

  ListeningInputStream(InputStream in, IndexListener listener) {
    super(in);
    this.listener = listener;
  }

  @Override
  public int read() throws IOException {
    checkContinue();
    int b = in.read();
    if (b >= 0) {
      listener.bytesRead(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    checkContinue();
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      listener.bytesRead(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    checkContinue();
    long skipped = in.skip(n);
    listener.bytesRead(skipped);
    return skipped;
  }

  private void checkContinue() throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("the layer read was interrupted because indexing stopped");
    }
    listener.checkContinue();
  }
}
