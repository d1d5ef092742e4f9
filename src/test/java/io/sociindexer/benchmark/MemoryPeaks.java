package io.sociindexer.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak memory of a benchmark phase: the heap peak of the JVM's heap pools, the largest used heap
 * seen by a thread that samples every 10 ms, and the peak resident set size (VmHWM) of the
 * process. {@link #reset()} resets the pool peaks and, where Linux allows it, VmHWM.
 */
final class MemoryPeaks {

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private MemoryPeaks() {}

  /** Runs a collection and resets the heap pool peaks and the peak RSS. */
  static void reset() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    try {
      // Writing 5 resets VmHWM to the current RSS (Linux 4.0 and later).
      Files.writeString(CLEAR_REFS, "5");
    } catch (IOException | UnsupportedOperationException e) {
      System.err.println("cannot reset the peak RSS, so VmHWM covers the whole run: " + e);
    }
  }

  static Sampler sample() {
    return new Sampler();
  }

  /** Samples the used heap on a daemon thread until stopped. */
  static final class Sampler implements AutoCloseable {

    private final AtomicLong maxUsed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    private Sampler() {
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("heap-sampler")
              .start(
                  () -> {
                    while (running) {
                      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                      maxUsed.accumulateAndGet(used, Math::max);
                      try {
                        Thread.sleep(10);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    void stop() {
      running = false;
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%d MiB heap pools peak, %d MiB largest sampled used heap, %s peak RSS (VmHWM)",
          poolPeak() >> 20,
          maxUsed.get() >> 20,
          peakRss());
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }

    private static long poolPeak() {
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      return peak;
    }

    private static String peakRss() {
      try {
        for (String line : Files.readAllLines(STATUS)) {
          if (line.startsWith("VmHWM:")) {
            long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
            return (kib >> 10) + " MiB";
          }
        }
      } catch (IOException | NumberFormatException e) {
        return "unknown (" + e.getMessage() + ")";
      }
      return "unknown";
    }
  }
}
