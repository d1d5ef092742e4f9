package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import java.io.IOException;

/** Raised when a layer blob cannot be indexed because its content is corrupt or unexpected. */
public final class LayerIndexingException extends IOException {

  private final transient Descriptor layer;

  public LayerIndexingException(Descriptor layer, Throwable cause) {
    super(
        "layer " + layer.digest() + " (" + layer.mediaType() + ", " + layer.size() + " bytes): "
            + cause.getMessage(),
        cause);
    this.layer = layer;
  }

  public Descriptor layer() {
    return layer;
  }
}
