package io.sociindexer.worker;

import io.sociindexer.indexer.IndexListener;
import java.io.IOException;
import java.time.Duration;

/**
 * An {@link IndexListener} that passes every call to a delegate and splits the time of one
 * {@code ImageIndexer.index} call into the {@code index} and {@code push} stages for a {@link
 * JobObserver}. The indexer pushes only after the last layer is done, so the index stage ends at
 * the last {@link #layerDone()} (or at {@link #planned} when no layer needs reading), and the
 * push stage is the rest. A call that fails reports only the index stage, covering its whole time.
 *
 * <p>Not thread-safe: {@code ImageIndexer} calls it from several layer threads, but one call at
 * a time and with a happens-before edge between calls.
 */
final class StageTimer implements IndexListener {

  private final IndexListener delegate;
  private final JobObserver observer;
  private final long startedNanos;
  private long indexEndNanos;

  StageTimer(IndexListener delegate, JobObserver observer) {
    this.delegate = delegate;
    this.observer = observer;
    this.startedNanos = System.nanoTime();
    this.indexEndNanos = startedNanos;
  }

  @Override
  public void planned(int layers, long bytes) {
    indexEndNanos = System.nanoTime();
    delegate.planned(layers, bytes);
  }

  @Override
  public void bytesRead(long bytes) {
    observer.layerBytesRead(bytes);
    delegate.bytesRead(bytes);
  }

  @Override
  public void layerDone() {
    indexEndNanos = System.nanoTime();
    delegate.layerDone();
  }

  @Override
  public void checkContinue() throws IOException {
    delegate.checkContinue();
  }

  /** Reports the index and push stages of a call that returned. */
  void succeeded() {
    long now = System.nanoTime();
    observer.stageFinished(JobObserver.STAGE_INDEX, Duration.ofNanos(indexEndNanos - startedNanos));
    observer.stageFinished(JobObserver.STAGE_PUSH, Duration.ofNanos(now - indexEndNanos));
  }

  /** Reports the whole time of a call that threw as the index stage. */
  void failed() {
    observer.stageFinished(
        JobObserver.STAGE_INDEX, Duration.ofNanos(System.nanoTime() - startedNanos));
  }
}
