package io.sociindexer.indexer;

import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.indexer.ImageStore.StoredManifest;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes one image: resolves the tag, picks the image manifests to index, builds a zTOC per
 * layer, assembles the SOCI v2 artifacts and pushes them, children before parents and the tag
 * last. An image whose layers all get skipped ends as {@link IndexResult.Status#NOTHING_TO_INDEX}
 * and nothing is pushed.
 *
 * <p>Thread safety: one instance may index several images at once.
 */
public final class ImageIndexer {

  private static final Logger log = LoggerFactory.getLogger(ImageIndexer.class);

  /** Image configs are small JSON documents; anything larger is not a config we can trust. */
  private static final int MAX_CONFIG_BYTES = 4 << 20;

  static final String ATTESTATION_TYPE_ANNOTATION = "vnd.docker.reference.type";
  static final String SOCI_INDEX_DIGEST_ANNOTATION = "com.amazon.soci.index-digest";

  /**
   * Layers of one image read at once unless a caller sets another value. A service runs several
   * images at once, so a small value keeps its inflating threads (workers times this value) near
   * the core count of a small host.
   */
  public static final int DEFAULT_LAYER_CONCURRENCY = 2;

  private final IndexOptions options;
  private final LayerIndexer layerIndexer;
  private final int layerConcurrency;
  private final ZtocReuse reuse;

  /** Creates an indexer that reads {@link #DEFAULT_LAYER_CONCURRENCY} layers at once. */
  public ImageIndexer(IndexOptions options) {
    this(options, DEFAULT_LAYER_CONCURRENCY, ZtocCache.NONE);
  }

  /** Creates an indexer that reuses zTOCs through {@code ztocCache} only. */
  public ImageIndexer(IndexOptions options, int layerConcurrency, ZtocCache ztocCache) {
    this(options, layerConcurrency, ztocCache, ZtocRecords.NONE);
  }

  /**
   * Creates an indexer.
   *
   * @param layerConcurrency layers of one image read at once, at least 1; each image that is
   *     indexed at the same time gets its own threads, so a service runs up to its worker count
   *     times this many layer threads
   * @param ztocCache zTOCs of earlier layers to reuse, and where new ones are recorded
   * @param ztocRecords zTOCs pushed by any replica, looked up when {@code ztocCache} misses. Every
   *     zTOC of an image is recorded there once its SOCI artifacts were pushed to a registry
   */
  public ImageIndexer(
      IndexOptions options, int layerConcurrency, ZtocCache ztocCache, ZtocRecords ztocRecords) {
    if (layerConcurrency < 1) {
      throw new IllegalArgumentException(
          "layer concurrency must be at least 1, got " + layerConcurrency);
    }
    this.options = options;
    this.layerIndexer = new LayerIndexer(options);
    this.layerConcurrency = layerConcurrency;
    this.reuse =
        new ZtocReuse(
            Objects.requireNonNull(ztocCache, "ztocCache"),
            Objects.requireNonNull(ztocRecords, "ztocRecords"),
            options);
  }

  /**
   * Indexes the image that {@code tag} or {@code digest} names in {@code store}. The digest wins
   * when both are given; the tag then only names the output. A layout store with neither indexes
   * its only tag.
   *
   * @throws IOException when the registry or layout fails, or a layer is corrupt; the message names
   *     the image, the layer and the cause
   */
  public IndexResult index(ImageStore store, String tag, Digest digest) throws IOException {
    return index(store, tag, digest, IndexListener.NONE);
  }

  /**
   * Indexes like {@link #index(ImageStore, String, Digest)} and reports to {@code listener}. The
   * progress calls may come from several layer threads, but never at the same time, see {@link
   * SerializedListener}.
   */
  public IndexResult index(ImageStore store, String tag, Digest digest, IndexListener listener)
      throws IOException {
    long started = System.nanoTime();
    listener = SerializedListener.of(listener);
    SociV1Publisher v1 =
        options.sociVersion() == SociVersion.V1 ? new SociV1Publisher(options, store) : null;
    if (tag == null && digest == null && store instanceof OciLayoutImageStore layout) {
      tag = layout.onlyTag();
    }
    String image = store.describe() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    StoredManifest root = fetchManifest(store, image, digest != null ? digest.toString() : tag);
    log.info("indexing image={} manifest.digest={}", image, root.digest());

    SourceImage source = SourceImage.of(image, root);
    String enabled = sociEnabledReason(source);
    if (enabled != null) {
      return alreadySociEnabled(image, root, enabled, started);
    }
    List<ManifestWork> selected = new ArrayList<>();
    for (SourceImage.Entry entry : source.entries()) {
      listener.checkContinue();
      selected.add(select(store, image, entry));
    }
    enabled = sociEnabledReason(selected);
    if (enabled != null) {
      return alreadySociEnabled(image, root, enabled, started);
    }
    requireRequestedPlatform(image, selected);
    LayerPlan plan = planLayers(store, image, selected);
    listener.planned(plan.toRead().size(), plan.bytesToRead());
    Map<LayerKey, LayerOutcome> layerOutcomes = readLayers(store, image, plan, listener);

    List<ManifestWork> work = new ArrayList<>();
    for (ManifestWork manifest : selected) {
      work.add(withLayers(manifest, layerOutcomes));
    }

    if (work.stream().noneMatch(ManifestWork::hasZtoc)) {
      List<PlatformOutcome> outcomes = work.stream().map(ManifestWork::toOutcome).toList();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      log.info("nothing to index image={} manifest.digest={}", image, root.digest());
      return new IndexResult(
          IndexResult.Status.NOTHING_TO_INDEX, image, root.digest(), outcomes, null, null, took);
    }

    if (v1 != null) {
      IndexResult result = publishV1(v1, image, root, tag, work, started);
      rememberPushed(store, plan, layerOutcomes);
      return result;
    }
    SociPublisher.Published published =
        new SociPublisher(options, store).publish(source, work, tag, root.digest());
    rememberPushed(store, plan, layerOutcomes);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    log.info(
        "indexed image={} index.digest={} tag={} duration.ms={}",
        image,
        published.imageIndex().digest(),
        published.outputTag(),
        took.toMillis());
    return new IndexResult(
        IndexResult.Status.INDEXED,
        image,
        root.digest(),
        published.platforms(),
        published.imageIndex(),
        published.outputTag(),
        took);
  }

  /**
   * Publishes SOCI v1 indexes. The result's {@code imageIndex} is the descriptor of the unchanged
   * source manifest or index, the image that is now SOCI-enabled through its referrers, and its
   * {@code outputTag} is the source tag, which still points at it (null for a digest-only image).
   */
  private IndexResult publishV1(
      SociV1Publisher v1,
      String image,
      StoredManifest root,
      String tag,
      List<ManifestWork> work,
      long started)
      throws IOException {
    List<PlatformOutcome> outcomes = v1.publish(work);
    Descriptor source = Descriptor.of(root.mediaType(), root.digest(), root.bytes().length);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    log.info(
        "indexed image={} soci.version=v1 manifest.digest={} duration.ms={}",
        image,
        root.digest(),
        took.toMillis());
    return new IndexResult(
        IndexResult.Status.INDEXED, image, root.digest(), outcomes, source, tag, took);
  }

  /** Reads the manifest of {@code entry} unless it is skipped; its layers are not read yet. */
  private ManifestWork select(ImageStore store, String image, SourceImage.Entry entry)
      throws IOException {
    Descriptor descriptor = entry.descriptor();
    String skip = skipReason(entry);
    if (skip != null) {
      log.info("skipping manifest image={} digest={} reason={}", image, descriptor.digest(), skip);
      return ManifestWork.skipped(entry, entry.platform(), skip);
    }

    ImageManifest manifest = entry.manifest();
    if (manifest == null) {
      manifest = fetchImageManifest(store, image, descriptor);
    }
    Platform platform = entry.platform() != null ? entry.platform() : platformOf(store, manifest);
    if (!options.platforms().isEmpty() && entry.platform() == null && !selected(platform)) {
      String reason = "platform " + platform + " is not among the requested platforms";
      return ManifestWork.skipped(entry, platform, reason);
    }

    return new ManifestWork(entry, platform, manifest, List.of(), null);
  }

  /** Returns why the root manifest or index shows the image is SOCI-enabled, or null. */
  private static String sociEnabledReason(SourceImage source) {
    if (source.index() != null) {
      return SociEnabled.reason(source.index());
    }
    return SociEnabled.reason(source.entries().getFirst().manifest());
  }

  /** Returns why one of the selected image manifests is SOCI-enabled, or null. */
  private static String sociEnabledReason(List<ManifestWork> selected) {
    for (ManifestWork work : selected) {
      String reason = work.manifest() != null ? SociEnabled.reason(work.manifest()) : null;
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  private IndexResult alreadySociEnabled(
      String image, StoredManifest root, String reason, long started) {
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    log.info(
        "already SOCI-enabled image={} manifest.digest={} reason={}", image, root.digest(), reason);
    return new IndexResult(
        IndexResult.Status.ALREADY_SOCI_ENABLED,
        image,
        root.digest(),
        List.of(),
        null,
        null,
        took,
        reason);
  }

  /**
   * Fails when platforms were requested and none of them selected a manifest, because an empty
   * selection would otherwise end as "nothing to index" and hide a mistyped platform.
   */
  private void requireRequestedPlatform(String image, List<ManifestWork> selected)
      throws NoMatchingPlatformException {
    if (options.platforms().isEmpty()
        || selected.stream().anyMatch(work -> work.skipReason() == null)) {
      return;
    }
    List<Platform> available = new ArrayList<>();
    for (ManifestWork work : selected) {
      Platform platform = work.platform();
      if (platform != null && !isAttestation(work.entry()) && !available.contains(platform)) {
        available.add(platform);
      }
    }
    throw new NoMatchingPlatformException(image, options.platforms(), available);
  }

  /**
   * Decides, for each distinct layer of the selected manifests in order of appearance, whether
   * it is skipped, reused from the zTOC cache or read. A layer shared by platforms appears once.
   */
  private LayerPlan planLayers(ImageStore store, String image, List<ManifestWork> selected) {
    Map<LayerKey, LayerOutcome> known = new LinkedHashMap<>();
    Set<LayerKey> inZtocCache = new HashSet<>();
    List<Descriptor> toRead = new ArrayList<>();
    Set<LayerKey> seen = new HashSet<>();
    long bytes = 0;
    for (ManifestWork manifest : selected) {
      if (manifest.skipReason() != null) {
        continue;
      }
      for (Descriptor layer : manifest.manifest().layers()) {
        LayerKey key = LayerKey.of(layer);
        if (!seen.add(key)) {
          continue;
        }
        String reason = layerIndexer.skipReasonFromDescriptor(layer);
        if (reason != null) {
          log.info(
              "skipping layer image={} layer.digest={} reason={}", image, layer.digest(), reason);
          known.put(key, LayerOutcome.skipped(layer, reason));
          continue;
        }
        Optional<ZtocReuse.Found> reused = reuse.find(store, image, layer);
        if (reused.isPresent()) {
          known.put(key, reused.get().outcome());
          if (reused.get().fromZtocCache()) {
            inZtocCache.add(key);
          }
          continue;
        }
        toRead.add(layer);
        bytes += layer.size();
      }
    }
    return new LayerPlan(known, inZtocCache, toRead, bytes);
  }

  /**
   * The layers of an image: outcomes known without reading (skipped or reused, with the keys of
   * those that the zTOC cache contains), and the layers to read with their total compressed size.
   */
  private record LayerPlan(
      Map<LayerKey, LayerOutcome> known,
      Set<LayerKey> inZtocCache,
      List<Descriptor> toRead,
      long bytesToRead) {}

  /**
   * Reads the planned layers, {@link #layerConcurrency} at a time, and adds the known ones. In
   * parallel the largest layers start first, so that a large layer does not start last and run
   * alone. One at a time, the layers are read in manifest order.
   */
  private Map<LayerKey, LayerOutcome> readLayers(
      ImageStore store, String image, LayerPlan plan, IndexListener listener) throws IOException {
    List<Descriptor> order = new ArrayList<>(plan.toRead());
    if (layerConcurrency > 1) {
      order.sort(Comparator.comparingLong(Descriptor::size).reversed());
    }
    List<LayerTasks.LayerTask<LayerOutcome>> tasks = new ArrayList<>();
    for (Descriptor layer : order) {
      tasks.add(() -> indexLayer(store, image, layer, listener));
    }
    List<LayerOutcome> read = LayerTasks.runAll(tasks, layerConcurrency, listener);

    Map<LayerKey, LayerOutcome> outcomes = new HashMap<>(plan.known());
    for (LayerOutcome outcome : read) {
      outcomes.put(LayerKey.of(outcome.layer()), outcome);
    }
    return outcomes;
  }

  /**
   * Records the zTOCs of an image whose SOCI artifacts were pushed. Recording happens only now,
   * because a record without bytes points at the zTOC blob in the store's repository, which a
   * failed or unfinished push would have left out.
   */
  private void rememberPushed(
      ImageStore store, LayerPlan plan, Map<LayerKey, LayerOutcome> outcomes) {
    for (Map.Entry<LayerKey, LayerOutcome> entry : outcomes.entrySet()) {
      reuse.remember(store, entry.getValue(), plan.inZtocCache().contains(entry.getKey()));
    }
  }

  private static ManifestWork withLayers(
      ManifestWork selected, Map<LayerKey, LayerOutcome> outcomes) {
    if (selected.skipReason() != null) {
      return selected;
    }
    List<LayerOutcome> layers = new ArrayList<>();
    for (Descriptor layer : selected.manifest().layers()) {
      layers.add(outcomes.get(LayerKey.of(layer)));
    }
    return new ManifestWork(
        selected.entry(), selected.platform(), selected.manifest(), layers, null);
  }

  /**
   * Identifies a layer outcome that platforms can share. The media type is part of the key because
   * it decides how the blob is read and is written into the zTOC annotations, so the same blob
   * declared with two media types gets two outcomes.
   */
  private record LayerKey(Digest digest, MediaType mediaType) {

    static LayerKey of(Descriptor layer) {
      return new LayerKey(layer.digest(), layer.mediaType());
    }
  }

  /** Reads one layer's blob and builds its zTOC; runs on a layer thread when layers run at once. */
  private LayerOutcome indexLayer(
      ImageStore store, String image, Descriptor layer, IndexListener listener)
      throws IOException {
    try (InputStream blob = new ListeningInputStream(store.openLayer(layer), listener)) {
      LayerOutcome outcome = layerIndexer.index(layer, blob);
      listener.layerDone();
      if (outcome.indexed()) {
        log.info(
            "indexed layer image={} layer.digest={} ztoc.digest={} entries={} spans={}",
            image,
            layer.digest(),
            outcome.ztoc().digest(),
            outcome.entries(),
            outcome.spans());
      } else {
        log.info(
            "skipping layer image={} layer.digest={} reason={}",
            image,
            layer.digest(),
            outcome.skipReason());
      }
      return outcome;
    } catch (LayerIndexingException e) {
      throw new IOException("image " + image + ": " + e.getMessage(), e);
    }
  }

  private String skipReason(SourceImage.Entry entry) {
    Descriptor descriptor = entry.descriptor();
    if (isAttestation(entry)) {
      return "attestation manifest";
    }
    if (descriptor.mediaType().isIndex()) {
      return "media type " + descriptor.mediaType() + " is an image index nested in the image"
          + " index; only image manifests listed directly in the top-level index are indexed";
    }
    if (!descriptor.mediaType().isManifest()) {
      return "media type " + descriptor.mediaType() + " is not an image manifest";
    }
    if (entry.platform() != null && !options.platforms().isEmpty() && !selected(entry.platform())) {
      return "platform " + entry.platform() + " is not among the requested platforms";
    }
    return null;
  }

  private static boolean isAttestation(SourceImage.Entry entry) {
    return entry.platform() != null && entry.platform().isUnknown()
        || "attestation-manifest".equals(entry.descriptor().annotation(ATTESTATION_TYPE_ANNOTATION));
  }

  private boolean selected(Platform platform) {
    return options.platforms().stream().anyMatch(requested -> requested.matches(platform));
  }

  private static ImageManifest fetchImageManifest(
      ImageStore store, String image, Descriptor descriptor) throws IOException {
    StoredManifest stored = fetchManifest(store, image, descriptor.digest().toString());
    if (!stored.digest().equals(descriptor.digest())) {
      throw new IOException(
          "image " + image + ": manifest " + descriptor.digest() + " in " + store.describe()
              + " has digest " + stored.digest());
    }
    return SourceImage.parseManifest(image, descriptor.digest(), stored.bytes());
  }

  /**
   * Fetches a manifest and puts the image name in front of any failure, because store messages
   * (such as a digest mismatch in a layout) name only the blob.
   */
  private static StoredManifest fetchManifest(ImageStore store, String image, String tagOrDigest)
      throws IOException {
    try {
      return store.fetchManifest(tagOrDigest);
    } catch (IOException e) {
      throw new IOException("image " + image + ": " + e.getMessage(), e);
    }
  }

  private static Platform platformOf(ImageStore store, ImageManifest manifest) throws IOException {
    byte[] config = store.readBlob(manifest.config(), MAX_CONFIG_BYTES);
    return ImageConfigs.platform(config);
  }
}
