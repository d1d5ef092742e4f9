package io.sociindexer.ztoc;

import io.sociindexer.layer.tar.TarHeader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Collects the zTOC entries of one layer while its tar is read, sharing the values that repeat
 * from entry to entry, so that layers with millions of entries fit in memory.
 *
 * <p>Every entry keeps its own {@link FileMetadata} and name, but equal owner names, empty link
 * names, empty PAX maps and equal modification time texts are one object each instead of one per
 * entry. The shared arrays must not be changed, which {@link ZtocWriter} never does. The
 * serialized zTOC is the same as for entries built one by one with {@link
 * TocEntries#fromTarHeader}. At most {@link #MAX_SHARED_VALUES} distinct values of each kind are
 * shared; later ones are stored per entry, so hostile input cannot grow the caches without bound.
 *
 * <p>Not thread-safe.
 */
public final class TocEntryList {

  /** Distinct owner names and time texts kept for sharing, per kind. */
  static final int MAX_SHARED_VALUES = 4096;

  private static final byte[] EMPTY = new byte[0];
  private static final SortedMap<ByteString, ByteString> NO_RECORDS =
      Collections.emptySortedMap();

  private final List<FileMetadata> entries = new ArrayList<>();
  private final Map<ByteString, byte[]> owners = new HashMap<>();
  private final Map<Long, String> modTimes = new HashMap<>();
  private long estimatedSize;

  /** Converts {@code header} like {@link TocEntries#fromTarHeader} and appends it. */
  public void add(TarHeader header) {
    FileMetadata full = TocEntries.fromTarHeader(header);
    estimatedSize += ZtocWriter.estimateSize(full);
    entries.add(
        new FileMetadata(
            full.name(),
            full.type(),
            full.uncompressedOffset(),
            full.uncompressedSize(),
            full.linkname().length == 0 ? EMPTY : full.linkname(),
            full.mode(),
            full.uid(),
            full.gid(),
            shareOwner(full.uname()),
            shareOwner(full.gname()),
            shareModTime(header, full.modTime()),
            full.devmajor(),
            full.devminor(),
            full.paxRecords().isEmpty() ? NO_RECORDS : full.paxRecords()));
  }

  /** Returns the number of entries collected so far. */
  public int size() {
    return entries.size();
  }

  /** Returns an estimate of the bytes the collected entries take in the serialized zTOC. */
  public long estimatedSize() {
    return estimatedSize;
  }

  /** Returns the entries in tar order; the list is not copied. */
  public List<FileMetadata> list() {
    return Collections.unmodifiableList(entries);
  }

  private byte[] shareOwner(byte[] name) {
    if (name.length == 0) {
      return EMPTY;
    }
    ByteString key = ByteString.of(name);
    byte[] shared = owners.get(key);
    if (shared != null) {
      return shared;
    }
    if (owners.size() < MAX_SHARED_VALUES) {
      owners.put(key, name);
    }
    return name;
  }

  /** Shares the text of whole-second times, the common case in reproducible and older builds. */
  private String shareModTime(TarHeader header, String text) {
    if (header.modTimeNanos() != 0) {
      return text;
    }
    String shared = modTimes.get(header.modTimeSeconds());
    if (shared != null) {
      return shared;
    }
    if (modTimes.size() < MAX_SHARED_VALUES) {
      modTimes.put(header.modTimeSeconds(), text);
    }
    return text;
  }
}
