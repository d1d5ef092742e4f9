package io.sociindexer.indexer;

import java.io.IOException;

/**
 * Receives progress from {@link ImageIndexer} and may stop it. Calls come from the indexing
 * thread; implementations must be quick and thread-safe if they share state.
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
