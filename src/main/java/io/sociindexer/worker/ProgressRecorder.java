package io.sociindexer.worker;

import io.sociindexer.indexer.IndexListener;
import io.sociindexer.job.JobProgress;
import io.sociindexer.job.JobStore;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IndexListener} that writes a job's progress to the store and stops the attempt
 * through {@link JobAttempt#checkContinue()}. Progress is written when the plan is known, after
 * each layer, and while bytes are read at most once per {@link #MIN_WRITE_INTERVAL}, so a fast
 * layer does not flood the database. A failed progress write is logged and ignored, because
 * progress is informational.
 *
 * <p>Not thread-safe: {@code ImageIndexer} calls it from several layer threads, but one call at
 * a time and with a happens-before edge between calls.
 */
final class ProgressRecorder implements IndexListener {

  private static final Logger log = LoggerFactory.getLogger(ProgressRecorder.class);

  static final Duration MIN_WRITE_INTERVAL = Duration.ofMillis(500);

  private final JobStore store;
  private final String nodeId;
  private final JobAttempt attempt;

  private int layersTotal;
  private long bytesTotal;
  private int layersDone;
  private long bytesDone;
  private long lastWriteNanos;
  private boolean writeFailureLogged;

  ProgressRecorder(JobStore store, String nodeId, JobAttempt attempt) {
    this.store = store;
    this.nodeId = nodeId;
    this.attempt = attempt;
  }

  @Override
  public void planned(int layers, long bytes) {
    layersTotal = layers;
    bytesTotal = bytes;
    write();
  }

  @Override
  public void bytesRead(long bytes) {
    bytesDone += bytes;
    if (System.nanoTime() - lastWriteNanos >= MIN_WRITE_INTERVAL.toNanos()) {
      write();
    }
  }

  @Override
  public void layerDone() {
    layersDone++;
    write();
  }

  @Override
  public void checkContinue() throws IOException {
    attempt.checkContinue();
  }

  JobProgress progress() {
    return new JobProgress(layersDone, layersTotal, bytesDone, bytesTotal);
  }

  private void write() {
    lastWriteNanos = System.nanoTime();
    try {
      store.updateProgress(attempt.job().id(), nodeId, progress());
    } catch (RuntimeException e) {
      if (!writeFailureLogged) {
        writeFailureLogged = true;
        log.warn(
            "cannot record progress job.id={}; later progress failures of this attempt are not"
                + " logged",
            attempt.job().id(),
            e);
      }
    }
  }
}
