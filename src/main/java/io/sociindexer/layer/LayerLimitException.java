package io.sociindexer.layer;

import java.io.IOException;

/**
 * A layer crossed one of the {@link LayerLimits}. The message names the limit, its value and the
 * setting that raises it.
 */
public class LayerLimitException extends IOException {

  public LayerLimitException(String message) {
    super(message);
  }
}
