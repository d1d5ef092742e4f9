package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * zTOCs built earlier, by layer, so that a layer shared by several images (a common base layer)
 * is indexed once. {@link ImageIndexer} checks every entry before it uses it: the bytes must hash
 * to the recorded zTOC digest, and without bytes the zTOC blob is read from the image's own
 * repository, so a stale or damaged entry only costs indexing the layer again.
 *
 * <p>Implementations are thread-safe. A failing cache must not fail indexing, so the indexer logs
 * and ignores the {@link IOException}s these methods throw.
 */
public interface ZtocCache {

  /** An empty cache that records nothing. */
  ZtocCache NONE =
      new ZtocCache() {
        @Override
        public Optional<CachedZtoc> find(Key key) {
          return Optional.empty();
        }

        @Override
        public void put(Key key, CachedZtoc ztoc) {}

        @Override
        public void remove(Key key) {}
      };

  /** Returns the zTOC recorded for {@code key}, if any. */
  Optional<CachedZtoc> find(Key key) throws IOException;

  /** Records the zTOC of a layer, replacing an earlier entry with the same key. */
  void put(Key key, CachedZtoc ztoc) throws IOException;

  /** Forgets the entry of {@code key}, for example because its bytes no longer match. */
  void remove(Key key) throws IOException;

  /**
   * Everything that decides the bytes of a zTOC besides the layer content: the layer digest
   * fixes the content, the media type decides how it is read and the span size and build tool
   * identifier are written into the zTOC. {@code format} names the zTOC layout that this version
   * of the indexer writes, so that a change to the builder never reuses zTOCs of the old one.
   */
  record Key(
      Digest layerDigest,
      MediaType layerMediaType,
      long spanSize,
      String buildToolIdentifier,
      String format) {

    /** The format of the zTOCs this version builds; change it when their bytes would change. */
    public static final String CURRENT_FORMAT = "ztoc-v2-1";

    public Key {
      Objects.requireNonNull(layerDigest, "layerDigest");
      Objects.requireNonNull(layerMediaType, "layerMediaType");
      Objects.requireNonNull(buildToolIdentifier, "buildToolIdentifier");
      Objects.requireNonNull(format, "format");
    }

    /** Returns the key of {@code layer} under {@code options}, in the current format. */
    public static Key of(Descriptor layer, IndexOptions options) {
      return new Key(
          layer.digest(),
          layer.mediaType(),
          options.spanSize(),
          options.buildToolIdentifier(),
          CURRENT_FORMAT);
    }
  }

  /**
   * A recorded zTOC.
   *
   * @param ztoc the zTOC blob descriptor
   * @param bytes the serialized zTOC, or null when only the descriptor was kept and the blob must
   *     be read from the repository
   * @param entries number of tar entries in the zTOC
   * @param spans number of spans in the zTOC
   * @param uncompressedSize size of the layer's tar in bytes
   */
  record CachedZtoc(Descriptor ztoc, byte[] bytes, int entries, int spans, long uncompressedSize) {

    public CachedZtoc {
      Objects.requireNonNull(ztoc, "ztoc");
    }

    /** Returns the entry for a layer outcome that got a zTOC. */
    public static CachedZtoc of(LayerOutcome outcome) {
      if (!outcome.indexed()) {
        throw new IllegalArgumentException(
            "layer " + outcome.layer().digest() + " has no zTOC to cache");
      }
      return new CachedZtoc(
          outcome.ztoc(),
          outcome.ztocBytes(),
          outcome.entries(),
          outcome.spans(),
          outcome.uncompressedSize());
    }

    /** Returns the same entry without its bytes. */
    public CachedZtoc withoutBytes() {
      return new CachedZtoc(ztoc, null, entries, spans, uncompressedSize);
    }
  }
}
