package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EnqueueBatcherTest {

  private static JobStore.Enqueued created(EnqueueBatcher.Request request) {
    Job job =
        new Job(
            UUID.randomUUID(), request.image(), JobState.QUEUED, request.source(), 0,
            Instant.EPOCH, null, null, Instant.EPOCH, null, null, JobProgress.NONE, null, null);
    return new JobStore.Enqueued(job, true);
  }

  private static ImageTarget image(String tag) {
    return new ImageTarget("registry.test", "app", tag, null);
  }

  @Test
  void enqueueWaitingCallersShareOneBatch() throws Exception {
    CountDownLatch firstBatchStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstBatch = new CountDownLatch(1);
    List<Integer> batchSizes = new ArrayList<>();
    EnqueueBatcher batcher =
        new EnqueueBatcher(
            batch -> {
              synchronized (batchSizes) {
                batchSizes.add(batch.size());
              }
              firstBatchStarted.countDown();
              await(releaseFirstBatch);
              return batch.stream().map(EnqueueBatcherTest::created).toList();
            },
            EnqueueBatcherTest::created);
    ExecutorService callers = Executors.newFixedThreadPool(5);
    try {
      Future<JobStore.Enqueued> first = callers.submit(() -> batcher.enqueue(image("0"), "test"));
      firstBatchStarted.await(10, TimeUnit.SECONDS);
      List<Future<JobStore.Enqueued>> waiting = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        String tag = Integer.toString(i);
        waiting.add(callers.submit(() -> batcher.enqueue(image(tag), "test")));
      }
      Thread.sleep(200);
      releaseFirstBatch.countDown();

      assertThat(first.get(10, TimeUnit.SECONDS).job().image().tag()).isEqualTo("0");
      for (int i = 0; i < waiting.size(); i++) {
        assertThat(waiting.get(i).get(10, TimeUnit.SECONDS).job().image().tag())
            .isEqualTo(Integer.toString(i + 1));
      }
      assertThat(batchSizes).containsExactly(1, 4);
    } finally {
      callers.shutdownNow();
      batcher.close();
    }
  }

  @Test
  void enqueueFailedBatchRunsEachAlone() {
    AtomicInteger alone = new AtomicInteger();
    EnqueueBatcher batcher =
        new EnqueueBatcher(
            batch -> {
              throw new IllegalStateException("batch rolled back");
            },
            request -> {
              alone.incrementAndGet();
              if ("bad".equals(request.image().tag())) {
                throw new IllegalArgumentException("bad row");
              }
              return created(request);
            });
    try {
      assertThat(batcher.enqueue(image("good"), "test").created()).isTrue();
      assertThatThrownBy(() -> batcher.enqueue(image("bad"), "test"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("bad row");
      assertThat(alone).hasValue(2);
    } finally {
      batcher.close();
    }
  }

  @Test
  void enqueueNullOutcomeRunsAlone() {
    AtomicInteger alone = new AtomicInteger();
    EnqueueBatcher batcher =
        new EnqueueBatcher(
            batch -> {
              List<JobStore.Enqueued> outcomes = new ArrayList<>();
              batch.forEach(request -> outcomes.add(null));
              return outcomes;
            },
            request -> {
              alone.incrementAndGet();
              return created(request);
            });
    try {
      assertThat(batcher.enqueue(image("1"), "test").created()).isTrue();
      assertThat(alone).hasValue(1);
    } finally {
      batcher.close();
    }
  }

  @Test
  void enqueueAfterCloseRunsOnCaller() {
    List<String> threads = new ArrayList<>();
    EnqueueBatcher batcher =
        new EnqueueBatcher(
            batch -> batch.stream().map(EnqueueBatcherTest::created).toList(),
            request -> {
              threads.add(Thread.currentThread().getName());
              return created(request);
            });
    batcher.close();

    assertThat(batcher.enqueue(image("1"), "test").created()).isTrue();
    assertThat(threads).containsExactly(Thread.currentThread().getName());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
