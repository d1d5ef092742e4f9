package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import java.util.List;
import java.util.Objects;

/**
 * The zTOCs this service pushed, each with the registry repository it was pushed to, kept where
 * every replica reads them: the job store. {@link ImageIndexer} looks here after its local {@link
 * ZtocCache} misses, so another replica, a pod that restarted with an empty cache, or an image in
 * another repository of the same registry reuses a zTOC instead of indexing the layer again. A
 * record contains no zTOC bytes, so the indexer reads the blob from the registry and checks its
 * size and digest before it uses it.
 *
 * <p>Implementations are thread-safe. They report failures as runtime exceptions, which the
 * indexer logs and ignores, so a failing store only costs indexing the layer again.
 */
public interface ZtocRecords {

  /** No records: nothing is found and nothing is kept. */
  ZtocRecords NONE =
      new ZtocRecords() {
        @Override
        public List<ZtocRecord> find(ZtocCache.Key key, String registry, String repository) {
          return List.of();
        }

        @Override
        public void record(ZtocRecord record) {}

        @Override
        public void remove(ZtocCache.Key key, String registry, String repository) {}
      };

  /**
   * Returns at most two records of {@code key} in {@code registry}: the record of {@code
   * repository} first when there is one, then the most recent record of another repository when
   * there is one. Records of other registries are never returned.
   */
  List<ZtocRecord> find(ZtocCache.Key key, String registry, String repository);

  /**
   * Records that a zTOC was pushed to the record's repository, replacing an earlier record of the
   * same key and repository.
   */
  void record(ZtocRecord record);

  /** Deletes the record of {@code key} in one repository, because its blob is gone or wrong. */
  void remove(ZtocCache.Key key, String registry, String repository);

  /**
   * A zTOC pushed to a registry repository.
   *
   * @param key what decides the zTOC bytes
   * @param ztoc the zTOC blob descriptor
   * @param entries number of tar entries in the zTOC
   * @param spans number of spans in the zTOC
   * @param uncompressedSize size of the layer's tar in bytes
   * @param registry the registry host as written in image references, such as {@code ghcr.io}
   * @param repository the repository within the registry, such as {@code team/app}
   */
  record ZtocRecord(
      ZtocCache.Key key,
      Descriptor ztoc,
      int entries,
      int spans,
      long uncompressedSize,
      String registry,
      String repository) {

    public ZtocRecord {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(ztoc, "ztoc");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(repository, "repository");
    }
  }
}
