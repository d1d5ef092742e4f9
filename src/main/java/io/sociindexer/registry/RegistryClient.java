package io.sociindexer.registry;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryHttp.NotFound;
import io.sociindexer.registry.auth.CredentialProvider;
import io.sociindexer.registry.auth.RegistryAuthInterceptor;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client for the OCI distribution API: fetches and pushes manifests and blobs. It verifies
 * what it receives (manifest and blob digests, blob sizes) and hashes what it sends. Requests go
 * anonymously first and authenticate when the registry challenges them, see {@link
 * RegistryAuthInterceptor}. Every failure is a {@link RegistryException} that names the
 * operation, image and HTTP status.
 *
 * <p>Each operation retries transient failures (no response, 408, 429, 500, 502, 503, 504) within
 * the budget of its {@link RequestRetryPolicy}, honouring {@code Retry-After}, and logs each retry
 * once. Blob downloads resume mid-stream with range requests. Chunked uploads from a live stream
 * are not retried, because the stream cannot be replayed. When an operation still fails, callers
 * use {@link RegistryException#retryable()} to decide whether to retry the whole step later.
 *
 * <p>Thread-safe. Create one per process and share it, because it owns the connection pool
 * and the token cache.
 */
public final class RegistryClient {

  private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);

  /** Distribution rejects manifest bodies above 4 MiB, so a larger response is not a manifest. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  /** The four manifest and index types, each once, because some registries return 404 without them. */
  static final String MANIFEST_ACCEPT = String.join(", ",
      MediaType.OCI_MANIFEST.value(),
      MediaType.OCI_INDEX.value(),
      MediaType.DOCKER_MANIFEST.value(),
      MediaType.DOCKER_MANIFEST_LIST.value());

  /** Generic content types that some registries send instead of the manifest media type. */
  private static final Set<String> GENERIC_CONTENT_TYPES =
      Set.of("application/json", "text/plain", "application/octet-stream");

  /** Tags asked for per page of a tag listing. */
  public static final int DEFAULT_TAG_PAGE_SIZE = 1000;

  /** The response header with which a registry confirms that it indexed a manifest's subject. */
  static final String OCI_SUBJECT_HEADER = "OCI-Subject";

  private final RegistryHttp http;
  private final BlobUploader uploader;
  private final TagLister tagLister;

  private RegistryClient(RegistryHttp http) {
    this.http = http;
    this.uploader = new BlobUploader(http);
    this.tagLister = new TagLister(http);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fetches a manifest or index by tag or digest. The digest is computed from the exact bytes.
   * When {@code reference} has a digest, the bytes must hash to it. When it has only a tag, a
   * {@code Docker-Content-Digest} header that disagrees with the bytes is logged and ignored.
   *
   * @throws ManifestNotFoundException when the registry returns 404
   * @throws DigestMismatchException when fetched by digest and the bytes hash differently
   * @throws RegistryException for any other failure, including a body above 4 MiB
   */
  public RawManifest fetchManifest(Reference reference) throws RegistryException {
    HttpUrl url = http.apiUrl(reference, "manifests", reference.identifier());
    RegistryException.Context context =
        context("fetch manifest", "fetch manifest " + reference, reference.toString(), reference);
    Request request = http.request(reference, false, url).header("Accept", MANIFEST_ACCEPT).get().build();

    return http.withRetries(context, reference, () -> {
      try (Response response = http.execute(context, request)) {
        if (!response.isSuccessful()) {
          throw http.failure(context, response, NotFound.MANIFEST);
        }
        byte[] bytes = readManifestBody(RegistryHttp.contextOf(context, response), response);
        Digest digest = verifyManifestDigest(context, reference, response, bytes);
        MediaType mediaType = manifestMediaType(context, response.header("Content-Type"), bytes);
        return new RawManifest(mediaType, bytes, digest);
      }
    });
  }

  /**
   * Resolves a manifest's descriptor with HEAD, the cheap way to turn a tag into a digest. Falls
   * back to GET when the registry omits {@code Docker-Content-Digest}, {@code Content-Type} or
   * {@code Content-Length}.
   *
   * @return the descriptor, or empty when the registry returns 404
   */
  public Optional<Descriptor> headManifest(Reference reference) throws RegistryException {
    HttpUrl url = http.apiUrl(reference, "manifests", reference.identifier());
    RegistryException.Context context =
        context("resolve manifest", "resolve manifest " + reference, reference.toString(), reference);
    Request request = http.request(reference, false, url).header("Accept", MANIFEST_ACCEPT).head().build();

    HeadResult head = http.withRetries(context, reference, () -> {
      try (Response response = http.execute(context, request)) {
        if (response.code() == 404) {
          return new HeadResult(false, null);
        }
        if (!response.isSuccessful()) {
          throw http.failure(context, response, NotFound.MANIFEST);
        }
        return new HeadResult(true, descriptorFromHeaders(reference, response).orElse(null));
      }
    });
    if (!head.found()) {
      return Optional.empty();
    }
    if (head.descriptor() != null) {
      return Optional.of(head.descriptor());
    }

    log.debug("HEAD {} lacks digest, type or length headers; fetching the manifest", reference);
    try {
      return Optional.of(fetchManifest(reference).descriptor());
    } catch (ManifestNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Opens a blob for streaming. Redirects to https storage on another host are followed without
   * the {@code Authorization} header, see {@link RedirectGuard}. The stream checks size and digest
   * when the content ends and throws {@link DigestMismatchException} on a mismatch or as soon as
   * it exceeds {@code expectedSize}. When the body fails mid-stream (connection reset, read
   * timeout), the stream reopens the blob with {@code Range: bytes=<offset>-} and continues, so
   * the caller sees one uninterrupted stream; see {@link ResumableBlobStream}. The caller must
   * close the stream, which releases the connection.
   *
   * @param expectedSize the size from the descriptor, or -1 to check only the digest
   * @throws BlobNotFoundException when the registry returns 404
   */
  public InputStream openBlob(Reference repository, Digest digest, long expectedSize)
      throws RegistryException {
    return openBlob(repository, digest, expectedSize, true);
  }

  /**
   * Opens a blob like {@link #openBlob(Reference, Digest, long)}, with resumption, but without
   * hashing it: for a caller that computes the digest and counts the size of every byte itself,
   * such as the layer indexer, so that a large blob is not hashed twice. The caller must compare
   * both with the descriptor before it uses anything derived from the bytes.
   */
  public InputStream openBlobUnverified(Reference repository, Digest digest, long expectedSize)
      throws RegistryException {
    return openBlob(repository, digest, expectedSize, false);
  }

  private InputStream openBlob(
      Reference repository, Digest digest, long expectedSize, boolean verify)
      throws RegistryException {
    HttpUrl url = http.apiUrl(repository, "blobs", digest.toString());
    RegistryException.Context context = context(
        "fetch blob", "fetch blob " + digest + " from " + repository.repositoryName(),
        repository.repositoryName(), repository);

    Response response = http.withRetries(context, repository, () -> openBlobAt(context, repository, url, 0));
    RegistryException.Context streamContext = RegistryHttp.contextOf(context, response);
    long contentLength = response.body().contentLength();
    if (expectedSize >= 0 && contentLength >= 0 && contentLength != expectedSize) {
      response.close();
      throw new DigestMismatchException(streamContext, digest, null, expectedSize, 0,
          "the response has Content-Length " + contentLength + " but the descriptor says "
              + expectedSize + " bytes");
    }
    ResumableBlobStream body = new ResumableBlobStream(
        http, context, repository, expectedSize, response,
        offset -> openBlobAt(context, repository, url, offset));
    return verify ? new VerifyingInputStream(body, streamContext, digest, expectedSize) : body;
  }

  /**
   * Sends one GET for the blob from {@code offset} on, with a {@code Range} header when the
   * offset is not 0, and returns the successful response; the caller closes it.
   */
  private Response openBlobAt(
      RegistryException.Context context, Reference repository, HttpUrl url, long offset)
      throws RegistryException {
    Request.Builder builder = http.blobRequest(repository, url).get();
    if (offset > 0) {
      builder.header("Range", "bytes=" + offset + "-");
    }
    Response response = http.execute(context, builder.build());
    if (!response.isSuccessful()) {
      try (response) {
        throw http.failure(context, response, NotFound.BLOB);
      }
    }
    return response;
  }

  /** The outcome of a manifest HEAD; the descriptor is null when headers lack a field. */
  private record HeadResult(boolean found, Descriptor descriptor) {}

  /** Returns whether the repository contains the blob, using HEAD. */
  public boolean blobExists(Reference repository, Digest digest) throws RegistryException {
    return uploader.blobExists(repository, digest, false);
  }

  /**
   * Uploads a blob in one request unless the repository already contains it: HEAD, then POST to
   * start an upload session, then PUT with {@code ?digest=}. When the upload fails transiently or
   * the registry loses the session, it starts over with a new POST, within the retry policy.
   *
   * @throws IllegalArgumentException when {@code content} does not hash to {@code digest}
   */
  public void pushBlob(Reference repository, Digest digest, byte[] content) throws RegistryException {
    uploader.pushBlob(repository, digest, content);
  }

  /**
   * Uploads a blob in chunks unless the repository already contains it: HEAD, POST, one PATCH per
   * chunk with an inclusive {@code Content-Range}, then PUT with {@code ?digest=}. A chunk is
   * {@code chunkSize} bytes, or the registry's {@code OCI-Chunk-Min-Length} when that is larger.
   * The stream is not read when the blob exists, and it is never closed here.
   *
   * @throws DigestMismatchException when the stream's bytes do not match size or digest; the
   *     upload is then not finished
   */
  public void pushBlobChunked(
      Reference repository, Digest digest, InputStream content, long size, int chunkSize)
      throws RegistryException {
    uploader.pushBlobChunked(repository, digest, content, size, chunkSize);
  }

  /**
   * Uploads a manifest to {@code target}'s tag or digest with the exact bytes and Content-Type.
   * A {@code Docker-Content-Digest} response header that differs from the bytes' digest is
   * logged as a warning.
   *
   * @return the sha256 digest of {@code bytes}
   * @throws IllegalArgumentException when {@code target} has a digest the bytes do not hash to
   */
  public Digest pushManifest(Reference target, MediaType mediaType, byte[] bytes)
      throws RegistryException {
    return push(target, mediaType, bytes).digest();
  }

  /**
   * Uploads a manifest that has a {@code subject}, like {@link #pushManifest}, and returns the
   * digest in the registry's {@code OCI-Subject} response header. A registry with the referrers
   * API sends that header when it indexed the subject. Without the header, the client maintains
   * the referrers tag itself.
   *
   * @return the {@code OCI-Subject} digest, or empty when the header is absent or invalid
   */
  public Optional<Digest> pushManifestWithSubject(Reference target, MediaType mediaType, byte[] bytes)
      throws RegistryException {
    return Optional.ofNullable(push(target, mediaType, bytes).ociSubject());
  }

  private record Pushed(Digest digest, Digest ociSubject) {}

  private Pushed push(Reference target, MediaType mediaType, byte[] bytes)
      throws RegistryException {
    Digest digest = Digest.sha256(bytes);
    if (target.digest() != null && !Digests.of(target.digest().algorithm(), bytes).equals(target.digest())) {
      throw new IllegalArgumentException("cannot push manifest to " + target
          + ": its bytes hash to " + Digests.of(target.digest().algorithm(), bytes));
    }
    HttpUrl url = http.apiUrl(target, "manifests", target.identifier());
    RegistryException.Context context =
        context("push manifest", "push manifest " + target, target.toString(), target);
    RequestBody body = RequestBody.create(bytes, okhttp3.MediaType.get(mediaType.value()));
    Request request = http.request(target, true, url).put(body).build();

    // A manifest PUT is idempotent: the same bytes under the same tag or digest give the same state.
    return http.withRetries(context, target, () -> {
      try (Response response = http.execute(context, request)) {
        if (!response.isSuccessful()) {
          throw http.failure(context, response, NotFound.OTHER);
        }
        warnOnDigestHeader(target, response.header("Docker-Content-Digest"), digest);
        String subject = response.header(OCI_SUBJECT_HEADER);
        return new Pushed(digest, subject == null ? null : parseDigestOrNull(subject));
      }
    });
  }

  /**
   * Lists the referrers of {@code subject} with {@code GET /v2/<name>/referrers/<digest>}, asking
   * the registry to filter by {@code artifactType} when it is not null. Registries may ignore the
   * filter, so callers check each descriptor's {@code artifactType} themselves.
   *
   * <p>NOTE: only the first page is read; a registry that pages referrers with a Link header
   * hides the rest, which for SOCI means a second index for the same manifest may go unseen.
   *
   * @return the referrers index, or empty when the registry has no referrers API. That is the case
   *     when it returns 404, or 200 with something other than an OCI image index (such as a
   *     login page)
   */
  public Optional<ImageIndex> listReferrers(Reference repository, Digest subject, String artifactType)
      throws RegistryException {
    HttpUrl url = http.apiUrl(repository, "referrers", subject.toString());
    if (artifactType != null) {
      url = url.newBuilder().addQueryParameter("artifactType", artifactType).build();
    }
    RegistryException.Context context = context(
        "list referrers", "list referrers of " + subject + " in " + repository.repositoryName(),
        repository.repositoryName(), repository);
    Request request = http.request(repository, false, url)
        .header("Accept", MediaType.OCI_INDEX.value())
        .get()
        .build();

    return http.withRetries(context, repository, () -> {
      try (Response response = http.execute(context, request)) {
        if (response.code() == 404) {
          return Optional.<ImageIndex>empty();
        }
        if (!response.isSuccessful()) {
          throw http.failure(context, response, NotFound.OTHER);
        }
        return parseReferrers(RegistryHttp.contextOf(context, response), response);
      }
    });
  }

  private static Optional<ImageIndex> parseReferrers(
      RegistryException.Context context, Response response) throws RegistryException {
    String type = String.valueOf(response.header("Content-Type")).split(";", 2)[0].strip();
    if (!type.equals(MediaType.OCI_INDEX.value()) && !type.equals("application/json")) {
      log.info("referrers endpoint returned Content-Type {}; treating the registry as"
          + " having no referrers API", type);
      return Optional.empty();
    }
    byte[] bytes = readManifestBody(context, response);
    try {
      return Optional.of(ImageIndex.parse(bytes));
    } catch (RuntimeException e) {
      log.info("referrers endpoint returned an invalid index ({}); treating the registry as"
          + " having no referrers API", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Lists every tag of {@code repository}'s repository (its tag and digest are ignored), in the
   * order the registry returns them, following pagination. Duplicates across pages are dropped.
   *
   * @throws RegistryException when a page fails, or a next-page link points at another host
   */
  public List<String> listTags(Reference repository) throws RegistryException {
    return tagLister.listTags(repository, DEFAULT_TAG_PAGE_SIZE);
  }

  /** Lists tags like {@link #listTags(Reference)}, asking for {@code pageSize} tags per page. */
  public List<String> listTags(Reference repository, int pageSize) throws RegistryException {
    return tagLister.listTags(repository, pageSize);
  }

  private RegistryException.Context context(
      String operation, String action, String image, Reference reference) {
    return new RegistryException.Context(operation, action, image, reference.registry(), null, null);
  }

  private static byte[] readManifestBody(RegistryException.Context context, Response response)
      throws RegistryException {
    long declared = response.body().contentLength();
    if (declared > MAX_MANIFEST_BYTES) {
      throw new RegistryException(context, response.code(),
          "the manifest has " + declared + " bytes, more than the " + MAX_MANIFEST_BYTES
              + "-byte limit for manifests", null);
    }
    byte[] bytes;
    try (InputStream in = response.body().byteStream()) {
      bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
    } catch (IOException e) {
      throw new RegistryException(context, 0, "reading the manifest failed: " + RegistryHttp.describeIoFailure(e), e);
    }
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new RegistryException(context, response.code(),
          "the manifest is larger than the " + MAX_MANIFEST_BYTES + "-byte limit for manifests", null);
    }
    return bytes;
  }

  private static Digest verifyManifestDigest(
      RegistryException.Context context, Reference reference, Response response, byte[] bytes)
      throws DigestMismatchException {
    if (reference.digest() != null) {
      Digest actual = Digests.of(reference.digest().algorithm(), bytes);
      if (!actual.equals(reference.digest())) {
        throw new DigestMismatchException(
            RegistryHttp.contextOf(context, response), reference.digest(), actual, -1, bytes.length);
      }
      return actual;
    }
    Digest actual = Digest.sha256(bytes);
    warnOnDigestHeader(reference, response.header("Docker-Content-Digest"), actual);
    return actual;
  }

  private static void warnOnDigestHeader(Reference reference, String header, Digest actual) {
    if (header == null || header.equals(actual.toString())) {
      return;
    }
    Digest claimed = parseDigestOrNull(header);
    if (claimed != null && !claimed.algorithm().equals(actual.algorithm())) {
      return;
    }
    log.warn("Registry sent Docker-Content-Digest {} for {} but the bytes hash to {}; using {}",
        header, reference, actual, actual);
  }

  /**
   * Returns the media type from Content-Type without parameters; when that is missing or generic,
   * from the JSON's {@code mediaType} field; failing both, from the document's shape.
   */
  static MediaType manifestMediaType(RegistryException.Context context, String contentType, byte[] bytes)
      throws RegistryException {
    String type = contentType == null ? "" : contentType.split(";", 2)[0].strip();
    if (!type.isEmpty() && !GENERIC_CONTENT_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      return MediaType.of(type);
    }

    JsonNode json;
    try {
      json = JsonMapper.shared().readTree(bytes);
    } catch (JacksonException e) {
      throw new RegistryException(context, 200, null, null, null, null,
          "the manifest is not valid JSON: " + e.getOriginalMessage(), null);
    }
    String declared = json.path("mediaType").asString("");
    if (!declared.isEmpty()) {
      return MediaType.of(declared);
    }
    // NOTE: the OCI image spec makes mediaType optional, so an untyped document is classified by
    // its fields. Only OCI types are inferred this way, never Docker types.
    if (json.has("manifests")) {
      return MediaType.OCI_INDEX;
    }
    if (json.has("config") && json.has("layers")) {
      return MediaType.OCI_MANIFEST;
    }
    throw new RegistryException(context, 200, null, null, null, null,
        "the response has neither a manifest Content-Type nor a mediaType field", null);
  }

  private static Optional<Descriptor> descriptorFromHeaders(Reference reference, Response response) {
    String digestHeader = response.header("Docker-Content-Digest");
    String contentType = response.header("Content-Type");
    String length = response.header("Content-Length");
    if (digestHeader == null || contentType == null || length == null) {
      return Optional.empty();
    }
    Digest digest = parseDigestOrNull(digestHeader);
    String type = contentType.split(";", 2)[0].strip();
    if (digest == null || GENERIC_CONTENT_TYPES.contains(type) || type.isEmpty()) {
      return Optional.empty();
    }
    if (reference.digest() != null && !reference.digest().equals(digest)) {
      log.warn("Registry sent Docker-Content-Digest {} for {}; using the requested digest",
          digest, reference);
      digest = reference.digest();
    }
    try {
      return Optional.of(Descriptor.of(MediaType.of(type), digest, Long.parseLong(length.strip())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static Digest parseDigestOrNull(String text) {
    try {
      return Digest.parse(text.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Configures a {@link RegistryClient}. Defaults: anonymous access, https for every registry,
   * the user agent {@code soci-indexer}, and a new {@link OkHttpClient}.
   */
  public static final class Builder {

    private CredentialProvider credentials = CredentialProvider.ANONYMOUS;
    private Set<String> plainHttpRegistries = Set.of();
    private String userAgent = "soci-indexer";
    private OkHttpClient okHttpClient;
    private Clock clock = Clock.systemUTC();
    private RegistryRequestListener requestListener = RegistryRequestListener.NONE;
    private RequestRetryPolicy retryPolicy = RequestRetryPolicy.DEFAULT;
    private RegistryHttp.Sleeper sleeper = RegistryHttp.Sleeper.REAL;

    private Builder() {}

    public Builder credentials(CredentialProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Sets the registries reached over plain http, as exact {@code host:port} strings that match
     * {@link Reference#apiHost()}; every other registry uses https.
     */
    public Builder plainHttpRegistries(Set<String> hostPorts) {
      this.plainHttpRegistries = Set.copyOf(hostPorts);
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
      return this;
    }

    /**
     * Sets the client whose connection pool, timeouts and dispatcher requests use. The registry
     * client derives its own client from it, adding authentication and refusing redirects from
     * https to http.
     */
    public Builder okHttpClient(OkHttpClient okHttpClient) {
      this.okHttpClient = Objects.requireNonNull(okHttpClient, "okHttpClient");
      return this;
    }

    /** Sets the clock for token expiry; tests use it to age tokens. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the listener that receives every request, such as a metrics recorder. */
    public Builder requestListener(RegistryRequestListener requestListener) {
      this.requestListener = Objects.requireNonNull(requestListener, "requestListener");
      return this;
    }

    /** Sets the request-level retry budget; {@link RequestRetryPolicy#DEFAULT} when not set. */
    public Builder retryPolicy(RequestRetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** Replaces the wait between attempts; tests record the waits instead of sleeping. */
    Builder sleeper(RegistryHttp.Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Builds the client. OkHttp's own silent retry on connection failures is switched off, so
     * that every retry goes through {@link RequestRetryPolicy} and is logged once.
     */
    public RegistryClient build() {
      OkHttpClient base = okHttpClient != null ? okHttpClient : new OkHttpClient();
      OkHttpClient tokenClient = base.newBuilder().followSslRedirects(false).build();
      RegistryAuthInterceptor auth =
          new RegistryAuthInterceptor(credentials, tokenClient, userAgent, clock);
      OkHttpClient registryClient = base.newBuilder()
          .addInterceptor(auth)
          .addNetworkInterceptor(new RedirectGuard(plainHttpRegistries))
          .followRedirects(true)
          // RedirectGuard rejects https-to-http downgrades; an http-to-https upgrade is allowed.
          .followSslRedirects(true)
          .retryOnConnectionFailure(false)
          .build();
      return new RegistryClient(
          new RegistryHttp(registryClient, credentials, plainHttpRegistries, userAgent,
              requestListener, retryPolicy, sleeper));
    }
  }
}
