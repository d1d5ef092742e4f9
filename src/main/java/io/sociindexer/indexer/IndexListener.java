package io.sociindexer.indexer;

import java.io.IOException;

/**
 * Receives progress from {@link ImageIndexer} and may stop it. Implementations must be quick.
 *
 * <p>Threads: while several layers are read at once, the calls come from the thread that called
 * {@code index} and from its layer threads. {@link #planned}, {@link #bytesRead} and {@link
 * #layerDone} are never called at the same time, and each call happens after the previous one.
 * {@link #checkContinue()} may be called from several threads at once, so it must be
 * thread-safe.
 */
public interface IndexListener {

  /** A listener that ignores progress and never stops the work. */
  IndexListener NONE = new IndexListener() {};

  /** Called once the manifests are read: the number and compressed bytes of layers to index. */
  default void planned(int layers, long bytes) {}

  /** Called as compressed layer bytes are read. */
  default void bytesRead(long bytes) {}

  /** Called when a layer is indexed or skipped after reading. */
  default void layerDone() {}

  /**
   * Called often while work goes on; throws to stop it, for example when the job's time is up or
   * the service shuts down.
   */
  default void checkContinue() throws IOException {}
}
