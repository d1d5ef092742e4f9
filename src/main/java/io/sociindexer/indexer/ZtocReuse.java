package io.sociindexer.indexer;

import io.sociindexer.indexer.ZtocCache.CachedZtoc;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up and records zTOCs in a {@link ZtocCache} for {@link ImageIndexer}. A cached zTOC is
 * used only when its bytes hash to the recorded digest. Entries without bytes, or with bytes that
 * do not match, are read from the repository being indexed, where an earlier image pushed them.
 * Every miss, mismatch and cache failure ends in indexing the layer again.
 */
final class ZtocReuse {

  private static final Logger log = LoggerFactory.getLogger(ZtocReuse.class);

  /** Upper bound for a zTOC read back from a repository; real ones are far smaller. */
  static final int MAX_ZTOC_BYTES = 1 << 30;

  private final ZtocCache cache;
  private final IndexOptions options;

  ZtocReuse(ZtocCache cache, IndexOptions options) {
    this.cache = cache;
    this.options = options;
  }

  /** Returns the outcome of {@code layer} built from a verified cached zTOC, or empty. */
  Optional<LayerOutcome> find(ImageStore store, String image, Descriptor layer) {
    if (cache == ZtocCache.NONE) {
      return Optional.empty();
    }
    ZtocCache.Key key = ZtocCache.Key.of(layer, options);
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
        new LayerOutcome(
            layer,
            cached.ztoc(),
            bytes,
            null,
            cached.entries(),
            cached.spans(),
            cached.uncompressedSize(),
            Duration.ZERO));
  }

  /** Records an outcome that got a zTOC; a cache failure is logged and ignored. */
  void remember(LayerOutcome outcome) {
    if (cache == ZtocCache.NONE || !outcome.indexed()) {
      return;
    }
    ZtocCache.Key key = ZtocCache.Key.of(outcome.layer(), options);
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
          "zTOC blob in the repository does not match its digest; indexing the layer again"
              + " image={} layer.digest={} ztoc.digest={}",
          image,
          layer.digest(),
          ztoc.digest());
    } catch (IOException e) {
      log.info(
          "cached zTOC is not readable from the repository; indexing the layer again image={}"
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

  private static boolean matches(Descriptor ztoc, byte[] bytes) {
    return bytes.length == ztoc.size()
        && Digest.sha256(bytes).equals(ztoc.digest());
  }
}
