package io.sociindexer.registry;

import io.sociindexer.oci.Digest;

/**
 * Content did not match its descriptor: its bytes hash to another digest, or it is shorter or
 * longer than the expected size. {@link #actual()} is null when reading stopped before the end,
 * because the content was already longer than expected. Not retryable, because a registry that
 * serves wrong content usually keeps serving it.
 */
public final class DigestMismatchException extends RegistryException {

  private final Digest expected;
  private final Digest actual;
  private final long expectedSize;
  private final long bytesRead;

  /**
   * Creates an exception.
   *
   * @param expectedSize the size from the descriptor, or -1 when unknown
   * @param bytesRead how many bytes were read before the mismatch was detected
   */
  public DigestMismatchException(
      Context context, Digest expected, Digest actual, long expectedSize, long bytesRead) {
    this(context, expected, actual, expectedSize, bytesRead,
        describe(expected, actual, expectedSize, bytesRead));
  }

  /** Creates an exception whose message ends with {@code detail} instead of the default text. */
  public DigestMismatchException(
      Context context, Digest expected, Digest actual, long expectedSize, long bytesRead,
      String detail) {
    super(context, 0, detail, null);
    this.expected = expected;
    this.actual = actual;
    this.expectedSize = expectedSize;
    this.bytesRead = bytesRead;
  }

  public Digest expected() {
    return expected;
  }

  /** Returns the digest of the bytes read, or null when reading stopped early. */
  public Digest actual() {
    return actual;
  }

  /** Returns the size from the descriptor, or -1 when unknown. */
  public long expectedSize() {
    return expectedSize;
  }

  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public boolean retryable() {
    return false;
  }

  private static String describe(Digest expected, Digest actual, long expectedSize, long bytesRead) {
    if (actual == null) {
      return "content is longer than the expected " + expectedSize + " bytes (read " + bytesRead
          + " bytes); expected digest " + expected;
    }
    if (expectedSize >= 0 && bytesRead != expectedSize) {
      return "content has " + bytesRead + " bytes but the descriptor says " + expectedSize
          + "; expected digest " + expected + ", got " + actual;
    }
    return "content digest mismatch: expected " + expected + ", got " + actual
        + " (" + bytesRead + " bytes)";
  }
}
