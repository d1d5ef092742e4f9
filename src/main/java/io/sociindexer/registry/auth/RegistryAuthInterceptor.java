package io.sociindexer.registry.auth;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Credentials;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OkHttp application interceptor that authenticates registry requests carrying an {@link
 * AuthScope} tag. A request first goes out anonymously, or with a cached bearer token or Basic
 * credentials when an earlier challenge from the same host asked for them. On a 401 from the
 * registry host it parses {@code WWW-Authenticate}, obtains a bearer token (or uses Basic
 * credentials) and retries the request once; a second 401 is returned to the caller unchanged.
 *
 * <p>Credentials and tokens go only to the registry's {@code apiHost} and to the token realm its
 * challenge names. A 401 from another host, such as blob storage after a redirect, is returned
 * unchanged. OkHttp drops the {@code Authorization} header when it follows a redirect to another
 * host, so storage never receives the token. Request bodies must be replayable, which holds for the
 * byte-array bodies {@code RegistryClient} sends. Thread-safe.
 */
public final class RegistryAuthInterceptor implements Interceptor {

  private static final Logger log = LoggerFactory.getLogger(RegistryAuthInterceptor.class);

  private final CredentialProvider credentials;
  private final BearerTokenClient tokenClient;
  private final TokenCache tokenCache;
  private final Set<String> basicAuthHosts = ConcurrentHashMap.newKeySet();

  /**
   * Creates an interceptor.
   *
   * @param tokenHttpClient the client for token requests; it must not contain this interceptor
   */
  public RegistryAuthInterceptor(
      CredentialProvider credentials, OkHttpClient tokenHttpClient, String userAgent, Clock clock) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.tokenClient = new BearerTokenClient(tokenHttpClient, userAgent);
    this.tokenCache = new TokenCache(clock);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    AuthScope scope = request.tag(AuthScope.class);
    if (scope == null || !scope.matchesHost(request.url())) {
      return chain.proceed(request);
    }

    String knownAuthorization = knownAuthorization(scope);
    Response response = chain.proceed(withAuthorization(request, knownAuthorization));
    if (response.code() != 401 || !scope.matchesHost(response.request().url())) {
      return response;
    }

    String authorization = answerChallenge(scope, response);
    if (authorization == null) {
      return response;
    }
    response.close();
    log.debug("Retrying {} {} with credentials after a 401 challenge",
        request.method(), BearerTokenClient.redact(request.url()));
    return chain.proceed(withAuthorization(request, authorization));
  }

  /** Returns the Authorization value to send before any challenge, or null to go anonymous. */
  private String knownAuthorization(AuthScope scope) throws TokenRequestException {
    Optional<String> token = tokenCache.get(scope.apiHost(), List.of(scope.tokenScope()));
    if (token.isPresent()) {
      return "Bearer " + token.get();
    }
    if (basicAuthHosts.contains(scope.apiHost())) {
      return basicAuthorization(scope).orElse(null);
    }
    return null;
  }

  /**
   * Returns the Authorization value for the response's challenge, or null when no
   * challenge can be met (no Bearer or Basic challenge, or Basic without credentials).
   */
  private String answerChallenge(AuthScope scope, Response response) throws TokenRequestException {
    List<AuthChallenge> challenges = parseChallenges(scope, response);
    Optional<AuthChallenge> bearer = challenges.stream().filter(AuthChallenge::isBearer).findFirst();
    if (bearer.isPresent()) {
      return "Bearer " + fetchToken(scope, response, bearer.get());
    }
    if (challenges.stream().anyMatch(AuthChallenge::isBasic)) {
      Optional<String> basic = basicAuthorization(scope);
      basic.ifPresent(value -> basicAuthHosts.add(scope.apiHost()));
      return basic.orElse(null);
    }
    log.debug("Registry {} returned 401 without a Bearer or Basic challenge", scope.registry());
    return null;
  }

  private static List<AuthChallenge> parseChallenges(AuthScope scope, Response response)
      throws TokenRequestException {
    try {
      return WwwAuthenticateParser.parse(response.headers("WWW-Authenticate"));
    } catch (IllegalArgumentException e) {
      throw new TokenRequestException(
          scope.registry(), 0,
          "registry " + scope.registry() + " sent an " + e.getMessage(), e);
    }
  }

  private String fetchToken(AuthScope scope, Response response, AuthChallenge challenge)
      throws TokenRequestException {
    List<String> scopes = new ArrayList<>();
    scopes.add(scope.tokenScope());
    for (String extra : challenge.scopes()) {
      if (!scopes.contains(extra)) {
        scopes.add(extra);
      }
    }

    BearerTokenClient.Token token = tokenClient.fetch(
        scope.registry(),
        response.request().url(),
        challenge,
        scopes,
        lookUpCredentials(scope));
    tokenCache.put(scope.apiHost(), List.of(scope.tokenScope()), token.value(), token.lifetime());
    return token.value();
  }

  private Optional<String> basicAuthorization(AuthScope scope) throws TokenRequestException {
    return lookUpCredentials(scope)
        .filter(credential -> !credential.isIdentityToken())
        .map(credential -> Credentials.basic(credential.username(), credential.secret()));
  }

  /**
   * Returns the registry's credentials. A failed lookup fails the request: with an I/O cause
   * when it may succeed later, so that callers retry, and without one when it will not.
   */
  private Optional<Credential> lookUpCredentials(AuthScope scope) throws TokenRequestException {
    try {
      return credentials.credentialsFor(scope.registry());
    } catch (CredentialLookupException e) {
      IOException cause = e.transientFailure() ? new IOException(e.getMessage(), e) : null;
      TokenRequestException failure =
          new TokenRequestException(scope.registry(), 0, e.getMessage(), cause);
      if (cause == null) {
        failure.addSuppressed(e);
      }
      throw failure;
    }
  }

  private static Request withAuthorization(Request request, String authorization) {
    if (authorization == null) {
      return request;
    }
    return request.newBuilder().header("Authorization", authorization).build();
  }
}
