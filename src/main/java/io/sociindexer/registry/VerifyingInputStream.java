package io.sociindexer.registry;

import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * A blob body that hashes every byte it returns and checks size and digest when the body ends.
 * It throws {@link DigestMismatchException} on a mismatch, and as soon as the content grows past
 * the expected size. A {@link RegistryException} from the body passes unchanged, and other read
 * failures become a {@link RegistryException} with status 0. Closing it closes the body. Not
 * thread-safe, like any InputStream.
 */
final class VerifyingInputStream extends InputStream {

  private final InputStream body;
  private final RegistryException.Context context;
  private final Digest expected;
  private final long expectedSize;
  private final MessageDigest hasher;
  private long bytesRead;
  private boolean verified;

  VerifyingInputStream(
      InputStream body, RegistryException.Context context, Digest expected, long expectedSize) {
    this.body = body;
    this.context = context;
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.hasher = Digests.newHasher(expected.algorithm());
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int count = read(one, 0, 1);
    return count < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int count = readBody(buffer, offset, length);
    if (count < 0) {
      verifyAtEnd();
      return -1;
    }

    bytesRead += count;
    if (expectedSize >= 0 && bytesRead > expectedSize) {
      throw new DigestMismatchException(context, expected, null, expectedSize, bytesRead);
    }
    hasher.update(buffer, offset, count);
    return count;
  }

  private int readBody(byte[] buffer, int offset, int length) throws RegistryException {
    try {
      return body.read(buffer, offset, length);
    } catch (RegistryException e) {
      throw e;
    } catch (IOException e) {
      throw new RegistryException(
          context, 0, "reading the blob failed after " + bytesRead + " bytes: " + e.getMessage(), e);
    }
  }

  private void verifyAtEnd() throws DigestMismatchException {
    if (verified) {
      return;
    }
    verified = true;
    Digest actual = Digests.finish(expected.algorithm(), hasher);
    if (!actual.equals(expected) || (expectedSize >= 0 && bytesRead != expectedSize)) {
      throw new DigestMismatchException(context, expected, actual, expectedSize, bytesRead);
    }
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
