package io.sociindexer.registry;

import io.sociindexer.oci.Reference;
import io.sociindexer.registry.auth.AuthScope;
import io.sociindexer.registry.auth.CredentialLookupException;
import io.sociindexer.registry.auth.CredentialProvider;
import io.sociindexer.registry.auth.TokenRequestException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP plumbing shared by manifest and blob operations: URL building, request tagging for
 * authentication and redirect checks, execution with context, request-level retries, and
 * translation of failed responses into exceptions.
 */
final class RegistryHttp {

  private static final Logger log = LoggerFactory.getLogger(RegistryHttp.class);

  /** What a 404 means for the operation, which decides the exception type. */
  enum NotFound {
    MANIFEST,
    BLOB,
    OTHER
  }

  private final OkHttpClient client;
  private final CredentialProvider credentials;
  private final Set<String> plainHttpRegistries;
  private final String userAgent;
  private final RegistryRequestListener requestListener;
  private final RequestRetryPolicy retryPolicy;
  private final Sleeper sleeper;

  /** Waits between attempts; tests replace it to record the waits instead. */
  @FunctionalInterface
  interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(duration);

    void sleep(Duration duration) throws InterruptedException;
  }

  /** One attempt of an operation, which the retry loop may run again. */
  @FunctionalInterface
  interface Attempt<T> {

    T run() throws RegistryException;
  }

  RegistryHttp(
      OkHttpClient client,
      CredentialProvider credentials,
      Set<String> plainHttpRegistries,
      String userAgent,
      RegistryRequestListener requestListener,
      RequestRetryPolicy retryPolicy,
      Sleeper sleeper) {
    this.client = client;
    this.credentials = credentials;
    this.plainHttpRegistries = Set.copyOf(plainHttpRegistries);
    this.userAgent = userAgent;
    this.requestListener = requestListener;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
  }

  RequestRetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** Returns {@code <scheme>://<apiHost>/v2/<repository>/<kind>/<identifier>}. */
  HttpUrl apiUrl(Reference reference, String kind, String identifier) {
    return baseUrl(reference)
        .addPathSegments(reference.repository())
        .addPathSegment(kind)
        .addPathSegment(identifier)
        .build();
  }

  /** Returns {@code <scheme>://<apiHost>/v2/<repository>/blobs/uploads/}. */
  HttpUrl uploadsUrl(Reference reference) {
    return baseUrl(reference)
        .addPathSegments(reference.repository())
        .addPathSegments("blobs/uploads/")
        .build();
  }

  private HttpUrl.Builder baseUrl(Reference reference) {
    String scheme = plainHttpRegistries.contains(reference.apiHost()) ? "http" : "https";
    HttpUrl base = HttpUrl.parse(scheme + "://" + reference.apiHost() + "/v2/");
    if (base == null) {
      throw new IllegalArgumentException("invalid registry host '" + reference.apiHost() + "'");
    }
    return base.newBuilder();
  }

  /**
   * Starts a request with the User-Agent, the authentication scope for {@code reference} and a
   * redirect origin that allows redirects only within the registry, see {@link RedirectGuard}.
   */
  Request.Builder request(Reference reference, boolean push, HttpUrl url) {
    AuthScope scope =
        new AuthScope(reference.registry(), reference.apiHost(), reference.repository(), push);
    return new Request.Builder()
        .url(url)
        .header("User-Agent", userAgent)
        .tag(AuthScope.class, scope)
        .tag(RedirectGuard.Origin.class, new RedirectGuard.Origin(url, false));
  }

  /** Starts a blob download request, which may be redirected to https storage on another host. */
  Request.Builder blobRequest(Reference reference, HttpUrl url) {
    return request(reference, false, url)
        .tag(RedirectGuard.Origin.class, new RedirectGuard.Origin(url, true));
  }

  /**
   * Runs {@code attempt} until it succeeds, fails with a non-transient error, or the retry
   * budget is spent, waiting between attempts as {@link RequestRetryPolicy} describes. The first
   * failure is added to the thrown exception as a suppressed exception.
   */
  <T> T withRetries(RegistryException.Context context, Reference reference, Attempt<T> attempt)
      throws RegistryException {
    return withRetries(context, reference, RequestRetryPolicy::isTransient, attempt);
  }

  /** Runs {@code attempt} with retries like the method above, for the failures {@code retryable} accepts. */
  <T> T withRetries(
      RegistryException.Context context,
      Reference reference,
      Predicate<RegistryException> retryable,
      Attempt<T> attempt)
      throws RegistryException {
    RegistryException first = null;
    for (int number = 1; ; number++) {
      try {
        return attempt.run();
      } catch (RegistryException e) {
        Optional<Duration> delay = retryable.test(e)
            ? retryPolicy.delayAfter(number, e, ThreadLocalRandom.current()::nextDouble)
            : Optional.empty();
        if (delay.isEmpty()) {
          if (first != null && first != e) {
            e.addSuppressed(first);
          }
          throw e;
        }
        first = first == null ? e : first;
        logRetry(context, reference, e, number, delay.get());
        pause(context, delay.get());
      }
    }
  }

  /** Logs one retry with fixed keys, so that a log search by operation or registry finds it. */
  void logRetry(
      RegistryException.Context context, Reference reference, RegistryException failure,
      int attempt, Duration delay) {
    log.warn("retrying registry request operation={} registry={} repository={} status={}"
            + " attempt={} delay.ms={} error=\"{}\"",
        context.operation(), context.registry(), reference.repository(), failure.status(),
        attempt, delay.toMillis(), failure.getMessage());
  }

  /** Waits {@code delay}; an interrupt ends the operation with a non-retryable failure. */
  void pause(RegistryException.Context context, Duration delay) throws RegistryException {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(context, 0, "interrupted while waiting to retry", null);
    }
  }

  /**
   * Executes {@code request}; the caller closes the response.
   *
   * @throws RegistryException with status 0 when no response arrived, or with the token
   *     endpoint's status when authentication failed
   */
  Response execute(RegistryException.Context context, Request request) throws RegistryException {
    RegistryException.Context requestContext =
        context.withRequest(request.method(), HttpResponses.redact(request.url()));
    Response response;
    try {
      response = client.newCall(request).execute();
    } catch (TokenRequestException e) {
      reportRequest(context, e.status());
      throw tokenFailure(requestContext, e);
    } catch (RedirectGuard.RedirectRejectedException e) {
      reportRequest(context, 0);
      // No cause, so that the failure is not retryable: the same redirect would come back.
      throw new RegistryException(requestContext, 0, e.getMessage(), null);
    } catch (IOException e) {
      reportRequest(context, 0);
      throw new RegistryException(requestContext, 0, describeIoFailure(e), e);
    }
    reportRequest(context, response.code());
    log.debug("{} {} returned {}", request.method(),
        HttpResponses.redact(response.request().url()), response.code());
    return response;
  }

  /**
   * Describes a failure without a response in plain words. A timeout reads "timed out" and names
   * the read timeout, because a stalled registry shows no other sign.
   */
  static String describeIoFailure(IOException e) {
    if (e instanceof InterruptedIOException && !Thread.currentThread().isInterrupted()) {
      return "timed out waiting for the registry (" + RegistryException.plainMessage(e)
          + "); the HTTP connect or read timeout passed without data";
    }
    return RegistryException.plainMessage(e);
  }

  /** Reports a finished request; a failing listener is logged, because metrics must not fail it. */
  private void reportRequest(RegistryException.Context context, int status) {
    try {
      requestListener.requestFinished(context.registry(), context.operation(), status);
    } catch (RuntimeException e) {
      log.warn("registry request listener failed registry={} operation={} status={}",
          context.registry(), context.operation(), status, e);
    }
  }

  /** Returns the context for a response: the method and redacted URL of its final request. */
  static RegistryException.Context contextOf(RegistryException.Context context, Response response) {
    Request request = response.request();
    return context.withRequest(request.method(), HttpResponses.redact(request.url()));
  }

  /** Builds the exception for an unsuccessful response, reading a capped error body. */
  RegistryException failure(RegistryException.Context context, Response response, NotFound notFound) {
    RegistryException.Context responseContext = contextOf(context, response);
    HttpResponses.ErrorBody error = HttpResponses.readError(response);
    int status = response.code();
    String reason = response.message();

    if (status == 401 || status == 403) {
      return new RegistryAuthException(responseContext, status, reason, error.code(),
          error.message(), credentialHint(context), null);
    }
    if (status == 404 && notFound == NotFound.MANIFEST) {
      return new ManifestNotFoundException(responseContext, reason, error.code(), error.message());
    }
    if (status == 404 && notFound == NotFound.BLOB) {
      return new BlobNotFoundException(responseContext, reason, error.code(), error.message());
    }
    return new RegistryException(responseContext, status, reason, error.code(), error.message(),
        HttpResponses.retryAfter(response.header("Retry-After"), Instant.now()),
        redirectDetail(response), null);
  }

  private RegistryException tokenFailure(RegistryException.Context context, TokenRequestException e) {
    int status = e.status();
    if (status == 401 || status == 403) {
      return new RegistryAuthException(context, status, null, null, null, e.getMessage(), e);
    }
    if (status == 0 && e.getCause() == null) {
      return new RegistryAuthException(context, 0, null, null, null, e.getMessage(), e);
    }
    return new RegistryException(context, status, null, null, null, null, e.getMessage(), e);
  }

  private String credentialHint(RegistryException.Context context) {
    try {
      return credentials.credentialsFor(context.registry())
          .map(c -> "the registry rejected the credentials of user " + c.username() + " for "
              + context.registry())
          .orElse("no credentials are configured for " + context.registry()
              + "; add them to the configuration, a docker config.json or a credential helper");
    } catch (CredentialLookupException e) {
      return e.getMessage();
    }
  }

  private static String redirectDetail(Response response) {
    if (!response.isRedirect()) {
      return null;
    }
    String location = response.header("Location");
    HttpUrl target = location == null ? null : response.request().url().resolve(location);
    return "the redirect to " + (target == null ? "an invalid location" : HttpResponses.redact(target))
        + " was not followed; redirects from https to http are refused";
  }
}
