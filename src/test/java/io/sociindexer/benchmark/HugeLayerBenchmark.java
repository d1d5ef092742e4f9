package io.sociindexer.benchmark;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.LayerIndexer;
import io.sociindexer.indexer.LayerOutcome;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.MediaType;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Indexes one generated gzip layer of N MiB uncompressed, which is never stored, and prints the
 * heap peak and the zTOC size, so that heap growth with layer size can be read from runs of
 * different sizes under the same {@code -Xmx}. Prints figures and never fails on timing.
 *
 * <p>Usage: {@code HugeLayerBenchmark DIR MIB}, where DIR keeps the digest of each generated size
 * for later runs.
 */
public final class HugeLayerBenchmark {

  private HugeLayerBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: HugeLayerBenchmark DIR MIB");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    long uncompressed = Long.parseLong(args[1]) << 20;
    long started = System.nanoTime();
    SyntheticLayer.Summary summary = SyntheticLayer.summarize(uncompressed, dir);
    print("layer", "%d MiB uncompressed, %d MiB gzip, hashed in %.1f s", uncompressed >> 20,
        summary.compressedSize() >> 20, secondsSince(started));
    Descriptor layer =
        Descriptor.of(MediaType.OCI_LAYER_GZIP, summary.digest(), summary.compressedSize());

    MemoryPeaks.reset();
    try (MemoryPeaks.Sampler sampler = MemoryPeaks.sample();
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in)) {
      AtomicReference<Throwable> producerFailure = new AtomicReference<>();
      Thread producer =
          Thread.ofPlatform()
              .name("synthetic-layer")
              .start(() -> produce(out, uncompressed, producerFailure));
      started = System.nanoTime();
      LayerOutcome outcome;
      try {
        outcome = new LayerIndexer(IndexOptions.defaults()).index(layer, in);
      } catch (OutOfMemoryError e) {
        sampler.stop();
        print("result", "FAILED: the heap of %d MiB ran out", Runtime.getRuntime().maxMemory() >> 20);
        print("peak heap", sampler.describe());
        System.exit(1);
        return;
      }
      double seconds = secondsSince(started);
      producer.join();
      sampler.stop();
      if (producerFailure.get() != null) {
        throw new IOException("generating the layer failed", producerFailure.get());
      }
      print("result", "indexed in %.1f s, %d spans, zTOC %.1f MiB, max heap %d MiB", seconds,
          outcome.spans(), outcome.ztoc().size() / 1048576.0,
          Runtime.getRuntime().maxMemory() >> 20);
      print("peak heap", sampler.describe());
    }
  }

  private static void produce(
      PipedOutputStream out, long uncompressed, AtomicReference<Throwable> failure) {
    try (out) {
      SyntheticLayer.write(out, uncompressed);
    } catch (IOException | RuntimeException e) {
      failure.set(e);
    }
  }

  private static double secondsSince(long started) {
    return (System.nanoTime() - started) / 1e9;
  }

  private static void print(String label, String format, Object... args) {
    System.out.printf(Locale.ROOT, "%-12s %s%n", label, String.format(Locale.ROOT, format, args));
  }
}
