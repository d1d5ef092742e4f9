package io.sociindexer.layer.tar;

import java.io.IOException;

/**
 * A well-formed tar entry that soci cannot index: a PAX global header, a GNU sparse file, or a
 * type flag other than regular file, hard link, symbolic link, character device, block device,
 * directory or FIFO. soci fails the whole layer on such an entry, so the layer gets no zTOC.
 */
public class UnsupportedTarEntryException extends IOException {

  private final byte[] entryName;
  private final long headerOffset;

  public UnsupportedTarEntryException(String reason, byte[] entryName, long headerOffset) {
    super(
        "unsupported tar entry \""
            + TarHeader.display(entryName)
            + "\" at uncompressed offset "
            + headerOffset
            + ": "
            + reason);
    this.entryName = entryName.clone();
    this.headerOffset = headerOffset;
  }

  /** Returns the raw name of the rejected entry. */
  public byte[] entryName() {
    return entryName.clone();
  }

  /** Returns the stream offset of the entry's first header block. */
  public long headerOffset() {
    return headerOffset;
  }
}
