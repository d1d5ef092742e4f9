package io.sociindexer.indexer;

import static io.sociindexer.indexer.LayerFixtures.file;
import static io.sociindexer.indexer.LayerFixtures.gzip;
import static io.sociindexer.indexer.LayerFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.OciImageBuilder.Layer;
import io.sociindexer.testing.OciImageBuilder.Manifest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers of one image indexed on several threads: order, sharing, failures and stops. */
class ParallelLayersTest {

  private static final IndexOptions SMALL =
      IndexOptions.defaults().withSpanSize(64 << 10).withMinLayerSize(0);
  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** Pause before each 4 KiB read of a slow layer, so a 400 KB layer takes about 1 s. */
  private static final long SLOW_READ_MILLIS = 10;

  @TempDir Path dir;

  private OciImageBuilder image;

  @BeforeEach
  void setUp() throws IOException {
    image = new OciImageBuilder(dir.resolve("image"));
  }

  @Test
  void parallelMatchesSequential() throws Exception {
    Layer shared = layer("shared", 200_000);
    Manifest amd64 =
        image.manifest("linux", "amd64", List.of(shared, layer("a1", 150_000), layer("a2", 90_000)));
    Manifest arm64 =
        image.manifest("linux", "arm64", List.of(layer("b1", 120_000), shared, layer("b2", 30_000)));
    image.tagIndex(List.of(amd64, arm64), "1.0");

    IndexResult sequential = index(new ImageIndexer(SMALL, 1, ZtocCache.NONE), store(), null);
    IndexResult parallel = index(new ImageIndexer(SMALL, 4, ZtocCache.NONE), store(), null);

    assertThat(parallel.imageIndex()).isEqualTo(sequential.imageIndex());
    for (int i = 0; i < 2; i++) {
      assertThat(ztocDigests(parallel, i)).isEqualTo(ztocDigests(sequential, i));
      assertThat(layerDigests(parallel, i)).isEqualTo(layerDigests(sequential, i));
    }
  }

  @Test
  void sharedLayerOpenedOnce() throws Exception {
    Layer shared = layer("shared", 100_000);
    Manifest amd64 = image.manifest("linux", "amd64", List.of(shared, layer("a", 50_000)));
    Manifest arm64 = image.manifest("linux", "arm64", List.of(layer("b", 50_000), shared));
    image.tagIndex(List.of(amd64, arm64), "1.0");
    RecordingImageStore store = store();

    IndexResult result = index(new ImageIndexer(SMALL, 3, ZtocCache.NONE), store, null);

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(store.timesOpened(shared.digest())).isEqualTo(1);
    assertThat(store.opened()).hasSize(3);
  }

  @Test
  void smallLayerNeverOpened() throws Exception {
    Layer small = layer("small", 2_000);
    Layer large = layer("large", 300_000);
    image.tag(image.manifest("linux", "amd64", List.of(small, large)), "1.0");
    RecordingImageStore store = store();
    IndexOptions options = SMALL.withMinLayerSize(small.size() + 1);

    IndexResult result = index(new ImageIndexer(options, 2, ZtocCache.NONE), store, null);

    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(store.timesOpened(small.digest())).isZero();
    assertThat(store.timesOpened(large.digest())).isEqualTo(1);
    assertThat(result.platforms().getFirst().layers().getFirst().skipReason())
        .startsWith("size ");
  }

  @Test
  void firstFailureCancelsOthers() throws Exception {
    Layer slow1 = layer("slow1", 400_000);
    Layer slow2 = layer("slow2", 400_000);
    Layer corrupt = corruptLayer("corrupt");
    image.tag(image.manifest("linux", "amd64", List.of(slow1, slow2, corrupt)), "1.0");
    String sequentialMessage = failureMessage(new ImageIndexer(SMALL, 1, ZtocCache.NONE), store());
    RecordingImageStore store = store();
    store.makeSlow(slow1.digest());
    store.makeSlow(slow2.digest());

    long started = System.nanoTime();
    String parallelMessage = failureMessage(new ImageIndexer(SMALL, 3, ZtocCache.NONE), store);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(parallelMessage).isEqualTo(sequentialMessage);
    assertThat(parallelMessage).contains("layer " + corrupt.digest());
    assertThat(store.openStreams()).isZero();
    // Reading one slow layer to its end takes about 1 s, since it pauses 10 ms per 4 KiB.
    assertThat(tookMillis).isLessThan(900);
    assertThat(layerThreadsAlive()).isZero();
  }

  @Test
  void listenerStopCancelsLayers() throws Exception {
    Layer slow1 = layer("slow1", 400_000);
    Layer slow2 = layer("slow2", 400_000);
    image.tag(image.manifest("linux", "amd64", List.of(slow1, slow2)), "1.0");
    RecordingImageStore store = store();
    store.makeSlow(slow1.digest());
    store.makeSlow(slow2.digest());
    AtomicBoolean stop = new AtomicBoolean();
    IndexListener listener =
        new IndexListener() {
          @Override
          public void bytesRead(long bytes) {
            stop.set(true);
          }

          @Override
          public void checkContinue() throws IOException {
            if (stop.get()) {
              throw new IOException("job timed out");
            }
          }
        };

    Throwable thrown =
        catchThrowable(
            () -> index(new ImageIndexer(SMALL, 2, ZtocCache.NONE), store, listener));

    // The stop reaches the caller directly or, when a layer thread saw it first, as the cause of
    // that layer's failure, as it did before layers ran in parallel.
    assertThat(thrown).isInstanceOf(IOException.class);
    assertThat(rootOf(thrown).getMessage()).isEqualTo("job timed out");
    assertThat(store.openStreams()).isZero();
    assertThat(layerThreadsAlive()).isZero();
  }

  @Test
  void interruptStopsIndexing() throws Exception {
    Layer slow1 = layer("slow1", 400_000);
    Layer slow2 = layer("slow2", 400_000);
    image.tag(image.manifest("linux", "amd64", List.of(slow1, slow2)), "1.0");
    RecordingImageStore store = store();
    store.makeSlow(slow1.digest());
    store.makeSlow(slow2.digest());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    ImageIndexer indexer = new ImageIndexer(SMALL, 2, ZtocCache.NONE);
    Thread worker =
        new Thread(
            () -> {
              try {
                index(indexer, store, null);
              } catch (Throwable e) {
                failure.set(e);
              }
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });

    worker.start();
    Thread.sleep(200);
    worker.interrupt();
    worker.join(10_000);

    assertThat(worker.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(InterruptedIOException.class);
    assertThat(interruptedAfter.get()).isTrue();
    assertThat(store.openStreams()).isZero();
  }

  @Test
  void progressCallsNeverOverlap() throws Exception {
    image.tag(
        image.manifest(
            "linux",
            "amd64",
            List.of(layer("p1", 300_000), layer("p2", 300_000), layer("p3", 300_000))),
        "1.0");
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicLong plannedBytes = new AtomicLong();
    AtomicLong readBytes = new AtomicLong();
    AtomicInteger plannedLayers = new AtomicInteger();
    AtomicInteger doneLayers = new AtomicInteger();
    IndexListener listener =
        new IndexListener() {
          @Override
          public void planned(int layers, long bytes) {
            plannedLayers.set(layers);
            plannedBytes.set(bytes);
          }

          @Override
          public void bytesRead(long bytes) {
            enter();
            readBytes.addAndGet(bytes);
            inside.decrementAndGet();
          }

          @Override
          public void layerDone() {
            enter();
            doneLayers.incrementAndGet();
            inside.decrementAndGet();
          }

          private void enter() {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.onSpinWait();
          }
        };

    index(new ImageIndexer(SMALL, 3, ZtocCache.NONE), store(), listener);

    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(plannedLayers.get()).isEqualTo(3);
    assertThat(doneLayers.get()).isEqualTo(3);
    assertThat(readBytes.get()).isEqualTo(plannedBytes.get());
  }

  @Test
  void zeroConcurrencyRejected() {
    assertThatThrownBy(() -> new ImageIndexer(SMALL, 0, ZtocCache.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layer concurrency must be at least 1, got 0");
  }

  private RecordingImageStore store() throws IOException {
    return new RecordingImageStore(OciLayoutImageStore.open(image.layout()), SLOW_READ_MILLIS);
  }

  private static IndexResult index(ImageIndexer indexer, ImageStore store, IndexListener listener)
      throws IOException {
    try (store) {
      return indexer.index(store, "1.0", null, listener == null ? IndexListener.NONE : listener);
    }
  }

  private static String failureMessage(ImageIndexer indexer, ImageStore store) {
    try {
      index(indexer, store, null);
    } catch (IOException e) {
      return e.getMessage();
    }
    throw new AssertionError("indexing the image with a corrupt layer did not fail");
  }

  private static List<Digest> ztocDigests(IndexResult result, int platform) {
    return result.platforms().get(platform).layers().stream()
        .map(layer -> layer.ztoc().digest())
        .toList();
  }

  private static List<Digest> layerDigests(IndexResult result, int platform) {
    return result.platforms().get(platform).layers().stream()
        .map(LayerOutcome::layer)
        .map(Descriptor::digest)
        .toList();
  }

  private static Throwable rootOf(Throwable thrown) {
    Throwable root = thrown;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }

  private static long layerThreadsAlive() throws InterruptedException {
    // The pool is shut down before index returns; give its threads a moment to exit.
    for (int i = 0; i < 50; i++) {
      long alive =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().startsWith("layer-indexer-") && t.isAlive())
              .count();
      if (alive == 0) {
        return 0;
      }
      Thread.sleep(20);
    }
    return -1;
  }

  /** Adds a gzip layer holding one file of {@code size} random bytes. */
  private Layer layer(String seed, int size) throws IOException {
    byte[] tar =
        LayerFixtures.concat(
            file(seed + ".bin", LayerFixtures.random(seed, size)), zeros(2 * LayerFixtures.BLOCK));
    return image.addLayer(gzip(tar), OCI_GZIP, Digest.sha256(tar));
  }

  /** Adds a gzip layer cut off in the middle, which fails as a truncated blob. */
  private Layer corruptLayer(String seed) throws IOException {
    byte[] tar =
        LayerFixtures.concat(
            file(seed + ".bin", LayerFixtures.random(seed, 100_000)), zeros(2 * LayerFixtures.BLOCK));
    byte[] gzip = gzip(tar);
    return image.addLayer(Arrays.copyOf(gzip, gzip.length / 2), OCI_GZIP, Digest.sha256(tar));
  }
}
