package io.sociindexer.webhook;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies the Google-signed OIDC token that a Pub/Sub push subscription sends: an RS256 signature
 * by one of the configured keys, {@code iss} {@code accounts.google.com} or {@code
 * https://accounts.google.com}, the configured {@code aud} and {@code email}, {@code
 * email_verified} true, and {@code exp} not passed.
 *
 * <p>Keys come from {@link GarSourceProperties#getPublicKeys()} and from the JWKS file at {@link
 * GarSourceProperties#getJwksPath()}, which is read at construction and again whenever its
 * modification time changes. Nothing is fetched over the network.
 *
 * <p>Thread-safe: the JWKS cache is replaced as a whole under the instance lock.
 */
final class GarTokenVerifier {

  /** Accepted difference between this clock and Google's, an estimate of ordinary clock drift. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private static final Set<String> ISSUERS =
      Set.of("accounts.google.com", "https://accounts.google.com");
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  /** A signing key and its key id, which is null for PEM keys. */
  record Key(String id, PublicKey publicKey) {}

  private final GarSourceProperties properties;
  private final JsonMapper jsonMapper;
  private final Clock clock;
  private final List<Key> pemKeys;

  private FileTime jwksModified;
  private List<Key> jwksKeys = List.of();

  /**
   * @throws IllegalStateException when a configured PEM key or the JWKS file cannot be read, so
   *     that the service does not start with a source that rejects every delivery
   */
  GarTokenVerifier(GarSourceProperties properties, JsonMapper jsonMapper, Clock clock) {
    this.properties = properties;
    this.jsonMapper = jsonMapper;
    this.clock = clock;
    this.pemKeys = parsePemKeys(properties.getPublicKeys());
    if (!properties.getJwksPath().isBlank()) {
      try {
        jwksKeys();
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(
            "cannot read soci-indexer.webhook.sources.gar.jwks-path "
                + properties.getJwksPath()
                + ": "
                + e.getMessage()
                + "; mount a JWKS file with Google's signing keys there",
            e);
      }
    }
  }

  /** Returns whether an audience, a service account and at least one key source are configured. */
  boolean isConfigured() {
    return !properties.getAudience().isBlank()
        && !properties.getServiceAccountEmail().isBlank()
        && (!pemKeys.isEmpty() || !properties.getJwksPath().isBlank());
  }

  /**
   * Checks {@code token}. The exception message names the failed check and never contains the
   * token.
   */
  void verify(String token) throws WebhookAuthenticationException {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new WebhookAuthenticationException("invalid bearer token: not a JWT");
    }

    JsonNode header = decodeJson(parts[0], "header");
    JsonNode claims = decodeJson(parts[1], "claims");
    if (!"RS256".equals(text(header, "alg"))) {
      throw new WebhookAuthenticationException(
          "invalid bearer token: alg is " + text(header, "alg") + ", expected RS256");
    }

    checkSignature(parts, text(header, "kid"));
    checkClaims(claims);
  }

  private void checkSignature(String[] parts, String keyId) throws WebhookAuthenticationException {
    byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    byte[] signature = decode(parts[2], "signature");

    for (Key key : candidateKeys(keyId)) {
      if (verifies(key.publicKey(), signed, signature)) {
        return;
      }
    }
    throw new WebhookAuthenticationException(
        "invalid bearer token: the signature matches no configured Google key (kid "
            + keyId
            + "); refresh the JWKS file at soci-indexer.webhook.sources.gar.jwks-path");
  }

  private void checkClaims(JsonNode claims) throws WebhookAuthenticationException {
    String issuer = text(claims, "iss");
    if (!ISSUERS.contains(issuer == null ? "" : issuer)) {
      throw new WebhookAuthenticationException(
          "invalid bearer token: iss is " + issuer + ", expected https://accounts.google.com");
    }
    if (!audienceMatches(claims.path("aud"))) {
      throw new WebhookAuthenticationException(
          "invalid bearer token: aud is not soci-indexer.webhook.sources.gar.audience");
    }
    if (!properties.getServiceAccountEmail().equals(text(claims, "email"))) {
      throw new WebhookAuthenticationException(
          "invalid bearer token: email is "
              + text(claims, "email")
              + ", expected soci-indexer.webhook.sources.gar.service-account-email");
    }
    JsonNode emailVerified = claims.path("email_verified");
    if (!emailVerified.isBoolean() || !emailVerified.booleanValue()) {
      throw new WebhookAuthenticationException("invalid bearer token: email_verified is not true");
    }

    JsonNode expiry = claims.path("exp");
    long now = clock.instant().getEpochSecond();
    if (!expiry.isNumber() || expiry.asLong() + CLOCK_SKEW.toSeconds() < now) {
      throw new WebhookAuthenticationException("invalid bearer token: expired or without exp");
    }
  }

  private boolean audienceMatches(JsonNode audience) {
    String expected = properties.getAudience();
    if (audience.isString()) {
      return expected.equals(audience.stringValue());
    }
    if (audience.isArray()) {
      for (JsonNode value : audience) {
        if (value.isString() && expected.equals(value.stringValue())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Returns the keys whose id matches {@code keyId}, or every key when none does. */
  private List<Key> candidateKeys(String keyId) throws WebhookAuthenticationException {
    List<Key> all = new ArrayList<>(pemKeys);
    try {
      all.addAll(jwksKeys());
    } catch (IOException | RuntimeException e) {
      throw new WebhookAuthenticationException(
          "cannot check the bearer token: the JWKS file at"
              + " soci-indexer.webhook.sources.gar.jwks-path cannot be read: "
              + e.getMessage());
    }

    List<Key> matching = all.stream().filter(k -> k.id() != null && k.id().equals(keyId)).toList();
    return matching.isEmpty() ? all : matching;
  }

  private synchronized List<Key> jwksKeys() throws IOException {
    if (properties.getJwksPath().isBlank()) {
      return List.of();
    }

    Path path = Path.of(properties.getJwksPath());
    FileTime modified = Files.getLastModifiedTime(path);
    if (!modified.equals(jwksModified)) {
      jwksKeys = parseJwks(Files.readAllBytes(path));
      jwksModified = modified;
    }
    return jwksKeys;
  }

  private List<Key> parseJwks(byte[] json) {
    JsonNode keys = jsonMapper.readTree(json).path("keys");
    if (!keys.isArray()) {
      throw new IllegalArgumentException("the file has no \"keys\" array");
    }

    List<Key> parsed = new ArrayList<>();
    for (JsonNode key : keys) {
      if (!"RSA".equals(text(key, "kty"))) {
        continue;
      }
      BigInteger modulus = new BigInteger(1, Base64.getUrlDecoder().decode(text(key, "n")));
      BigInteger exponent = new BigInteger(1, Base64.getUrlDecoder().decode(text(key, "e")));
      parsed.add(new Key(text(key, "kid"), rsaKey(new RSAPublicKeySpec(modulus, exponent))));
    }
    return List.copyOf(parsed);
  }

  private static List<Key> parsePemKeys(List<String> pems) {
    List<Key> keys = new ArrayList<>();
    for (String pem : pems) {
      Matcher block = PEM_BLOCK.matcher(pem);
      if (!block.find()) {
        throw new IllegalStateException(
            "invalid soci-indexer.webhook.sources.gar.public-keys entry: expected a PEM"
                + " PUBLIC KEY or CERTIFICATE block");
      }
      do {
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        keys.add(new Key(null, pemKey(block.group(1), der)));
      } while (block.find());
    }
    return List.copyOf(keys);
  }

  private static PublicKey pemKey(String type, byte[] der) {
    try {
      return switch (type) {
        case "PUBLIC KEY" ->
            KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        case "CERTIFICATE" ->
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der))
                .getPublicKey();
        default ->
            throw new IllegalStateException(
                "invalid soci-indexer.webhook.sources.gar.public-keys entry: PEM type "
                    + type
                    + " is not PUBLIC KEY or CERTIFICATE");
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "invalid soci-indexer.webhook.sources.gar.public-keys entry: " + e.getMessage(), e);
    }
  }

  private static PublicKey rsaKey(RSAPublicKeySpec spec) {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(spec);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid RSA key: " + e.getMessage(), e);
    }
  }

  private static boolean verifies(PublicKey key, byte[] signed, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(signed);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private JsonNode decodeJson(String part, String name) throws WebhookAuthenticationException {
    try {
      JsonNode node = jsonMapper.readTree(decode(part, name));
      if (!node.isObject()) {
        throw new WebhookAuthenticationException(
            "invalid bearer token: " + name + " is not an object");
      }
      return node;
    } catch (JacksonException e) {
      throw new WebhookAuthenticationException("invalid bearer token: " + name + " is not JSON");
    }
  }

  private static byte[] decode(String part, String name) throws WebhookAuthenticationException {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new WebhookAuthenticationException(
          "invalid bearer token: " + name + " is not base64url");
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() ? value.stringValue() : null;
  }
}
