package io.sociindexer.registry;

import io.sociindexer.oci.Reference;
import io.sociindexer.registry.auth.AuthScope;
import io.sociindexer.registry.auth.CredentialLookupException;
import io.sociindexer.registry.auth.CredentialProvider;
import io.sociindexer.registry.auth.TokenRequestException;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP plumbing shared by manifest and blob operations: URL building, request tagging for
 * authentication, execution with context, and translation of failed responses into exceptions.
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

  RegistryHttp(
      OkHttpClient client,
      CredentialProvider credentials,
      Set<String> plainHttpRegistries,
      String userAgent,
      RegistryRequestListener requestListener) {
    this.client = client;
    this.credentials = credentials;
    this.plainHttpRegistries = Set.copyOf(plainHttpRegistries);
    this.userAgent = userAgent;
    this.requestListener = requestListener;
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

  /** Starts a request with the User-Agent and the authentication scope for {@code reference}. */
  Request.Builder request(Reference reference, boolean push, HttpUrl url) {
    AuthScope scope =
        new AuthScope(reference.registry(), reference.apiHost(), reference.repository(), push);
    return new Request.Builder()
        .url(url)
        .header("User-Agent", userAgent)
        .tag(AuthScope.class, scope);
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
    } catch (IOException e) {
      reportRequest(context, 0);
      throw new RegistryException(requestContext, 0, RegistryException.plainMessage(e), e);
    }
    reportRequest(context, response.code());
    log.debug("{} {} returned {}", request.method(),
        HttpResponses.redact(response.request().url()), response.code());
    return response;
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
