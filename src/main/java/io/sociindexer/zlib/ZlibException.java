package io.sociindexer.zlib;

import java.io.IOException;

/**
 * A zlib call that returned an error code. The message contains the operation, the code name and
 * zlib's own {@code msg} text when zlib set one.
 */
public class ZlibException extends IOException {

  private final int code;

  /** Creates an exception for {@code code}, the zlib return code. */
  public ZlibException(String message, int code) {
    super(message);
    this.code = code;
  }

  /**
   * Creates an exception that keeps the zlib code of {@code cause} and adds context to its text.
   */
  public ZlibException(String message, ZlibException cause) {
    super(message, cause);
    this.code = cause.code();
  }

  /** Returns the zlib return code, for example {@link ZStream#Z_DATA_ERROR}. */
  public int code() {
    return code;
  }
}
