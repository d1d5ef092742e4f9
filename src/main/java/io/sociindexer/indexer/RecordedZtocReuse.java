package io.sociindexer.indexer;

import io.sociindexer.indexer.ZtocRecords.ZtocRecord;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.BlobNotFoundException;
import io.sociindexer.registry.DigestMismatchException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reuse of zTOCs through the {@link ZtocRecords} that every replica shares, for {@link
 * ZtocReuse} once the local cache missed. A record names the repository a zTOC was pushed to, and
 * the blob is read back from the registry and checked against the recorded digest and size. A
 * failed read costs indexing the layer again and is logged once per layer.
 *
 * <p>NOTE: only zTOCs that this service recorded are found. A zTOC that another tool, such as
 * {@code soci convert}, pushed is listed only in a SOCI index in the registry, which is never
 * searched, so its layer is indexed again.
 */
final class RecordedZtocReuse {

  private static final Logger log = LoggerFactory.getLogger(RecordedZtocReuse.class);

  private final ZtocRecords records;

  RecordedZtocReuse(ZtocRecords records) {
    this.records = records;
  }

  /**
   * Returns the outcome of {@code layer} from a job store record of the store's registry, or
   * empty. The blob is read from the store's own repository first, because an earlier image there
   * may have pushed it, and then from the repository that the newest other record names. Only
   * records of the store's registry are read, so no request and no credential goes to another
   * host.
   */
  Optional<LayerOutcome> find(
      ImageStore store, String image, Descriptor layer, ZtocCache.Key key) {
    Optional<Reference> repository = store.repository();
    if (records == ZtocRecords.NONE || repository.isEmpty()) {
      return Optional.empty();
    }
    String registry = repository.get().registry();
    String ownRepository = repository.get().repository();
    List<ZtocRecord> found =
        lookUpRecords(key, registry, ownRepository).stream()
            .filter(record -> record.registry().equals(registry))
            .toList();
    if (found.isEmpty()) {
      return Optional.empty();
    }

    ZtocRecord ownRecord = recordOf(found, ownRepository, true);
    ZtocRecord otherRecord = recordOf(found, ownRepository, false);
    List<String> failures = new ArrayList<>();
    ZtocRecord used = ownRecord != null ? ownRecord : otherRecord;
    byte[] bytes = readRecorded(store, used, ownRecord != null, failures);
    if (bytes == null && otherRecord != null) {
      used = otherRecord;
      bytes = readFromOtherRepository(store, otherRecord, failures);
    }

    if (bytes == null) {
      log.info(
          "zTOC recorded in the job store is not readable; indexing the layer again image={}"
              + " layer.digest={} ztoc.digest={} error={}",
          image,
          layer.digest(),
          used.ztoc().digest(),
          String.join("; ", failures));
      return Optional.empty();
    }

    log.info(
        "reusing zTOC recorded in the job store image={} layer.digest={} ztoc.digest={}"
            + " ztoc.repository={}",
        image,
        layer.digest(),
        used.ztoc().digest(),
        used.repository());
    return Optional.of(
        ZtocReuse.outcome(
            layer, used.ztoc(), bytes, used.entries(), used.spans(), used.uncompressedSize()));
  }

  /**
   * Returns the first record whose repository is {@code repository} when {@code same} is true, or
   * is another one when it is false; null when there is none.
   */
  private static ZtocRecord recordOf(List<ZtocRecord> records, String repository, boolean same) {
    return records.stream()
        .filter(record -> record.repository().equals(repository) == same)
        .findFirst()
        .orElse(null);
  }

  private byte[] readFromOtherRepository(
      ImageStore store, ZtocRecord record, List<String> failures) {
    Optional<ImageStore> other;
    try {
      other = store.otherRepository(record.repository());
    } catch (IllegalArgumentException e) {
      failures.add(record.repository() + ": " + e.getMessage());
      return null;
    }
    if (other.isEmpty()) {
      return null;
    }
    try (ImageStore otherStore = other.get()) {
      return readRecorded(otherStore, record, true, failures);
    }
  }

  /**
   * Reads and verifies the zTOC blob of {@code record} from {@code store}, or returns null and
   * adds the cause to {@code failures}. When the blob is missing or does not match, the record is
   * deleted if {@code recordOfStore} is true, which means that the record names this store's
   * repository. Other failures, such as a repository that these credentials may not pull, keep the
   * record, because it is still right for other readers.
   */
  private byte[] readRecorded(
      ImageStore store, ZtocRecord record, boolean recordOfStore, List<String> failures) {
    boolean stale;
    try {
      byte[] bytes = store.readBlob(record.ztoc(), ZtocReuse.MAX_ZTOC_BYTES);
      if (ZtocReuse.matches(record.ztoc(), bytes)) {
        return bytes;
      }
      failures.add(store.describe() + ": the blob does not match the recorded digest and size");
      stale = true;
    } catch (BlobNotFoundException | DigestMismatchException e) {
      failures.add(e.getMessage());
      stale = true;
    } catch (IOException | RuntimeException e) {
      failures.add(e.getMessage());
      stale = false;
    }
    if (stale && recordOfStore) {
      removeRecord(record);
    }
    return null;
  }

  /**
   * Records the zTOC of a layer whose SOCI artifacts were pushed to {@code repository}; a failure
   * is logged and ignored.
   */
  void record(ZtocCache.Key key, LayerOutcome outcome, Reference repository) {
    if (records == ZtocRecords.NONE) {
      return;
    }
    ZtocRecord record =
        new ZtocRecord(
            key,
            outcome.ztoc(),
            outcome.entries(),
            outcome.spans(),
            outcome.uncompressedSize(),
            repository.registry(),
            repository.repository());
    try {
      records.record(record);
    } catch (RuntimeException e) {
      log.warn(
          "recording the zTOC in the job store failed; other replicas will index the layer again"
              + " layer.digest={} ztoc.digest={}",
          outcome.layer().digest(),
          outcome.ztoc().digest(),
          e);
    }
  }

  private List<ZtocRecord> lookUpRecords(ZtocCache.Key key, String registry, String repository) {
    try {
      return records.find(key, registry, repository);
    } catch (RuntimeException e) {
      log.warn(
          "reading the zTOC records of the job store failed; indexing the layer layer.digest={}",
          key.layerDigest(),
          e);
      return List.of();
    }
  }

  private void removeRecord(ZtocRecord record) {
    try {
      records.remove(record.key(), record.registry(), record.repository());
    } catch (RuntimeException e) {
      log.warn(
          "removing a stale zTOC record from the job store failed layer.digest={} repository={}",
          record.key().layerDigest(),
          record.repository(),
          e);
    }
  }
}
