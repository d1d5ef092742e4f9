package io.sociindexer.indexer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ZtocCache} in memory, for one command-line run or a test. It keeps the zTOC bytes of
 * the most recently used entries up to {@code maxBytes} in total. Older entries keep only their
 * descriptor, so a later lookup reads the zTOC blob from the repository instead.
 */
public final class MemoryZtocCache implements ZtocCache {

  private final long maxBytes;
  private final LinkedHashMap<Key, CachedZtoc> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytesHeld;

  /** Creates a cache that keeps at most {@code maxBytes} of zTOC bytes. */
  public MemoryZtocCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maximum cache size must not be negative, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  @Override
  public synchronized Optional<CachedZtoc> find(Key key) {
    return Optional.ofNullable(entries.get(key));
  }

  @Override
  public synchronized void put(Key key, CachedZtoc ztoc) {
    remove(key);
    CachedZtoc kept = ztoc.bytes() != null && ztoc.bytes().length > maxBytes ? ztoc.withoutBytes() : ztoc;
    entries.put(key, kept);
    bytesHeld += sizeOf(kept);
    dropBytesOverLimit(key);
  }

  @Override
  public synchronized void remove(Key key) {
    CachedZtoc removed = entries.remove(key);
    if (removed != null) {
      bytesHeld -= sizeOf(removed);
    }
  }

  /** Returns the zTOC bytes held now. */
  public synchronized long bytesHeld() {
    return bytesHeld;
  }

  /** Drops the bytes of the least recently used entries, except {@code newest}, until they fit. */
  private void dropBytesOverLimit(Key newest) {
    Iterator<Map.Entry<Key, CachedZtoc>> oldestFirst = entries.entrySet().iterator();
    while (bytesHeld > maxBytes && oldestFirst.hasNext()) {
      Map.Entry<Key, CachedZtoc> entry = oldestFirst.next();
      if (entry.getKey().equals(newest) || entry.getValue().bytes() == null) {
        continue;
      }
      bytesHeld -= sizeOf(entry.getValue());
      entry.setValue(entry.getValue().withoutBytes());
    }
  }

  private static long sizeOf(CachedZtoc ztoc) {
    return ztoc.bytes() == null ? 0 : ztoc.bytes().length;
  }
}
