package io.sociindexer.benchmark;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.LayerIndexer;
import io.sociindexer.indexer.LayerOutcome;
import io.sociindexer.layer.tar.GoTarReader;
import io.sociindexer.layer.tar.TarHeader;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.testing.ManyEntriesTar;
import io.sociindexer.ztoc.FileMetadata;
import io.sociindexer.ztoc.TocEntries;
import io.sociindexer.ztoc.TocEntryList;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures the memory a layer of many tiny tar entries costs: the heap that the collected zTOC
 * entries retain, built one by one with {@link TocEntries#fromTarHeader} and with the sharing
 * {@link TocEntryList}, and the peak heap and time of {@link LayerIndexer} on the whole layer.
 *
 * <p>Usage: {@code ManyEntriesBenchmark [ENTRIES]} (default 2,000,000); {@code
 * scripts/benchmark-entries.sh} runs it. Heap figures come from the JVM's memory beans after
 * {@code System.gc()}, so they are estimates that vary by a few MiB between runs.
 */
public final class ManyEntriesBenchmark {

  private ManyEntriesBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    System.out.printf(Locale.ROOT, "entries          %,d (tar of %,d bytes)%n", count,
        ManyEntriesTar.length(count));

    long base = retainedHeap();
    List<FileMetadata> separate = readSeparately(count);
    long separateBytes = retainedHeap() - base;
    report("one by one", separateBytes, count);
    separate = null;

    base = retainedHeap();
    TocEntryList shared = readShared(count);
    long sharedBytes = retainedHeap() - base;
    report("shared values", sharedBytes, count);
    shared = null;

    Descriptor layer = describe(count);
    retainedHeap();
    resetPeakHeap();
    long started = System.nanoTime();
    LayerOutcome outcome =
        new LayerIndexer(IndexOptions.defaults().withMinLayerSize(0))
            .index(layer, new ManyEntriesTar(count));
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(Locale.ROOT, "index            %.1f s, zTOC %,d bytes, %d entries%n",
        seconds, outcome.ztocBytes().length, outcome.entries());
    System.out.printf(Locale.ROOT, "peak heap        %.1f MiB%n", peakHeap() / 1048576.0);
  }

  private static List<FileMetadata> readSeparately(int count) throws IOException {
    GoTarReader tar = new GoTarReader(new ManyEntriesTar(count));
    List<FileMetadata> entries = new ArrayList<>();
    for (TarHeader header = tar.next(); header != null; header = tar.next()) {
      entries.add(TocEntries.fromTarHeader(header));
    }
    return entries;
  }

  private static TocEntryList readShared(int count) throws IOException {
    GoTarReader tar = new GoTarReader(new ManyEntriesTar(count));
    TocEntryList entries = new TocEntryList();
    for (TarHeader header = tar.next(); header != null; header = tar.next()) {
      entries.add(header);
    }
    return entries;
  }

  private static void report(String label, long bytes, int count) {
    System.out.printf(Locale.ROOT, "%-16s %.1f MiB retained, %.0f bytes per entry%n",
        label, bytes / 1048576.0, (double) bytes / count);
  }

  private static Descriptor describe(int count) throws IOException {
    MessageDigest sha256 = Digest.newSha256();
    try (DigestInputStream in = new DigestInputStream(new ManyEntriesTar(count), sha256)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return Descriptor.of(
        MediaType.of("application/vnd.oci.image.layer.v1.tar"),
        Digest.ofSha256(sha256.digest()),
        ManyEntriesTar.length(count));
  }

  private static long retainedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void resetPeakHeap() {
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
}
