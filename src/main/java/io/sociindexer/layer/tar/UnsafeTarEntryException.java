package io.sociindexer.layer.tar;

import java.io.IOException;

/**
 * A tar entry whose path points outside the layer root; see {@link EntryPaths} for why such layers
 * are rejected. The message names the entry and its offset in the uncompressed tar stream.
 */
public class UnsafeTarEntryException extends IOException {

  private final long headerOffset;

  UnsafeTarEntryException(TarHeader header, String reason) {
    super(
        "unsafe tar entry \"" + header.nameText() + "\" at uncompressed offset "
            + header.headerOffset() + ": " + reason
            + "; container runtimes would place it elsewhere or refuse it, so the layer is"
            + " rejected");
    this.headerOffset = header.headerOffset();
  }

  /** Returns the stream offset of the entry's first header block. */
  public long headerOffset() {
    return headerOffset;
  }
}
