package io.sociindexer.registry.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * A token server for the distribution token authentication flow, for tests. It listens on
 * 127.0.0.1, checks Basic credentials and returns a JWT signed with ES256 whose header carries the
 * signing certificate in {@code x5c}. The key pair and self-signed certificate come from {@code
 * keytool}; {@link #rootCertificateBundle()} is the PEM file the registry trusts.
 *
 * <p>The token shape follows distribution v2.8 {@code registry/auth/token/token.go}: claims {@code
 * iss}, {@code sub}, {@code aud} (a string, the registry's service name), {@code exp}, {@code
 * nbf}, {@code iat}, {@code jti} and {@code access} (type, name, actions); the registry checks
 * issuer, audience, expiry with 60 s leeway, the x5c chain against its {@code rootcertbundle}, and
 * the signature. Every requested action is granted.
 */
final class TokenIssuer implements AutoCloseable {

  static final String SERVICE = "soci-test-registry";
  static final String ISSUER = "soci-test-issuer";

  private static final String STORE_PASSWORD = "changeit";

  private final HttpServer server;
  private final Path directory;
  private final PrivateKey key;
  private final String certificateBase64;
  private final String username;
  private final String password;
  private final List<String> requestQueries = new CopyOnWriteArrayList<>();
  private final List<String> issuedTokens = new CopyOnWriteArrayList<>();
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicInteger expiredTokensToIssue = new AtomicInteger();
  private volatile long expiresInSeconds = 300;

  private TokenIssuer(Path directory, PrivateKey key, Certificate certificate, String username,
      String password) throws IOException, GeneralSecurityException {
    this.directory = directory;
    this.key = key;
    this.certificateBase64 = Base64.getEncoder().encodeToString(certificate.getEncoded());
    this.username = username;
    this.password = password;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::handle);
    server.start();
  }

  /** Generates a key pair with keytool in a temporary directory and starts the server. */
  static TokenIssuer start(String username, String password)
      throws IOException, InterruptedException, GeneralSecurityException {
    Path directory = Files.createTempDirectory("soci-token-issuer");
    Path keyStore = directory.resolve("issuer.p12");
    keytool("-genkeypair", "-alias", "issuer", "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-dname", "CN=soci-test-issuer", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(),
        "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "issuer", "-keystore", keyStore.toString(),
        "-storepass", STORE_PASSWORD, "-file", directory.resolve("root.pem").toString());

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, STORE_PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey("issuer", STORE_PASSWORD.toCharArray());
    return new TokenIssuer(directory, key, store.getCertificate("issuer"), username, password);
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + arguments[0] + " failed: "
          + new String(output, StandardCharsets.UTF_8));
    }
  }

  /** Returns the realm URL for the registry's {@code auth.token.realm}. */
  String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  Path rootCertificateBundle() {
    return directory.resolve("root.pem");
  }

  /** Returns the number of token requests received, successful or not. */
  int hits() {
    return hits.get();
  }

  /** Returns the query string of each token request, in order. */
  List<String> requestQueries() {
    return List.copyOf(requestQueries);
  }

  /** Returns every token issued so far, for checks that they appear nowhere. */
  List<String> issuedTokens() {
    return List.copyOf(issuedTokens);
  }

  /** Sets the {@code expires_in} of the following token responses. */
  void expiresInSeconds(long seconds) {
    this.expiresInSeconds = seconds;
  }

  /**
   * Makes the next {@code count} tokens expired for the registry (their {@code exp} lies beyond
   * the registry's 60 s leeway) while {@code expires_in} still promises the usual lifetime.
   */
  void issueExpiredTokens(int count) {
    expiredTokensToIssue.set(count);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      hits.incrementAndGet();
      String query = exchange.getRequestURI().getRawQuery();
      requestQueries.add(query == null ? "" : query);

      String expected = "Basic " + Base64.getEncoder().encodeToString(
          (username + ":" + password).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        send(exchange, 401,
            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid username or password\"}]}");
        return;
      }

      boolean expired = expiredTokensToIssue.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
      String token = sign(scopes(query), expired);
      issuedTokens.add(token);
      long lifetime = expiresInSeconds;
      send(exchange, 200, JsonMapper.shared().writeValueAsString(Map.of(
          "token", token, "access_token", token, "expires_in", lifetime,
          "issued_at", Instant.now().toString())));
    } catch (GeneralSecurityException e) {
      throw new IOException("signing the test token failed", e);
    }
  }

  private static List<String> scopes(String query) {
    List<String> scopes = new ArrayList<>();
    if (query == null) {
      return scopes;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("scope=")) {
        scopes.add(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
      }
    }
    return scopes;
  }

  private String sign(List<String> scopes, boolean expired) throws GeneralSecurityException {
    long now = Instant.now().getEpochSecond();
    long expiry = expired ? now - 600 : now + 600;
    List<Map<String, Object>> access = new ArrayList<>();
    for (String scope : scopes) {
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      access.add(Map.of(
          "type", scope.substring(0, first),
          "name", scope.substring(first + 1, last),
          "actions", List.of(scope.substring(last + 1).split(","))));
    }
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("typ", "JWT");
    header.put("alg", "ES256");
    header.put("x5c", List.of(certificateBase64));
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISSUER);
    claims.put("sub", username);
    claims.put("aud", SERVICE);
    claims.put("exp", expiry);
    claims.put("nbf", now - 1200);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("access", access);

    String signingInput = base64Url(JsonMapper.shared().writeValueAsBytes(header)) + "."
        + base64Url(JsonMapper.shared().writeValueAsBytes(claims));
    // JWS ES256 wants the raw r||s signature, which is the JDK's P1363 format.
    Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
    signature.initSign(key);
    signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + base64Url(signature.sign());
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
