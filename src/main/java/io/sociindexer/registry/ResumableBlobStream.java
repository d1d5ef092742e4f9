package io.sociindexer.registry;

import io.sociindexer.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Response;

/**
 * The raw body of a blob download that survives a failed connection. When reading the body fails
 * (connection reset, read timeout), it reopens the blob from the first byte the caller has not
 * seen, with {@code Range: bytes=<offset>-}, and continues; the caller sees one stream. It accepts
 * a reopened response only when it is {@code 206 Partial Content} with a {@code Content-Range}
 * that starts at that offset. A {@code 200} is accepted only while no byte was returned yet,
 * because the download then restarts from the beginning at no cost. The range request is sent
 * even when the first response had no {@code Accept-Ranges: bytes}, because the 206 check decides.
 *
 * <p>It reopens at most {@link RequestRetryPolicy#maxResumes()} times per download, waiting the
 * policy's backoff in between. The final failure names the operation, repository, digest, offset
 * and cause. It does not verify the content; {@link VerifyingInputStream} wraps it for that. Not
 * thread-safe, like any InputStream. Closing it closes the current response.
 */
final class ResumableBlobStream extends InputStream {

  /** Opens the blob from an offset and returns a successful response. */
  @FunctionalInterface
  interface Opener {

    Response open(long offset) throws RegistryException;
  }

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

  private final RegistryHttp http;
  private final RegistryException.Context context;
  private final Reference repository;
  private final long expectedSize;
  private final Opener opener;
  private Response response;
  private InputStream body;
  private long offset;
  private int resumes;
  private RegistryException firstFailure;

  ResumableBlobStream(
      RegistryHttp http,
      RegistryException.Context context,
      Reference repository,
      long expectedSize,
      Response first,
      Opener opener) {
    this.http = http;
    this.context = context;
    this.repository = repository;
    this.expectedSize = expectedSize;
    this.opener = opener;
    this.response = first;
    this.body = first.body().byteStream();
  }

  /** Returns how many times the download reopened after a failure. */
  int resumes() {
    return resumes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int count = read(one, 0, 1);
    return count < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int start, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (true) {
      try {
        int count = body.read(buffer, start, length);
        if (count > 0) {
          offset += count;
        }
        return count;
      } catch (IOException e) {
        resume(e);
      }
    }
  }

  /**
   * Replaces the failed response with one that continues at {@link #offset}, or throws when the
   * budget is spent or the registry cannot continue there.
   */
  private void resume(IOException failure) throws RegistryException {
    response.close();
    RegistryException cause = readFailure(failure);
    while (true) {
      if (resumes >= http.retryPolicy().maxResumes()) {
        throw giveUp(cause);
      }
      resumes++;
      Duration delay = http.retryPolicy().backoff(resumes, ThreadLocalRandom.current()::nextDouble);
      http.logRetry(context, repository, cause, resumes, delay);
      http.pause(context, delay);

      try {
        Response reopened = opener.open(offset);
        requireStartsAtOffset(reopened);
        response = reopened;
        body = reopened.body().byteStream();
        return;
      } catch (RegistryException e) {
        if (!RequestRetryPolicy.isTransient(e)) {
          e.addSuppressed(cause);
          throw e;
        }
        cause = e;
      }
    }
  }

  private RegistryException readFailure(IOException failure) {
    RegistryException wrapped = new RegistryException(context, 0,
        "reading the blob failed at byte " + offset + ": " + RegistryHttp.describeIoFailure(failure),
        failure);
    if (firstFailure == null) {
      firstFailure = wrapped;
    }
    return wrapped;
  }

  /**
   * Checks that {@code reopened} continues at {@link #offset}: 206 with a matching Content-Range,
   * or 200 when nothing was returned yet. Closes it and throws a non-retryable failure otherwise.
   */
  private void requireStartsAtOffset(Response reopened) throws RegistryException {
    if (offset == 0 && reopened.code() == 200) {
      return;
    }
    String detail = null;
    if (reopened.code() != 206) {
      detail = "the registry returned " + reopened.code() + " instead of 206 Partial Content to"
          + " Range: bytes=" + offset + "-, so the download cannot resume after " + offset
          + " bytes and was not restarted from zero";
    } else {
      String range = reopened.header("Content-Range");
      Matcher matcher = range == null ? null : CONTENT_RANGE.matcher(range.strip());
      if (matcher == null || !matcher.matches() || Long.parseLong(matcher.group(1)) != offset) {
        detail = "the registry returned Content-Range " + range
            + " for Range: bytes=" + offset + "-, which does not start at byte " + offset;
      }
    }
    if (detail != null) {
      reopened.close();
      throw new RegistryException(RegistryHttp.contextOf(context, reopened), reopened.code(),
          detail, null);
    }
  }

  private RegistryException giveUp(RegistryException last) {
    String size = expectedSize >= 0 ? " of " + expectedSize : "";
    RegistryException failure = new RegistryException(last.context(), last.status(),
        "reading the blob stopped at byte " + offset + size + " after " + (resumes + 1)
            + " attempts; last error: " + last.summary(),
        last.getCause() != null ? last.getCause() : last);
    if (firstFailure != null && firstFailure != last) {
      failure.addSuppressed(firstFailure);
    }
    return failure;
  }

  @Override
  public void close() {
    response.close();
  }
}
