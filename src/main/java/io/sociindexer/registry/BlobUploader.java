package io.sociindexer.registry;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryHttp.NotFound;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blob push protocol of the distribution spec, one method per HTTP step in spec order:
 * HEAD the blob, POST to open an upload session, PATCH chunks (chunked uploads only), PUT with
 * {@code ?digest=} to finish. Each step resolves the {@code Location} of the previous response
 * against that response's URL, because registries may return relative locations.
 *
 * <p>A {@code Location} must stay on the registry's scheme, host and port. Some registries hand
 * uploads to another host, but a client that follows such a header sends credentials and content
 * wherever a registry response points, so this client rejects it. Monolithic uploads are retried
 * as a whole: a transient failure, or a registry that lost the session ({@code
 * BLOB_UPLOAD_UNKNOWN}, {@code BLOB_UPLOAD_INVALID}, or {@code DIGEST_INVALID} on the final PUT),
 * starts a new session with a new POST instead of reusing the broken one.
 */
final class BlobUploader {

  private static final Logger log = LoggerFactory.getLogger(BlobUploader.class);

  private static final okhttp3.MediaType OCTET_STREAM = okhttp3.MediaType.get("application/octet-stream");

  private final RegistryHttp http;

  BlobUploader(RegistryHttp http) {
    this.http = http;
  }

  /** An open upload session and the minimum chunk size the registry asked for, or 0. */
  private record UploadSession(HttpUrl location, long minChunkLength) {}

  boolean blobExists(Reference repository, Digest digest, boolean push) throws RegistryException {
    HttpUrl url = http.apiUrl(repository, "blobs", digest.toString());
    RegistryException.Context context = context("check blob", "check blob " + digest + " in", repository);
    Request request = http.request(repository, push, url).head().build();

    return http.withRetries(context, repository, () -> {
      try (Response response = http.execute(context, request)) {
        if (response.code() == 404) {
          return false;
        }
        if (!response.isSuccessful()) {
          throw http.failure(context, response, NotFound.OTHER);
        }
        return true;
      }
    });
  }

  void pushBlob(Reference repository, Digest digest, byte[] content) throws RegistryException {
    Digest actual = Digests.of(digest.algorithm(), content);
    if (!actual.equals(digest)) {
      throw new IllegalArgumentException(
          "cannot push blob " + digest + ": the content hashes to " + actual);
    }
    if (blobExists(repository, digest, true)) {
      log.debug("Blob {} already exists in {}; skipping the upload", digest, repository.repositoryName());
      return;
    }

    RegistryException.Context context = context("push blob", "push blob " + digest + " to", repository);
    RequestBody body = RequestBody.create(content, OCTET_STREAM);
    http.withRetries(context, repository, BlobUploader::restartsUpload, () -> {
      UploadSession session = startUpload(context, repository);
      finishUpload(context, repository, session.location(), digest, body);
      return null;
    });
  }

  /**
   * Returns true when a new upload session may succeed where {@code failure} happened: a transient
   * failure, or an upload session that the registry lost or rejected.
   */
  static boolean restartsUpload(RegistryException failure) {
    if (RequestRetryPolicy.isTransient(failure)) {
      return true;
    }
    String code = failure.errorCode();
    if ("BLOB_UPLOAD_UNKNOWN".equals(code) || "BLOB_UPLOAD_INVALID".equals(code)) {
      return true;
    }
    // Distribution's filesystem storage returns DIGEST_INVALID when two clients push the same
    // content at once. We hashed the bytes we sent, so a new upload usually succeeds.
    return "DIGEST_INVALID".equals(code) && "PUT".equals(failure.httpMethod());
  }

  void pushBlobChunked(
      Reference repository, Digest digest, InputStream content, long size, int chunkSize)
      throws RegistryException {
    if (chunkSize <= 0 || size < 0) {
      throw new IllegalArgumentException(
          "invalid chunked upload of " + digest + ": chunk size " + chunkSize + " and size " + size
              + " must be positive");
    }
    if (blobExists(repository, digest, true)) {
      log.debug("Blob {} already exists in {}; skipping the upload", digest, repository.repositoryName());
      return;
    }

    RegistryException.Context context = context("push blob", "push blob " + digest + " to", repository);
    UploadSession session = startUpload(context, repository);
    int effectiveChunk = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(chunkSize, session.minChunkLength()));
    HttpUrl location = uploadChunks(context, repository, session.location(), digest, content, size, effectiveChunk);
    finishUpload(context, repository, location, digest, RequestBody.create(new byte[0], OCTET_STREAM));
  }

  /** POST {@code /v2/<name>/blobs/uploads/}; expects 202 with a Location. */
  private UploadSession startUpload(RegistryException.Context context, Reference repository)
      throws RegistryException {
    Request request = http.request(repository, true, http.uploadsUrl(repository))
        .post(RequestBody.create(new byte[0], null))
        .build();

    try (Response response = http.execute(context, request)) {
      if (response.code() != 202) {
        throw unexpected(context, response, "202 Accepted");
      }
      HttpUrl location = location(context, response, request.url());
      long minChunk = parseLongOrZero(response.header("OCI-Chunk-Min-Length"));
      return new UploadSession(location, minChunk);
    }
  }

  /** One PATCH per chunk with an inclusive {@code Content-Range}; returns the last Location. */
  private HttpUrl uploadChunks(
      RegistryException.Context pushContext,
      Reference repository,
      HttpUrl location,
      Digest digest,
      InputStream content,
      long size,
      int chunkSize)
      throws RegistryException {
    MessageDigest hasher = Digests.newHasher(digest.algorithm());
    byte[] buffer = new byte[(int) Math.min(chunkSize, Math.max(size, 1))];
    long offset = 0;
    int index = 0;

    while (offset < size) {
      int length = (int) Math.min(buffer.length, size - offset);
      int read = readFully(pushContext, content, buffer, length);
      if (read < length) {
        throw new DigestMismatchException(pushContext, digest, null, size, offset + read);
      }
      hasher.update(buffer, 0, read);
      index++;
      location = patchChunk(repository, location, digest, buffer, offset, read, index);
      offset += read;
    }

    verifyStreamEnd(pushContext, content, digest, size);
    Digest actual = Digests.finish(digest.algorithm(), hasher);
    if (!actual.equals(digest)) {
      // NOTE: the upload session stays open until the registry expires it; it is never finished.
      throw new DigestMismatchException(pushContext, digest, actual, size, size);
    }
    return location;
  }

  /** PATCH one chunk; expects 202 with the Location for the next step. */
  private HttpUrl patchChunk(
      Reference repository, HttpUrl location, Digest digest, byte[] buffer, long offset, int length,
      int index)
      throws RegistryException {
    String range = offset + "-" + (offset + length - 1);
    RegistryException.Context context = context(
        "upload blob chunk",
        "upload blob chunk " + index + " (bytes " + range + ") of " + digest + " to",
        repository);
    Request request = http.request(repository, true, location)
        .header("Content-Range", range)
        .patch(RequestBody.create(buffer, OCTET_STREAM, 0, length))
        .build();

    try (Response response = http.execute(context, request)) {
      if (response.code() != 202) {
        throw unexpected(context, response, "202 Accepted");
      }
      return response.header("Location") == null ? location : location(context, response, location);
    }
  }

  /** PUT {@code <location>?digest=<digest>} with the remaining bytes; expects 201. */
  private void finishUpload(
      RegistryException.Context context,
      Reference repository,
      HttpUrl location,
      Digest digest,
      RequestBody body)
      throws RegistryException {
    HttpUrl url = location.newBuilder().addQueryParameter("digest", digest.toString()).build();
    Request request = http.request(repository, true, url).put(body).build();

    try (Response response = http.execute(context, request)) {
      if (!response.isSuccessful()) {
        throw http.failure(context, response, NotFound.OTHER);
      }
      log.debug("Pushed blob {} to {}", digest, repository.repositoryName());
    }
  }

  private RegistryException unexpected(
      RegistryException.Context context, Response response, String expected) {
    if (!response.isSuccessful()) {
      return http.failure(context, response, NotFound.OTHER);
    }
    return new RegistryException(RegistryHttp.contextOf(context, response), response.code(),
        response.message(), null, null, null, "expected " + expected, null);
  }

  /**
   * Returns the response's {@code Location} resolved against its URL, which must be on the same
   * scheme, host and port as {@code registryUrl}.
   */
  private static HttpUrl location(
      RegistryException.Context context, Response response, HttpUrl registryUrl)
      throws RegistryException {
    String header = response.header("Location");
    HttpUrl resolved = header == null ? null : response.request().url().resolve(header);
    String problem = null;
    if (resolved == null) {
      problem = header == null
          ? "the response has no Location header for the upload session"
          : "the Location header is not a valid http or https URL";
    } else if (!RedirectGuard.sameServer(registryUrl, resolved)) {
      problem = "the upload Location " + HttpResponses.redact(resolved) + " is not on the registry's"
          + " own scheme, host and port (" + registryUrl.scheme() + "://" + registryUrl.host() + ":"
          + registryUrl.port() + "); uploads are only sent to the registry itself";
    }
    if (problem != null) {
      throw new RegistryException(RegistryHttp.contextOf(context, response), response.code(),
          problem, null);
    }
    return resolved;
  }

  private static int readFully(
      RegistryException.Context context, InputStream content, byte[] buffer, int length)
      throws RegistryException {
    try {
      return content.readNBytes(buffer, 0, length);
    } catch (IOException e) {
      throw new RegistryException(
          context, 0, "reading the blob content failed: " + RegistryException.plainMessage(e), e);
    }
  }

  private static void verifyStreamEnd(
      RegistryException.Context context, InputStream content, Digest digest, long size)
      throws RegistryException {
    int next;
    try {
      next = content.read();
    } catch (IOException e) {
      throw new RegistryException(
          context, 0, "reading the blob content failed: " + RegistryException.plainMessage(e), e);
    }
    if (next >= 0) {
      throw new DigestMismatchException(context, digest, null, size, size + 1);
    }
  }

  private static long parseLongOrZero(String text) {
    if (text == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static RegistryException.Context context(String operation, String action, Reference repository) {
    return new RegistryException.Context(operation, action + " " + repository.repositoryName(),
        repository.repositoryName(), repository.registry(), null, null);
  }
}
