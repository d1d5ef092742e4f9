package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A {@link ZtocCache} in a local directory, so that zTOCs outlive the process. Each entry is a
 * directory named after the SHA-256 of its key, with {@code entry.properties} (the key and the
 * zTOC descriptor) and {@code ztoc} (the bytes). An entry is written in a temporary directory and
 * moved into place, so a reader never sees half an entry.
 *
 * <p>When the {@code ztoc} files exceed {@code maxBytes} in total, the least recently used ones
 * are deleted and their {@code entry.properties} stay, so a later lookup reads the zTOC blob from
 * the repository. The total is computed by listing the directory after each write.
 *
 * <p>Thread-safe, and several processes may share the directory: concurrent writers of one key
 * write the same content, and the last move wins.
 */
public final class DirectoryZtocCache implements ZtocCache {

  private static final String ENTRY_FILE = "entry.properties";
  private static final String ZTOC_FILE = "ztoc";
  private static final String TEMPORARY_PREFIX = ".tmp-";

  private final Path directory;
  private final long maxBytes;

  /**
   * Opens or creates the cache in {@code directory}.
   *
   * @param maxBytes total size of the zTOC bytes kept; 0 keeps descriptors only
   */
  public DirectoryZtocCache(Path directory, long maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maximum cache size must not be negative, got " + maxBytes);
    }
    this.directory = directory;
    this.maxBytes = maxBytes;
    Files.createDirectories(directory);
  }

  @Override
  public Optional<CachedZtoc> find(Key key) throws IOException {
    Path entry = entryDirectory(key);
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(entry.resolve(ENTRY_FILE))) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!key.equals(keyOf(properties))) {
      return Optional.empty();
    }

    Descriptor ztoc =
        Descriptor.of(
            MediaType.OCTET_STREAM,
            Digest.parse(properties.getProperty("ztoc.digest")),
            Long.parseLong(properties.getProperty("ztoc.size")));
    byte[] bytes = readBytes(entry.resolve(ZTOC_FILE));
    return Optional.of(
        new CachedZtoc(
            ztoc,
            bytes,
            Integer.parseInt(properties.getProperty("entries")),
            Integer.parseInt(properties.getProperty("spans")),
            Long.parseLong(properties.getProperty("uncompressed-size"))));
  }

  @Override
  public void put(Key key, CachedZtoc ztoc) throws IOException {
    Path temporary = directory.resolve(TEMPORARY_PREFIX + UUID.randomUUID());
    Files.createDirectory(temporary);
    try {
      writeEntry(temporary, key, ztoc);
      moveIntoPlace(temporary, entryDirectory(key));
    } finally {
      deleteTree(temporary);
    }
    if (ztoc.bytes() != null) {
      dropBytesOverLimit();
    }
  }

  @Override
  public void remove(Key key) throws IOException {
    deleteTree(entryDirectory(key));
  }

  private void writeEntry(Path entry, Key key, CachedZtoc ztoc) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("layer.digest", key.layerDigest().toString());
    properties.setProperty("layer.media-type", key.layerMediaType().value());
    properties.setProperty("span-size", Long.toString(key.spanSize()));
    properties.setProperty("build-tool-identifier", key.buildToolIdentifier());
    properties.setProperty("format", key.format());
    properties.setProperty("ztoc.digest", ztoc.ztoc().digest().toString());
    properties.setProperty("ztoc.size", Long.toString(ztoc.ztoc().size()));
    properties.setProperty("entries", Integer.toString(ztoc.entries()));
    properties.setProperty("spans", Integer.toString(ztoc.spans()));
    properties.setProperty("uncompressed-size", Long.toString(ztoc.uncompressedSize()));
    if (ztoc.bytes() != null && ztoc.bytes().length <= maxBytes) {
      Files.write(entry.resolve(ZTOC_FILE), ztoc.bytes());
    }
    try (OutputStream out = Files.newOutputStream(entry.resolve(ENTRY_FILE))) {
      properties.store(out, null);
    }
  }

  private static Key keyOf(Properties properties) {
    try {
      return new Key(
          Digest.parse(properties.getProperty("layer.digest")),
          new MediaType(properties.getProperty("layer.media-type")),
          Long.parseLong(properties.getProperty("span-size")),
          properties.getProperty("build-tool-identifier"),
          properties.getProperty("format"));
    } catch (RuntimeException e) {
      // An entry written by another version or damaged on disk is treated as missing.
      return null;
    }
  }

  private static byte[] readBytes(Path file) throws IOException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
      return bytes;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static void moveIntoPlace(Path temporary, Path entry) throws IOException {
    deleteTree(entry);
    try {
      Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      // Another writer stored the same key in the meantime; its entry has the same content.
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot move a zTOC cache entry atomically in " + temporary.getParent()
              + "; put the cache directory on a local file system",
          e);
    }
  }

  /** Deletes the least recently used zTOC files until the rest fit into {@link #maxBytes}. */
  private void dropBytesOverLimit() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path entry : entries.toList()) {
        Path file = entry.resolve(ZTOC_FILE);
        if (!entry.getFileName().toString().startsWith(TEMPORARY_PREFIX) && Files.isRegularFile(file)) {
          files.add(file);
        }
      }
    }
    long total = 0;
    for (Path file : files) {
      total += sizeOrZero(file);
    }
    files.sort(Comparator.comparing(DirectoryZtocCache::modifiedOrEpoch));
    for (Path file : files) {
      if (total <= maxBytes) {
        return;
      }
      total -= sizeOrZero(file);
      Files.deleteIfExists(file);
    }
  }

  private static long sizeOrZero(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static FileTime modifiedOrEpoch(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private Path entryDirectory(Key key) {
    String text =
        String.join(
            "\n",
            key.layerDigest().toString(),
            key.layerMediaType().value(),
            Long.toString(key.spanSize()),
            key.buildToolIdentifier(),
            key.format());
    return directory.resolve(Digest.sha256(text.getBytes(StandardCharsets.UTF_8)).hex());
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
