package io.sociindexer.ztoc;

import java.util.List;
import java.util.Objects;

/**
 * A zTOC: the table of contents of one layer plus what is needed to decompress any span of it.
 * Serialized by {@link ZtocWriter} into soci's flatbuffer layout.
 *
 * @param version always {@link #VERSION}
 * @param buildToolIdentifier free text; soci's CLI writes {@code AWS SOCI CLI v0.2}
 * @param compressedArchiveSize size of the layer blob in bytes
 * @param uncompressedArchiveSize tar stream position where Go's tar reader reports end of archive
 * @param entries tar entries in stream order
 */
public record Ztoc(
    String version,
    String buildToolIdentifier,
    long compressedArchiveSize,
    long uncompressedArchiveSize,
    List<FileMetadata> entries,
    CompressionInfo compressionInfo) {

  public static final String VERSION = "0.9";

  public Ztoc {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(buildToolIdentifier, "buildToolIdentifier");
    entries = List.copyOf(entries);
    Objects.requireNonNull(compressionInfo, "compressionInfo");
  }
}
