package io.sociindexer.benchmark;

import io.sociindexer.indexer.DirectoryZtocCache;
import io.sociindexer.indexer.ImageIndexer;
import io.sociindexer.indexer.ImageStore;
import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.LayerIndexer;
import io.sociindexer.indexer.LayerOutcome;
import io.sociindexer.indexer.OciLayoutImageStore;
import io.sociindexer.indexer.RegistryImageStore;
import io.sociindexer.indexer.ZtocCache;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.oci.layout.OciLayout;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.OciImageBuilder.Layer;
import io.sociindexer.testing.OciImageBuilder.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Times whole-image indexing with parallel layers and zTOC reuse, and measures its memory.
 * {@code scripts/image-benchmark.sh} builds the layers from real files and runs this with
 * {@code -Xmx256m}. Every figure is a ratio of two timings taken in the same run, so that a busy
 * machine slows both sides. The targets are printed next to the figures, and a missed target
 * does not fail the run.
 *
 * <p>Usage: {@code ImageIndexBenchmark DIR [--huge-gib N]}, where DIR contains {@code base},
 * {@code middle}, {@code top} and {@code extra} as {@code NAME.tar.gz} with {@code NAME.diffid}.
 */
public final class ImageIndexBenchmark {

  private static final List<String> FIRST_IMAGE = List.of("base", "middle", "top");
  private static final List<String> SECOND_IMAGE = List.of("base", "extra");
  /** Layers read at once; BENCHMARK_LAYER_CONCURRENCY overrides the default of 2. */
  private static final int LAYER_CONCURRENCY =
      Integer.parseInt(System.getenv().getOrDefault("BENCHMARK_LAYER_CONCURRENCY", "2"));

  private final Path dir;
  private final Path layout;
  private final IndexOptions options = IndexOptions.defaults();
  private final List<Descriptor> firstLayers = new ArrayList<>();

  private ImageIndexBenchmark(Path dir) {
    this.dir = dir;
    this.layout = dir.resolve("layout");
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ImageIndexBenchmark DIR [--huge-gib N]");
      System.exit(2);
    }
    long hugeGib = 0;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--huge-gib") && i + 1 < args.length) {
        hugeGib = Long.parseLong(args[++i]);
      } else {
        System.err.println("unknown argument " + args[i]);
        System.exit(2);
      }
    }

    ImageIndexBenchmark benchmark = new ImageIndexBenchmark(Path.of(args[0]));
    benchmark.buildLayout();
    print("machine", Runtime.getRuntime().availableProcessors() + " CPUs, max heap "
        + mib(Runtime.getRuntime().maxMemory()) + " MiB, layer concurrency " + LAYER_CONCURRENCY);
    benchmark.parallelAgainstInflate();
    benchmark.reuse();
    if (!"0".equals(System.getenv("BENCHMARK_REGISTRY"))) {
      benchmark.registryEndToEnd();
    }
    if (hugeGib > 0) {
      try {
        benchmark.hugeLayer(hugeGib);
      } catch (OutOfMemoryError e) {
        print("huge layer", "FAILED: the heap of " + mib(Runtime.getRuntime().maxMemory())
            + " MiB ran out while indexing the " + hugeGib + " GiB layer");
        e.printStackTrace();
        System.exit(1);
      }
    }
  }

  /** Writes an OCI layout with the tags {@code 1} (three layers) and {@code 2} (base + extra). */
  private void buildLayout() throws IOException, InterruptedException {
    deleteTree(layout);
    OciImageBuilder image = new OciImageBuilder(layout);
    Layer base = null;
    List<Layer> first = new ArrayList<>();
    for (String name : FIRST_IMAGE) {
      Layer layer = addLayer(image, name);
      first.add(layer);
      firstLayers.add(Descriptor.of(MediaType.OCI_LAYER_GZIP, layer.digest(), layer.size()));
      if (name.equals("base")) {
        base = layer;
      }
    }
    image.tag(image.manifest("linux", "amd64", first), "1");
    Manifest second = image.manifest("linux", "amd64", List.of(base, addLayer(image, "extra")));
    OciLayout.open(layout)
        .tag("2", Descriptor.of(MediaType.OCI_MANIFEST, second.digest(), second.size()));
  }

  /** Links a cached layer into the layout, so that building the layout copies no layer bytes. */
  private Layer addLayer(OciImageBuilder image, String name) throws IOException {
    Path link = layout.resolve("link-" + name);
    Files.createLink(link, dir.resolve(name + ".tar.gz"));
    Digest diffId = Digest.parse("sha256:" + Files.readString(dir.resolve(name + ".diffid")).trim());
    return image.addLayerBlob(link, MediaType.OCI_LAYER_GZIP.value(), diffId);
  }

  /** Whole-image index time against sequential zlib inflate of its layers, with memory peaks. */
  private void parallelAgainstInflate() throws IOException {
    // Warm-up of both code paths on the smaller second image.
    inflateFromLayout(List.of(extraLayer()));
    index("2", ZtocCache.NONE);

    long inflateStarted = System.nanoTime();
    long uncompressed = inflateFromLayout(firstLayers);
    double inflateSeconds = secondsSince(inflateStarted);

    MemoryPeaks.reset();
    IndexResult result;
    double indexSeconds;
    try (MemoryPeaks.Sampler sampler = MemoryPeaks.sample()) {
      long started = System.nanoTime();
      result = index("1", ZtocCache.NONE);
      indexSeconds = secondsSince(started);
      sampler.stop();
      print("image", "3 layers, " + mib(compressedSize(firstLayers)) + " MiB compressed, "
          + mib(uncompressed) + " MiB uncompressed, status " + result.status());
      print("inflate", format("%.2f s sequential zlib inflate of the 3 layers", inflateSeconds));
      print("index", format("%.2f s whole image, %d layers at once", indexSeconds,
          LAYER_CONCURRENCY));
      print("index / inflate", format("%.3f (target: at most 0.65)", indexSeconds / inflateSeconds));
      print("peak heap", sampler.describe());
    }

    // The same image one layer at a time, as the indexer worked before layers ran in parallel.
    long started = System.nanoTime();
    index("1", ZtocCache.NONE, 1);
    double sequentialSeconds = secondsSince(started);
    print("index, 1 layer", format("%.2f s whole image, one layer at a time; %.3f of inflate,"
        + " parallel speed-up %.2f", sequentialSeconds, sequentialSeconds / inflateSeconds,
        sequentialSeconds / indexSeconds));
  }

  /** Indexes a second image that shares the base layer, without and then with a zTOC cache. */
  private void reuse() throws IOException {
    Path cacheDirectory = dir.resolve("ztoc-cache");
    deleteTree(cacheDirectory);
    ZtocCache cache = new DirectoryZtocCache(cacheDirectory, 1L << 30);

    long started = System.nanoTime();
    index("2", ZtocCache.NONE);
    double freshSeconds = secondsSince(started);

    index("1", cache);
    started = System.nanoTime();
    index("2", cache);
    double reusedSeconds = secondsSince(started);

    print("reuse", format("second image %.2f s without the cache, %.2f s after the first image"
        + " filled it", freshSeconds, reusedSeconds));
    print("fresh / reused", format("%.2f (target: at least 3)", freshSeconds / reusedSeconds));
  }

  /**
   * Pushes the first image to a local registry with skopeo, then compares indexing it there
   * (including the push of the SOCI artifacts and the {@code 1-soci} tag) with downloading and
   * inflating its layers once.
   */
  private void registryEndToEnd() throws IOException, InterruptedException {
    try (LocalRegistry registry = LocalRegistry.start()) {
      Commands.skopeoPush(layout, "1", registry.host() + "/bench:1");
      RegistryClient client =
          RegistryClient.builder().plainHttpRegistries(Set.of(registry.host())).build();
      Reference repository = Reference.parse(registry.host() + "/bench:1");

      long started = System.nanoTime();
      long uncompressed = 0;
      for (Descriptor layer : firstLayers) {
        try (InputStream in = client.openBlob(repository, layer.digest(), layer.size())) {
          uncompressed += Inflate.stream(in);
        }
      }
      double pullSeconds = secondsSince(started);

      started = System.nanoTime();
      IndexResult result;
      try (ImageStore store = new RegistryImageStore(client, repository)) {
        result =
            new ImageIndexer(options, LAYER_CONCURRENCY, ZtocCache.NONE).index(store, "1", null);
      }
      double indexSeconds = secondsSince(started);

      print("registry", format("download and inflate %.2f s (%d MiB), index and push to %s %.2f s",
          pullSeconds, mib(uncompressed), result.outputTag(), indexSeconds));
      print("index / pull", format("%.3f (target: at most 1.25)", indexSeconds / pullSeconds));
    }
  }

  /** Indexes one generated layer of {@code gib} GiB and reports the heap peak. */
  private void hugeLayer(long gib) throws IOException, InterruptedException {
    long uncompressed = gib << 30;
    long started = System.nanoTime();
    SyntheticLayer.Summary summary = SyntheticLayer.summarize(uncompressed, dir);
    print("huge layer", format("%d GiB uncompressed, %d MiB gzip, hashed in %.1f s (0 when an"
        + " earlier run stored the digest)", gib, mib(summary.compressedSize()),
        secondsSince(started)));
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
              .start(
                  () -> {
                    try (out) {
                      SyntheticLayer.write(out, uncompressed);
                    } catch (IOException | RuntimeException e) {
                      producerFailure.set(e);
                    }
                  });
      started = System.nanoTime();
      LayerOutcome outcome = new LayerIndexer(options).index(layer, in);
      double seconds = secondsSince(started);
      producer.join();
      sampler.stop();
      if (producerFailure.get() != null) {
        throw new IOException("generating the layer failed", producerFailure.get());
      }
      print("huge layer", format("indexed in %.1f s (generation included), %d spans, zTOC %d MiB",
          seconds, outcome.spans(), mib(outcome.ztoc().size())));
      print("huge peak heap", sampler.describe());
    }
  }

  private IndexResult index(String tag, ZtocCache cache) throws IOException {
    return index(tag, cache, LAYER_CONCURRENCY);
  }

  private IndexResult index(String tag, ZtocCache cache, int concurrency) throws IOException {
    try (ImageStore store = OciLayoutImageStore.open(layout)) {
      return new ImageIndexer(options, concurrency, cache).index(store, tag, null);
    }
  }

  private long inflateFromLayout(List<Descriptor> layers) throws IOException {
    long total = 0;
    try (ImageStore store = OciLayoutImageStore.open(layout)) {
      for (Descriptor layer : layers) {
        try (InputStream in = store.openBlob(layer)) {
          total += Inflate.stream(in);
        }
      }
    }
    return total;
  }

  private Descriptor extraLayer() throws IOException {
    Path blob = dir.resolve("extra.tar.gz");
    return Descriptor.of(
        MediaType.OCI_LAYER_GZIP, OciImageBuilder.sha256(blob), Files.size(blob));
  }

  private static long compressedSize(List<Descriptor> layers) {
    return layers.stream().mapToLong(Descriptor::size).sum();
  }

  private static double secondsSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  static long mib(long bytes) {
    return bytes >> 20;
  }

  static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }

  static void print(String label, String value) {
    System.out.printf(Locale.ROOT, "%-18s %s%n", label, value);
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
