package io.sociindexer.indexer;

import static io.sociindexer.indexer.LayerFixtures.file;
import static io.sociindexer.indexer.LayerFixtures.gzip;
import static io.sociindexer.indexer.LayerFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.indexer.ZtocCache.CachedZtoc;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.layout.OciLayout;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.OciImageBuilder.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reuse of zTOCs by layer: two images in one layout share a base layer, and the second image is
 * indexed after the first with the same cache.
 */
class ZtocReuseTest {

  private static final IndexOptions SMALL =
      IndexOptions.defaults().withSpanSize(64 << 10).withMinLayerSize(0);
  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path dir;

  private OciImageBuilder image;
  private Layer base;
  private Layer second;

  @BeforeEach
  void setUp() throws IOException {
    image = new OciImageBuilder(dir.resolve("image"));
    base = layer("base", 300_000);
    image.tag(image.manifest("linux", "amd64", List.of(base, layer("first", 50_000))), "1.0");
    second = layer("second", 60_000);
    OciImageBuilder.Manifest manifest = image.manifest("linux", "amd64", List.of(base, second));
    OciLayout.open(image.layout())
        .tag("2.0", Descriptor.of(MediaType.OCI_MANIFEST, manifest.digest(), manifest.size()));
  }

  @Test
  void hitSkipsLayerRead() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(1 << 30);
    IndexResult first = index(SMALL, cache, "1.0", store());
    RecordingImageStore store = store();

    IndexResult reused = index(SMALL, cache, "2.0", store);

    assertThat(store.timesOpened(base.digest())).isZero();
    assertThat(store.timesOpened(second.digest())).isEqualTo(1);
    assertThat(baseZtoc(reused)).isEqualTo(baseZtoc(first));
    assertThat(baseOutcome(reused).entries()).isEqualTo(baseOutcome(first).entries());
    assertThat(baseOutcome(reused).spans()).isEqualTo(baseOutcome(first).spans());
    assertThat(baseOutcome(reused).reused()).isTrue();
    assertThat(baseOutcome(first).reused()).isFalse();
  }

  @Test
  void reusedMatchesFreshIndex() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(1 << 30);
    index(SMALL, cache, "1.0", store());
    IndexResult reused = index(SMALL, cache, "2.0", store());

    IndexResult fresh = index(SMALL, ZtocCache.NONE, "2.0", store());

    assertThat(reused.imageIndex()).isEqualTo(fresh.imageIndex());
    assertThat(baseOutcome(reused).ztocBytes()).isEqualTo(baseOutcome(fresh).ztocBytes());
  }

  @Test
  void spanSizeChangeIndexesAgain() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(1 << 30);
    IndexResult first = index(SMALL, cache, "1.0", store());
    RecordingImageStore store = store();

    IndexResult other = index(SMALL.withSpanSize(32 << 10), cache, "2.0", store);

    assertThat(store.timesOpened(base.digest())).isEqualTo(1);
    assertThat(baseZtoc(other)).isNotEqualTo(baseZtoc(first));
  }

  @Test
  void buildToolChangeIndexesAgain() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(1 << 30);
    index(SMALL, cache, "1.0", store());
    RecordingImageStore store = store();
    IndexOptions otherTool =
        new IndexOptions(
            SMALL.spanSize(), SMALL.minLayerSize(), List.of(), "-soci", false, "other tool");

    index(otherTool, cache, "2.0", store);

    assertThat(store.timesOpened(base.digest())).isEqualTo(1);
  }

  @Test
  void descriptorOnlyReadsRepository() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(0);
    IndexResult first = index(SMALL, cache, "1.0", store());
    RecordingImageStore store = store();

    IndexResult reused = index(SMALL, cache, "2.0", store);

    assertThat(store.timesOpened(base.digest())).isZero();
    assertThat(store.timesOpened(baseZtoc(first).digest())).isEqualTo(1);
    assertThat(baseZtoc(reused)).isEqualTo(baseZtoc(first));
  }

  @Test
  void blobMissingIndexesAgain() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(0);
    IndexResult first = index(SMALL, cache, "1.0", store());
    Files.delete(image.blobPath(baseZtoc(first).digest()));
    RecordingImageStore store = store();

    IndexResult again = index(SMALL, cache, "2.0", store);

    assertThat(store.timesOpened(base.digest())).isEqualTo(1);
    assertThat(baseZtoc(again)).isEqualTo(baseZtoc(first));
    assertThat(Files.exists(image.blobPath(baseZtoc(first).digest()))).isTrue();
  }

  @Test
  void mismatchedBytesIndexAgain() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(1 << 30);
    IndexResult first = index(SMALL, cache, "1.0", store());
    ZtocCache.Key key = ZtocCache.Key.of(baseOutcome(first).layer(), SMALL);
    CachedZtoc good = cache.find(key).orElseThrow();
    byte[] tampered = good.bytes().clone();
    tampered[tampered.length / 2] ^= 1;
    cache.put(key, new CachedZtoc(good.ztoc(), tampered, good.entries(), good.spans(), 0));
    Files.delete(image.blobPath(good.ztoc().digest()));
    RecordingImageStore store = store();

    IndexResult again = index(SMALL, cache, "2.0", store);

    assertThat(store.timesOpened(base.digest())).isEqualTo(1);
    assertThat(baseOutcome(again).ztocBytes()).isEqualTo(good.bytes());
    assertThat(cache.find(key).orElseThrow().bytes()).isEqualTo(good.bytes());
  }

  @Test
  void mismatchedBytesFallBackToRepository() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(1 << 30);
    IndexResult first = index(SMALL, cache, "1.0", store());
    ZtocCache.Key key = ZtocCache.Key.of(baseOutcome(first).layer(), SMALL);
    CachedZtoc good = cache.find(key).orElseThrow();
    cache.put(key, new CachedZtoc(good.ztoc(), new byte[] {1, 2, 3}, good.entries(), good.spans(), 0));
    RecordingImageStore store = store();

    IndexResult reused = index(SMALL, cache, "2.0", store);

    assertThat(store.timesOpened(base.digest())).isZero();
    assertThat(baseOutcome(reused).ztocBytes()).isEqualTo(good.bytes());
    assertThat(cache.find(key).orElseThrow().bytes()).isEqualTo(good.bytes());
  }

  @Test
  void failedPushRecordsNothing() throws Exception {
    MemoryZtocCache cache = new MemoryZtocCache(0);
    ImageStore failing = new ManifestPushFails(OciLayoutImageStore.open(image.layout()));

    assertThatThrownBy(() -> index(SMALL, cache, "1.0", failing))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("manifest push rejected");

    Descriptor layer = Descriptor.of(new MediaType(base.mediaType()), base.digest(), base.size());
    assertThat(cache.find(ZtocCache.Key.of(layer, SMALL))).isEmpty();
  }

  @Test
  void damagedEntryIsMiss() throws Exception {
    Path directory = dir.resolve("cache");
    DirectoryZtocCache cache = new DirectoryZtocCache(directory, 1 << 30);
    index(SMALL, cache, "1.0", store());
    try (var entries = Files.walk(directory)) {
      for (Path file : entries.filter(p -> p.endsWith("entry.properties")).toList()) {
        Files.writeString(file, "layer.digest=not a digest\n");
      }
    }
    RecordingImageStore store = store();

    IndexResult again = index(SMALL, cache, "2.0", store);

    assertThat(store.timesOpened(base.digest())).isEqualTo(1);
    assertThat(again.status()).isEqualTo(IndexResult.Status.INDEXED);
  }

  @Test
  void directoryCacheKeepsEntries() throws Exception {
    DirectoryZtocCache cache = new DirectoryZtocCache(dir.resolve("cache"), 1 << 30);
    IndexResult first = index(SMALL, cache, "1.0", store());
    RecordingImageStore store = store();

    IndexResult reused =
        index(SMALL, new DirectoryZtocCache(dir.resolve("cache"), 1 << 30), "2.0", store);

    assertThat(store.timesOpened(base.digest())).isZero();
    assertThat(baseOutcome(reused).ztocBytes()).isEqualTo(baseOutcome(first).ztocBytes());
  }

  @Test
  void directoryCacheDropsOldestBytes() throws Exception {
    DirectoryZtocCache cache = new DirectoryZtocCache(dir.resolve("cache"), 1000);
    Descriptor layer1 = Descriptor.of(SMALL_LAYER_TYPE, Digest.sha256(new byte[] {1}), 20_000_000);
    Descriptor layer2 = Descriptor.of(SMALL_LAYER_TYPE, Digest.sha256(new byte[] {2}), 20_000_000);
    byte[] bytes1 = new byte[600];
    byte[] bytes2 = new byte[700];
    bytes2[0] = 2;
    cache.put(ZtocCache.Key.of(layer1, SMALL), cached(bytes1));
    Thread.sleep(20);
    cache.put(ZtocCache.Key.of(layer2, SMALL), cached(bytes2));

    CachedZtoc older = cache.find(ZtocCache.Key.of(layer1, SMALL)).orElseThrow();
    CachedZtoc newer = cache.find(ZtocCache.Key.of(layer2, SMALL)).orElseThrow();

    assertThat(older.bytes()).isNull();
    assertThat(older.ztoc()).isEqualTo(Descriptor.of(MediaType.OCTET_STREAM, bytes1));
    assertThat(newer.bytes()).isEqualTo(bytes2);
    cache.remove(ZtocCache.Key.of(layer2, SMALL));
    assertThat(cache.find(ZtocCache.Key.of(layer2, SMALL))).isEmpty();
  }

  private static final MediaType SMALL_LAYER_TYPE =
      new MediaType(OCI_GZIP);

  private static CachedZtoc cached(byte[] bytes) {
    return new CachedZtoc(
        Descriptor.of(MediaType.OCTET_STREAM, bytes), bytes, 3, 2, 4096);
  }

  /** A store that rejects every manifest push, after the zTOC blobs were pushed. */
  private record ManifestPushFails(ImageStore delegate) implements ImageStore {

    @Override
    public StoredManifest fetchManifest(String tagOrDigest) throws IOException {
      return delegate.fetchManifest(tagOrDigest);
    }

    @Override
    public Optional<Digest> resolveTag(String tag) throws IOException {
      return delegate.resolveTag(tag);
    }

    @Override
    public InputStream openBlob(Descriptor blob) throws IOException {
      return delegate.openBlob(blob);
    }

    @Override
    public void pushBlob(Descriptor blob, byte[] content) throws IOException {
      delegate.pushBlob(blob, content);
    }

    @Override
    public void pushManifest(MediaType mediaType, byte[] bytes, String tag) throws IOException {
      throw new IOException("manifest push rejected");
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private RecordingImageStore store() throws IOException {
    return new RecordingImageStore(OciLayoutImageStore.open(image.layout()), 0);
  }

  private static IndexResult index(
      IndexOptions options, ZtocCache cache, String tag, ImageStore store) throws IOException {
    try (store) {
      IndexResult result = new ImageIndexer(options, 2, cache).index(store, tag, null);
      assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
      return result;
    }
  }

  private static LayerOutcome baseOutcome(IndexResult result) {
    return result.platforms().getFirst().layers().getFirst();
  }

  private static Descriptor baseZtoc(IndexResult result) {
    return baseOutcome(result).ztoc();
  }

  private Layer layer(String seed, int size) throws IOException {
    byte[] tar =
        LayerFixtures.concat(
            file(seed + ".bin", LayerFixtures.mixed(seed, size)), zeros(2 * LayerFixtures.BLOCK));
    return image.addLayer(gzip(tar), OCI_GZIP, Digest.sha256(tar));
  }
}
