package io.sociindexer.registry.auth;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches bearer tokens from a token realm as the distribution token specification describes:
 * {@code GET realm?service=…&scope=…} with Basic credentials when configured, or an OAuth2
 * {@code POST} with {@code grant_type=refresh_token} for docker identity tokens. Thread-safe.
 */
final class BearerTokenClient {

  private static final Logger log = LoggerFactory.getLogger(BearerTokenClient.class);

  /** Token responses are a few KiB; the cap keeps a hostile realm from filling memory. */
  private static final int MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

  /** The distribution token specification's default when {@code expires_in} is absent. */
  private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

  private static final String OAUTH_CLIENT_ID = "soci-indexer";

  private final OkHttpClient httpClient;
  private final String userAgent;

  BearerTokenClient(OkHttpClient httpClient, String userAgent) {
    this.httpClient = httpClient;
    this.userAgent = userAgent;
  }

  /** A token and the lifetime the realm reported for it. */
  record Token(String value, Duration lifetime) {

    @Override
    public String toString() {
      return "Token[value=<redacted>, lifetime=" + lifetime + "]";
    }
  }

  /**
   * Requests a token for {@code scopes} from the challenge's realm.
   *
   * @param registryUrl the URL of the request that was challenged; an https registry may not
   *     send credentials to an http realm
   * @throws TokenRequestException when the realm is invalid, rejects the request or returns no token
   */
  Token fetch(
      String registry,
      HttpUrl registryUrl,
      AuthChallenge challenge,
      List<String> scopes,
      Optional<Credential> credential)
      throws TokenRequestException {
    HttpUrl realm = validateRealm(registry, registryUrl, challenge.realm());
    Request request = credential.filter(Credential::isIdentityToken).isPresent()
        ? oauthRequest(realm, challenge.service(), scopes, credential.get())
        : getRequest(realm, challenge.service(), scopes, credential);
    log.debug("Requesting a bearer token from {} for scopes {}", redact(realm), scopes);

    try (Response response = httpClient.newCall(request).execute()) {
      byte[] body = readCapped(registry, realm, response.body());
      if (!response.isSuccessful()) {
        throw new TokenRequestException(
            registry,
            response.code(),
            "token request to " + redact(realm) + " for registry " + registry + " failed: "
                + response.code() + " " + response.message() + describeError(body)
                + hint(credential),
            null);
      }
      return parseToken(registry, realm, body);
    } catch (TokenRequestException e) {
      throw e;
    } catch (IOException e) {
      throw new TokenRequestException(
          registry,
          0,
          "token request to " + redact(realm) + " for registry " + registry + " failed: " + e.getMessage(),
          e);
    }
  }

  private static HttpUrl validateRealm(String registry, HttpUrl registryUrl, String realmText)
      throws TokenRequestException {
    HttpUrl realm = realmText == null ? null : HttpUrl.parse(realmText);
    if (realm == null) {
      throw new TokenRequestException(
          registry, 0,
          "registry " + registry + " sent a Bearer challenge with a missing or invalid realm;"
              + " expected an http or https URL",
          null);
    }
    if (registryUrl.isHttps() && !realm.isHttps()) {
      throw new TokenRequestException(
          registry, 0,
          "registry " + registry + " sent a plain http token realm " + redact(realm)
              + " for an https registry; credentials are not sent over plain http",
          null);
    }
    return realm;
  }

  private Request getRequest(
      HttpUrl realm, String service, List<String> scopes, Optional<Credential> credential) {
    HttpUrl.Builder url = realm.newBuilder();
    if (service != null) {
      url.addQueryParameter("service", service);
    }
    for (String scope : scopes) {
      url.addQueryParameter("scope", scope);
    }
    Request.Builder request = new Request.Builder().url(url.build()).header("User-Agent", userAgent);
    credential.ifPresent(
        c -> request.header("Authorization", Credentials.basic(c.username(), c.secret())));
    return request.build();
  }

  private Request oauthRequest(
      HttpUrl realm, String service, List<String> scopes, Credential credential) {
    FormBody.Builder form = new FormBody.Builder()
        .add("grant_type", "refresh_token")
        .add("refresh_token", credential.secret())
        .add("client_id", OAUTH_CLIENT_ID)
        .add("scope", String.join(" ", scopes));
    if (service != null) {
      form.add("service", service);
    }
    return new Request.Builder()
        .url(realm)
        .header("User-Agent", userAgent)
        .post(form.build())
        .build();
  }

  private static byte[] readCapped(String registry, HttpUrl realm, ResponseBody body)
      throws IOException {
    try (InputStream in = body.byteStream()) {
      byte[] bytes = in.readNBytes(MAX_TOKEN_RESPONSE_BYTES + 1);
      if (bytes.length > MAX_TOKEN_RESPONSE_BYTES) {
        throw new TokenRequestException(
            registry, 0,
            "token response from " + redact(realm) + " is larger than the "
                + MAX_TOKEN_RESPONSE_BYTES + "-byte limit",
            null);
      }
      return bytes;
    }
  }

  private static Token parseToken(String registry, HttpUrl realm, byte[] body)
      throws TokenRequestException {
    JsonNode json;
    try {
      json = JsonMapper.shared().readTree(body);
    } catch (JacksonException e) {
      throw new TokenRequestException(
          registry, 200, "token response from " + redact(realm) + " is not valid JSON", null);
    }
    String token = nonEmptyString(json, "token");
    if (token == null) {
      token = nonEmptyString(json, "access_token");
    }
    if (token == null) {
      throw new TokenRequestException(
          registry, 200,
          "token response from " + redact(realm) + " has neither 'token' nor 'access_token'",
          null);
    }
    long expiresIn = json.path("expires_in").asLong(0);
    Duration lifetime = expiresIn > 0 ? Duration.ofSeconds(expiresIn) : DEFAULT_LIFETIME;
    return new Token(token, lifetime);
  }

  private static String nonEmptyString(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node != null && node.isString() && !node.stringValue().isEmpty()
        ? node.stringValue()
        : null;
  }

  /** Returns the first error of a token error body, which contains no token. */
  private static String describeError(byte[] body) {
    try {
      JsonNode json = JsonMapper.shared().readTree(body);
      JsonNode first = json.path("errors").path(0);
      String code = first.path("code").asString("");
      String message = first.path("message").asString("");
      if (code.isEmpty() && message.isEmpty()) {
        code = json.path("error").asString("");
        message = json.path("error_description").asString(json.path("details").asString(""));
      }
      String text = (code + (code.isEmpty() || message.isEmpty() ? "" : ": ") + message).strip();
      return text.isEmpty() ? "" : " " + text;
    } catch (JacksonException | IllegalArgumentException e) {
      return "";
    }
  }

  private static String hint(Optional<Credential> credential) {
    return credential.isPresent()
        ? "; check the credentials configured for user " + credential.get().username()
        : "; no credentials are configured for this registry";
  }

  /** Returns the URL without query and fragment, which may carry signatures or secrets. */
  static String redact(HttpUrl url) {
    return url.newBuilder().query(null).fragment(null).username("").password("").build().toString();
  }
}
