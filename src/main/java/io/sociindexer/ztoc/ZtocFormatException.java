package io.sociindexer.ztoc;

import java.io.IOException;

/** A serialized zTOC or TarZinfo that is not a valid flatbuffer or breaks soci's rules. */
public class ZtocFormatException extends IOException {

  public ZtocFormatException(String message) {
    super(message);
  }

  public ZtocFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
