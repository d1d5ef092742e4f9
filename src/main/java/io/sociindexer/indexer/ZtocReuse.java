package io.sociindexer.indexer;

import io.sociindexer.indexer.ZtocCache.CachedZtoc;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up and records zTOCs for {@link ImageIndexer}, first in the local {@link ZtocCache}, then
 * in the {@link ZtocRecords} that every replica shares. A zTOC is used only when its bytes hash to
 * the recorded digest and size. Cache entries without bytes, or with bytes that do not match, are
 * read from the repository being indexed, where an earlier image pushed them. A job store record
 * is read from the repository being indexed, then from the repository it names, which must be on
 * the same registry. Every miss, mismatch and failure ends in indexing the layer again.
 */
final class ZtocReuse {

  private static final Logger log = LoggerFactory.getLogger(ZtocReuse.class);

  /** Upper bound for a zTOC read back from a repository; real ones are far smaller. */
  static final int MAX_ZTOC_BYTES = 1 << 30;

  private final ZtocCache cache;
  private final RecordedZtocReuse records;
  private final IndexOptions options;

  ZtocReuse(ZtocCache cache, ZtocRecords records, IndexOptions options) {
    this.cache = cache;
    this.records = new RecordedZtocReuse(records);
    this.options = options;
  }

  /**
   * A layer outcome built from an earlier zTOC.
   *
   * @param fromZtocCache whether the zTOC came from the local cache, which then needs no new entry
   */
  record Found(LayerOutcome outcome, boolean fromZtocCache) {}

  /** Returns the outcome of {@code layer} built from a verified earlier zTOC, or empty. */
  Optional<Found> find(ImageStore store, String image, Descriptor layer) {
    ZtocCache.Key key = ZtocCache.Key.of(layer, options);
    Optional<LayerOutcome> cached = fromCache(store, image, layer, key);
    if (cached.isPresent()) {
      return Optional.of(new Found(cached.get(), true));
    }
    return records.find(store, image, layer, key).map(outcome -> new Found(outcome, false));
  }

  private Optional<LayerOutcome> fromCache(
      ImageStore store, String image, Descriptor layer, ZtocCache.Key key) {
    if (cache == ZtocCache.NONE) {
      return Optional.empty();
    }
    Optional<CachedZtoc> found = lookUp(key, layer);
    if (found.isEmpty()) {
      return Optional.empty();
    }

    CachedZtoc cached = found.get();
    byte[] bytes = cached.bytes();
    if (bytes != null && !matches(cached.ztoc(), bytes)) {
      log.warn(
          "cached zTOC bytes do not match their digest; reading the zTOC from the repository"
              + " image={} layer.digest={} ztoc.digest={}",
          image,
          layer.digest(),
          cached.ztoc().digest());
      bytes = null;
    }
    if (bytes == null) {
      bytes = readFromStore(store, image, layer, cached.ztoc());
      if (bytes == null) {
        forget(key);
        return Optional.empty();
      }
      if (cached.bytes() != null) {
        replace(key, new CachedZtoc(cached.ztoc(), bytes, cached.entries(), cached.spans(),
            cached.uncompressedSize()));
      }
    }

    log.info(
        "reusing zTOC image={} layer.digest={} ztoc.digest={}",
        image,
        layer.digest(),
        cached.ztoc().digest());
    return Optional.of(
        outcome(layer, cached.ztoc(), bytes, cached.entries(), cached.spans(),
            cached.uncompressedSize()));
  }

  /**
   * Records the zTOC of a layer whose SOCI artifacts were pushed to {@code store}: in the zTOC
   * cache unless it came from there, and in the job store records under the store's repository.
   * A failure is logged and ignored.
   */
  void remember(ImageStore store, LayerOutcome outcome, boolean inZtocCache) {
    if (!outcome.indexed()) {
      return;
    }
    ZtocCache.Key key = ZtocCache.Key.of(outcome.layer(), options);
    if (cache != ZtocCache.NONE && !inZtocCache) {
      putInCache(key, outcome);
    }
    Optional<Reference> repository = store.repository();
    if (repository.isPresent()) {
      records.record(key, outcome, repository.get());
    }
  }

  private void putInCache(ZtocCache.Key key, LayerOutcome outcome) {
    try {
      cache.put(key, CachedZtoc.of(outcome));
    } catch (IOException | RuntimeException e) {
      log.warn(
          "cannot record the zTOC in the zTOC cache; the layer will be indexed again next time"
              + " layer.digest={} ztoc.digest={}",
          outcome.layer().digest(),
          outcome.ztoc().digest(),
          e);
    }
  }

  /** Returns the outcome of a layer whose zTOC was reused, with a duration of zero. */
  static LayerOutcome outcome(
      Descriptor layer,
      Descriptor ztoc,
      byte[] bytes,
      int entries,
      int spans,
      long uncompressedSize) {
    return new LayerOutcome(
        layer, ztoc, bytes, null, entries, spans, uncompressedSize, Duration.ZERO, true);
  }

  private Optional<CachedZtoc> lookUp(ZtocCache.Key key, Descriptor layer) {
    try {
      return cache.find(key);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "cannot read the zTOC cache; indexing the layer layer.digest={}", layer.digest(), e);
      return Optional.empty();
    }
  }

  /** Reads and verifies the zTOC blob from {@code store}, or returns null when that fails. */
  private static byte[] readFromStore(
      ImageStore store, String image, Descriptor layer, Descriptor ztoc) {
    try {
      byte[] bytes = store.readBlob(ztoc, MAX_ZTOC_BYTES);
      if (matches(ztoc, bytes)) {
        return bytes;
      }
      log.warn(
          "zTOC blob in the repository does not match its digest; dropping the cache entry"
              + " image={} layer.digest={} ztoc.digest={}",
          image,
          layer.digest(),
          ztoc.digest());
    } catch (IOException e) {
      log.info(
          "cached zTOC is not readable from the repository; dropping the cache entry image={}"
              + " layer.digest={} ztoc.digest={} error={}",
          image,
          layer.digest(),
          ztoc.digest(),
          e.getMessage());
    }
    return null;
  }

  /** Replaces an entry whose bytes did not match with the verified bytes from the repository. */
  private void replace(ZtocCache.Key key, CachedZtoc verified) {
    try {
      cache.put(key, verified);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot repair a zTOC cache entry layer.digest={}", key.layerDigest(), e);
    }
  }

  private void forget(ZtocCache.Key key) {
    try {
      cache.remove(key);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot remove a stale zTOC cache entry layer.digest={}", key.layerDigest(), e);
    }
  }

  static boolean matches(Descriptor ztoc, byte[] bytes) {
    return bytes.length == ztoc.size()
        && Digest.sha256(bytes).equals(ztoc.digest());
  }
}
