package io.sociindexer.benchmark;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.LayerIndexer;
import io.sociindexer.indexer.LayerOutcome;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.zlib.ZStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import com.sun.management.OperatingSystemMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times {@link LayerIndexer} on one gzip layer next to plain zlib inflate of the same file, in
 * the same JVM run, and prints both with the peak heap of the indexing runs.
 *
 * <p>Usage: {@code LayerIndexBenchmark LAYER.tar.gz [ROUNDS]}; {@code scripts/benchmark.sh} builds
 * a layer from real files and runs this. The floor is zlib because every compressed byte must be
 * inflated once; the ratio shows what checkpointing, hashing and tar reading add on top.
 */
public final class LayerIndexBenchmark {

  private static final int INPUT_CHUNK = 256 * 1024;
  private static final int OUTPUT_CHUNK = 256 * 1024;

  private LayerIndexBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: LayerIndexBenchmark LAYER.tar.gz [ROUNDS]");
      System.exit(2);
    }
    Path layer = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Descriptor descriptor = describe(layer);
    IndexOptions options = IndexOptions.defaults();

    // One warm-up of each so that both are measured with compiled code.
    long uncompressed = inflate(layer);
    index(layer, descriptor, options);

    Timings inflate = new Timings(rounds);
    Timings index = new Timings(rounds);
    resetPeakHeap();
    LayerOutcome outcome = null;
    for (int round = 0; round < rounds; round++) {
      Timings.Mark mark = Timings.mark();
      inflate(layer);
      inflate.record(round, mark);

      mark = Timings.mark();
      outcome = index(layer, descriptor, options);
      index.record(round, mark);
    }
    report(layer, descriptor, uncompressed, outcome, inflate.wall, index.wall);
    System.out.printf(
        Locale.ROOT,
        "cpu ratios       process %.3f, reading thread %.3f (medians of per-round ratios; the"
            + " reading thread's ratio is what the wall ratio becomes when a second core is free)%n",
        medianRatio(index.processCpu, inflate.processCpu),
        medianRatio(index.threadCpu, inflate.threadCpu));
  }

  /** Wall, process CPU and calling-thread CPU nanoseconds per round. */
  private static final class Timings {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean SYSTEM =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    final long[] wall;
    final long[] processCpu;
    final long[] threadCpu;

    Timings(int rounds) {
      wall = new long[rounds];
      processCpu = new long[rounds];
      threadCpu = new long[rounds];
    }

    record Mark(long wall, long processCpu, long threadCpu) {}

    static Mark mark() {
      return new Mark(
          System.nanoTime(), SYSTEM.getProcessCpuTime(), THREADS.getCurrentThreadCpuTime());
    }

    void record(int round, Mark start) {
      Mark end = mark();
      wall[round] = end.wall() - start.wall();
      processCpu[round] = end.processCpu() - start.processCpu();
      threadCpu[round] = end.threadCpu() - start.threadCpu();
    }
  }

  private static double medianRatio(long[] numerators, long[] denominators) {
    double[] ratios = new double[numerators.length];
    for (int round = 0; round < ratios.length; round++) {
      ratios[round] = (double) numerators[round] / denominators[round];
    }
    Arrays.sort(ratios);
    return ratios[ratios.length / 2];
  }

  private static void report(
      Path layer,
      Descriptor descriptor,
      long uncompressed,
      LayerOutcome outcome,
      long[] inflateNanos,
      long[] indexNanos) {
    double inflate = median(inflateNanos) / 1e9;
    double index = median(indexNanos) / 1e9;
    double mib = uncompressed / 1048576.0;
    double[] ratios = new double[indexNanos.length];
    for (int round = 0; round < ratios.length; round++) {
      ratios[round] = (double) indexNanos[round] / inflateNanos[round];
    }
    Arrays.sort(ratios);
    System.out.printf(Locale.ROOT, "layer            %s%n", layer);
    System.out.printf(
        Locale.ROOT,
        "sizes            %.1f MiB compressed, %.1f MiB uncompressed, %d entries, %d spans%n",
        descriptor.size() / 1048576.0,
        mib,
        outcome.entries(),
        outcome.spans());
    System.out.printf(
        Locale.ROOT,
        "zlib inflate     %.3f s median of %d, %s (%.0f MiB/s)%n",
        inflate,
        inflateNanos.length,
        spread(inflateNanos),
        mib / inflate);
    System.out.printf(
        Locale.ROOT,
        "index            %.3f s median of %d, %s (%.0f MiB/s)%n",
        index,
        indexNanos.length,
        spread(indexNanos),
        mib / index);
    System.out.printf(
        Locale.ROOT,
        "index / inflate  %.3f (ratio of medians); per round %.3f median, %.3f-%.3f"
            + " (target: at most 1.10)%n",
        index / inflate,
        ratios[ratios.length / 2],
        ratios[0],
        ratios[ratios.length - 1]);
    System.out.printf(Locale.ROOT, "peak heap        %.1f MiB%n", peakHeap() / 1048576.0);
  }

  private static String spread(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT, "range %.3f-%.3f s", sorted[0] / 1e9, sorted[sorted.length - 1] / 1e9);
  }

  private static LayerOutcome index(Path layer, Descriptor descriptor, IndexOptions options)
      throws IOException {
    try (InputStream in = Files.newInputStream(layer)) {
      return new LayerIndexer(options).index(descriptor, in);
    }
  }

  /** Inflates the whole file with zlib and discards the output; returns the output length. */
  private static long inflate(Path layer) throws IOException {
    long total = 0;
    try (FileChannel channel = FileChannel.open(layer, StandardOpenOption.READ);
        ZStream zlib = ZStream.inflater(ZStream.AUTO_HEADER_WINDOW_BITS)) {
      MemorySegment input = zlib.allocate(INPUT_CHUNK);
      MemorySegment output = zlib.allocate(OUTPUT_CHUNK);
      ByteBuffer inputBuffer = input.asByteBuffer();
      int status = ZStream.Z_OK;
      while (status != ZStream.Z_STREAM_END) {
        inputBuffer.clear();
        int read = channel.read(inputBuffer);
        if (read <= 0) {
          throw new IOException("gzip stream of " + layer + " ends early");
        }
        zlib.setInput(input, 0, read);
        while (zlib.availIn() > 0 && status != ZStream.Z_STREAM_END) {
          zlib.setOutput(output, 0, OUTPUT_CHUNK);
          status = zlib.inflate(ZStream.Z_NO_FLUSH);
          total += OUTPUT_CHUNK - zlib.availOut();
        }
      }
    }
    return total;
  }

  private static Descriptor describe(Path layer) throws IOException {
    var sha256 = Digest.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(layer), sha256)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.ofSha256(sha256.digest()), Files.size(layer));
  }

  private static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
