package io.sociindexer.layer;

import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hashes a blob and its spans on a second thread while the caller inflates it, so that the two
 * sha256 passes over the compressed bytes overlap with zlib instead of adding to it.
 *
 * <p>The caller hands over each compressed chunk as it reads it, then marks span starts as the
 * inflater finds them. A span runs from its start to the next span's start, or to the end of the
 * blob for the last one. Bytes before the first span start belong to no span (soci leaves the gzip
 * header out). A span that starts inside a byte includes that byte, which then belongs to the
 * previous span too.
 *
 * <p>Span starts may only name positions the caller has already handed over, and must not
 * decrease. Memory: at most {@link #QUEUE_CAPACITY} queued chunks, {@link #SPARE_CAPACITY} spare
 * arrays and the compressed bytes of the span being hashed, because span bytes are kept until the
 * next span start is known.
 *
 * <p>Arrays handed over with {@link #chunk} belong to the hasher from then on. Once hashed, it
 * offers them back through {@link #borrowBuffer(int)}, so a caller that reads each chunk into a
 * borrowed array allocates only while many chunks wait in the hasher.
 *
 * <p>Not thread-safe: one thread calls {@link #chunk}, {@link #borrowBuffer(int)}, {@link
 * #startSpan} and {@link #finish}.
 */
public final class SpanHasher implements AutoCloseable {

  /** Queued chunks; 32 chunks of 256 KiB keep the hasher busy without holding much memory. */
  static final int QUEUE_CAPACITY = 32;

  /** Hashed arrays kept for reuse, as many as can be queued; more go to the garbage collector. */
  static final int SPARE_CAPACITY = 32;

  private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final BlockingQueue<byte[]> spares = new ArrayBlockingQueue<>(SPARE_CAPACITY);
  private final Thread worker;
  private volatile Result result;
  private volatile Throwable failure;

  public SpanHasher() {
    worker = Thread.ofVirtual().name("span-hasher").start(this::run);
  }

  /** The digests of a finished blob. */
  public record Result(Digest blobDigest, long blobSize, List<Digest> spanDigests) {}

  /**
   * Hands over the next {@code length} bytes of the blob. The hasher takes the array: the caller
   * must not change or reuse it, and the hasher may return it from {@link #borrowBuffer(int)}.
   */
  public void chunk(byte[] bytes, int offset, int length) throws IOException {
    if (length > 0) {
      put(new Chunk(bytes, offset, length));
    }
  }

  /** Returns an array of at least {@code minLength} bytes: one already hashed, or a new one. */
  public byte[] borrowBuffer(int minLength) {
    byte[] spare = spares.poll();
    return spare != null && spare.length >= minLength ? spare : new byte[minLength];
  }

  /**
   * Starts a span at {@code position}, closing the previous one there.
   *
   * @param includePreviousByte true when the span starts inside byte {@code position - 1}
   */
  public void startSpan(long position, boolean includePreviousByte) throws IOException {
    put(new SpanStart(position, includePreviousByte));
  }

  /** Closes the last span at the end of the blob and returns every digest. */
  public Result finish() throws IOException {
    put(new Finish());
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for span digests");
    }
    if (failure != null) {
      throw new IOException("hashing the blob failed: " + failure.getMessage(), failure);
    }
    return result;
  }

  /** Stops the worker when the blob is abandoned before {@link #finish}. */
  @Override
  public void close() {
    worker.interrupt();
  }

  private void put(Event event) throws IOException {
    if (failure != null) {
      throw new IOException("hashing the blob failed: " + failure.getMessage(), failure);
    }
    try {
      // A worker that failed takes no more events, so a full queue is rechecked for failure.
      while (!events.offer(event, 100, TimeUnit.MILLISECONDS)) {
        if (failure != null || !worker.isAlive()) {
          throw new IOException("the span hasher stopped", failure);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing bytes to the span hasher");
    }
  }

  private void run() {
    try {
      Worker state = new Worker(spares);
      while (true) {
        Event event = events.take();
        if (event instanceof Finish) {
          result = state.finish();
          return;
        }
        state.accept(event);
      }
    } catch (InterruptedException e) {
      // The blob was abandoned; nothing waits for a result.
    } catch (RuntimeException | Error e) {
      failure = e;
    }
  }

  private sealed interface Event permits Chunk, SpanStart, Finish {}

  private record Chunk(byte[] bytes, int offset, int length) implements Event {}

  private record SpanStart(long position, boolean includePreviousByte) implements Event {}

  private record Finish() implements Event {}

  /** The worker thread's state: blob digest, open span digest and bytes not yet span-hashed. */
  private static final class Worker {
    private final BlockingQueue<byte[]> spares;
    private final MessageDigest blob = Digest.newSha256();
    private final List<Digest> spans = new ArrayList<>();
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    private long pendingStart;
    private long received;
    private long spanHashed;
    private MessageDigest span;

    Worker(BlockingQueue<byte[]> spares) {
      this.spares = spares;
    }

    void accept(Event event) {
      if (event instanceof Chunk chunk) {
        blob.update(chunk.bytes(), chunk.offset(), chunk.length());
        pending.addLast(chunk);
        received += chunk.length();
      } else if (event instanceof SpanStart start) {
        startSpan(start.position(), start.includePreviousByte());
      }
    }

    Result finish() {
      if (span != null) {
        hashTo(received);
        spans.add(Digest.ofSha256(span.digest()));
      }
      return new Result(Digest.ofSha256(blob.digest()), received, List.copyOf(spans));
    }

    private void startSpan(long position, boolean includePreviousByte) {
      if (position > received || position < spanHashed) {
        throw new IllegalStateException(
            "span start " + position + " is outside the bytes received so far (" + spanHashed
                + " to " + received + ")");
      }
      if (span != null) {
        hashTo(position);
        spans.add(Digest.ofSha256(span.digest()));
      }
      spanHashed = position;
      span = Digest.newSha256();
      if (includePreviousByte) {
        span.update(byteAt(position - 1));
      }
      dropBefore(position - 1);
    }

    /** Feeds the open span the bytes from {@code spanHashed} to {@code end}. */
    private void hashTo(long end) {
      long chunkStart = pendingStart;
      for (Chunk chunk : pending) {
        long chunkEnd = chunkStart + chunk.length();
        long from = Math.max(chunkStart, spanHashed);
        long to = Math.min(chunkEnd, end);
        if (from < to) {
          span.update(chunk.bytes(), chunk.offset() + (int) (from - chunkStart), (int) (to - from));
        }
        if (chunkEnd >= end) {
          break;
        }
        chunkStart = chunkEnd;
      }
      spanHashed = end;
    }

    private byte byteAt(long position) {
      long chunkStart = pendingStart;
      for (Chunk chunk : pending) {
        if (position < chunkStart + chunk.length()) {
          return chunk.bytes()[chunk.offset() + (int) (position - chunkStart)];
        }
        chunkStart += chunk.length();
      }
      throw new IllegalStateException("byte " + position + " is no longer held");
    }

    /** Drops chunks that end at or before {@code position}, offering their arrays for reuse. */
    private void dropBefore(long position) {
      while (!pending.isEmpty() && pendingStart + pending.peekFirst().length() <= position) {
        Chunk dropped = pending.removeFirst();
        pendingStart += dropped.length();
        boolean ignored = spares.offer(dropped.bytes());
      }
    }
  }
}
