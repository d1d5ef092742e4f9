package io.sociindexer.indexer;

import java.io.IOException;

/**
 * Passes progress calls to a listener one at a time, so that listeners written for one thread
 * stay correct while several layers are read at once. {@link #planned}, {@link #bytesRead} and
 * {@link #layerDone} hold one lock, which also makes each call see the state the previous one
 * left. {@link #checkContinue()} is not serialized, because the layer threads call it on every
 * read and the listeners in this project implement it with thread-safe state.
 */
final class SerializedListener implements IndexListener {

  private final IndexListener delegate;

  private SerializedListener(IndexListener delegate) {
    this.delegate = delegate;
  }

  /** Wraps {@code listener}, unless it is {@link IndexListener#NONE} or already wrapped. */
  static IndexListener of(IndexListener listener) {
    if (listener == IndexListener.NONE || listener instanceof SerializedListener) {
      return listener;
    }
    return new SerializedListener(listener);
  }

  @Override
  public synchronized void planned(int layers, long bytes) {
    delegate.planned(layers, bytes);
  }

  @Override
  public synchronized void bytesRead(long bytes) {
    delegate.bytesRead(bytes);
  }

  @Override
  public synchronized void layerDone() {
    delegate.layerDone();
  }

  @Override
  public void checkContinue() throws IOException {
    delegate.checkContinue();
  }
}
