package io.sociindexer.indexer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the layer tasks of one image on at most {@code concurrency} threads and returns their
 * results in task order.
 *
 * <p>The calling thread waits and calls {@link IndexListener#checkContinue()} at least every
 * {@link #CHECK_INTERVAL_MILLIS} milliseconds. The first task to fail, a listener that throws, or
 * an interrupt of the calling thread cancels the tasks still queued and interrupts the running
 * ones, and the calling thread throws the first failure unchanged. Tasks see the cancellation
 * through {@link Thread#isInterrupted()}, which the blob stream checks on every read. With a
 * concurrency of 1 or a single task, the tasks run one after another on the calling thread,
 * exactly as without this class.
 */
final class LayerTasks {

  private static final Logger log = LoggerFactory.getLogger(LayerTasks.class);

  static final long CHECK_INTERVAL_MILLIS = 100;

  /** How long a cancelled image waits for its running tasks to notice the interrupt. */
  private static final long CANCEL_WAIT_SECONDS = 30;

  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

  /** A task that may throw the checked exceptions of layer indexing. */
  @FunctionalInterface
  interface LayerTask<T> {
    T run() throws IOException;
  }

  private LayerTasks() {}

  /**
   * Runs {@code tasks} and returns their results in the same order.
   *
   * @throws IOException the first failure of a task or of {@link IndexListener#checkContinue()},
   *     or {@link InterruptedIOException} when the calling thread is interrupted
   */
  static <T> List<T> runAll(List<LayerTask<T>> tasks, int concurrency, IndexListener listener)
      throws IOException {
    if (concurrency <= 1 || tasks.size() <= 1) {
      return runInline(tasks, listener);
    }
    int threads = Math.min(concurrency, tasks.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, threadFactory());
    try {
      return runOnPool(tasks, pool, listener);
    } finally {
      pool.shutdownNow();
      awaitStop(pool);
    }
  }

  private static <T> List<T> runInline(List<LayerTask<T>> tasks, IndexListener listener)
      throws IOException {
    List<T> results = new ArrayList<>();
    for (LayerTask<T> task : tasks) {
      listener.checkContinue();
      results.add(task.run());
    }
    return results;
  }

  private static <T> List<T> runOnPool(
      List<LayerTask<T>> tasks, ExecutorService pool, IndexListener listener) throws IOException {
    ExecutorCompletionService<T> completion = new ExecutorCompletionService<>(pool);
    Map<String, String> context = MDC.getCopyOfContextMap();
    Map<Future<T>, Integer> positions = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      LayerTask<T> task = tasks.get(i);
      positions.put(completion.submit(() -> runWithContext(task, context)), i);
    }

    List<T> results = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
    int remaining = tasks.size();
    while (remaining > 0) {
      listener.checkContinue();
      Future<T> done = poll(completion);
      if (done != null) {
        results.set(positions.get(done), resultOf(done));
        remaining--;
      }
    }
    return results;
  }

  private static <T> T runWithContext(LayerTask<T> task, Map<String, String> context)
      throws IOException {
    if (context != null) {
      MDC.setContextMap(context);
    }
    try {
      return task.run();
    } finally {
      MDC.clear();
    }
  }

  private static <T> Future<T> poll(ExecutorCompletionService<T> completion)
      throws InterruptedIOException {
    try {
      return completion.poll(CHECK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException stopped =
          new InterruptedIOException("interrupted while layers were being indexed");
      stopped.initCause(e);
      throw stopped;
    }
  }

  /** Returns the result of a finished task, or throws its failure unchanged. */
  private static <T> T resultOf(Future<T> done) throws IOException {
    try {
      return done.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      switch (cause) {
        case IOException io -> throw io;
        case RuntimeException runtime -> throw runtime;
        case Error error -> throw error;
        default -> throw new UncheckedIOException(new IOException(cause));
      }
    } catch (InterruptedException | CancellationException e) {
      // Only finished futures reach the completion queue, and no task is cancelled before the
      // wait loop ends, so get() neither blocks nor throws CancellationException here.
      throw new IllegalStateException("a finished layer task was not complete", e);
    }
  }

  private static void awaitStop(ExecutorService pool) {
    boolean interrupted = Thread.interrupted();
    try {
      if (!pool.awaitTermination(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn(
            "layer tasks still run {} s after they were cancelled; their threads are left to end"
                + " on their own",
            CANCEL_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory threadFactory() {
    int pool = POOL_NUMBER.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, "layer-indexer-" + pool + "-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
