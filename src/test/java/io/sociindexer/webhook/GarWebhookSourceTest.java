package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payloads follow Google's "Configure Pub/Sub notifications" page of Artifact Registry (the {@code
 * action}, {@code digest} and {@code tag} fields) inside the push envelope of the Pub/Sub "Push
 * subscriptions" page ({@code message.data} in base64, {@code messageId}, {@code publishTime},
 * {@code subscription}). Tokens carry the claims of the example on Pub/Sub's "Authentication for
 * push subscriptions" page and are signed with a key pair made here.
 */
class GarWebhookSourceTest {

  static final String DIGEST =
      "sha256:6ec128e26cd5bc6ceb5f8f6e1a8a4db8e3e36d5b44ef8b6b1d1a9b0d7b1f2a3c";
  static final String IMAGE = "us-east1-docker.pkg.dev/my-project/my-repo/hello-world";
  static final String AUDIENCE = "https://soci-indexer.example/webhooks/gar";
  static final String EMAIL = "pubsub-push@my-project.iam.gserviceaccount.com";
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  static KeyPair keys;
  static KeyPair otherKeys;

  @TempDir Path temp;

  GarSourceProperties properties = new GarSourceProperties();
  JsonMapper json = JsonMapper.builder().build();

  @BeforeAll
  static void generateKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    otherKeys = generator.generateKeyPair();
  }

  GarWebhookSource source() {
    return new GarWebhookSource(properties, json, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  void configureOidc() throws IOException {
    properties.setAudience(AUDIENCE);
    properties.setServiceAccountEmail(EMAIL);
    properties.setJwksPath(writeJwks("key-1", keys).toString());
  }

  Path writeJwks(String keyId, KeyPair pair) throws IOException {
    RSAPublicKey key = (RSAPublicKey) pair.getPublic();
    String jwks =
        """
        {"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"%s","n":"%s","e":"%s"}]}
        """
            .formatted(keyId, base64Url(key.getModulus()), base64Url(key.getPublicExponent()));
    Path path = temp.resolve("jwks.json");
    Files.writeString(path, jwks);
    return path;
  }

  static String base64Url(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return base64Url(bytes);
  }

  static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String claims(String audience, String email, Instant expiry) {
    return """
    {"aud":"%s","azp":"113774264463038321964","email":"%s","email_verified":true,
     "exp":%d,"iat":%d,"iss":"https://accounts.google.com","sub":"113774264463038321964"}
    """
        .formatted(
            audience, email, expiry.getEpochSecond(), expiry.minusSeconds(3600).getEpochSecond());
  }

  static String jwt(String keyId, KeyPair pair, String claims) throws GeneralSecurityException {
    String header = "{\"alg\":\"RS256\",\"kid\":\"" + keyId + "\",\"typ\":\"JWT\"}";
    String signingInput =
        base64Url(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + base64Url(claims.getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(pair.getPrivate());
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + base64Url(signer.sign());
  }

  static String validToken() throws GeneralSecurityException {
    return jwt("key-1", keys, claims(AUDIENCE, EMAIL, NOW.plusSeconds(3000)));
  }

  static String pushBody(String data) {
    String encoded = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
    return """
    {"message":{"attributes":{},"data":"%s","messageId":"2070443601311540",
     "message_id":"2070443601311540","publishTime":"2026-03-01T11:59:58.123Z",
     "publish_time":"2026-03-01T11:59:58.123Z"},
     "subscription":"projects/my-project/subscriptions/soci-indexer"}
    """
        .formatted(encoded);
  }

  static String insert(String digest, String tag) {
    StringBuilder data = new StringBuilder("{\"action\":\"INSERT\"");
    if (digest != null) {
      data.append(",\"digest\":\"").append(digest).append('"');
    }
    if (tag != null) {
      data.append(",\"tag\":\"").append(tag).append('"');
    }
    return data.append('}').toString();
  }

  static WebhookRequest request(
      String body, Map<String, List<String>> headers, Map<String, List<String>> query) {
    return new WebhookRequest(
        body.getBytes(StandardCharsets.UTF_8), headers, query, "application/json");
  }

  static WebhookRequest request(String body) {
    return request(body, Map.of(), Map.of());
  }

  static WebhookRequest bearer(String token) {
    return request("{}", Map.of("authorization", List.of("Bearer " + token)), Map.of());
  }

  @Test
  void taggedPushMapped() throws IOException {
    String body = pushBody(insert(IMAGE + "@" + DIGEST, IMAGE + ":1.0"));

    var mapping = source().map(request(body));

    assertThat(mapping.ignored()).isEmpty();
    assertThat(mapping.images())
        .containsExactly(
            new WebhookSource.SourceImage(
                "2070443601311540",
                new ImageTarget(
                    "us-east1-docker.pkg.dev",
                    "my-project/my-repo/hello-world",
                    "1.0",
                    Digest.parse(DIGEST))));
  }

  @Test
  void digestOnlyPushMapped() {
    var mapping = source().map(request(pushBody(insert(IMAGE + "@" + DIGEST, null))));

    ImageTarget target = mapping.images().getFirst().target();
    assertThat(target.tag()).isNull();
    assertThat(target.digest()).isEqualTo(Digest.parse(DIGEST));
  }

  @Test
  void tagOnlyPushHasNoDigest() {
    var mapping = source().map(request(pushBody(insert(null, IMAGE + ":1.0"))));

    ImageTarget target = mapping.images().getFirst().target();
    assertThat(target.tag()).isEqualTo("1.0");
    assertThat(target.digest()).isNull();
  }

  @Test
  void unwrappedPayloadMapped() {
    var headers = Map.of(GarWebhookSource.MESSAGE_ID_HEADER, List.of("42"));

    var mapping =
        source().map(request(insert(IMAGE + "@" + DIGEST, IMAGE + ":2.0"), headers, Map.of()));

    assertThat(mapping.images())
        .singleElement()
        .satisfies(image -> assertThat(image.event()).isEqualTo("42"));
  }

  @Test
  void deleteIgnored() {
    String data = "{\"action\":\"DELETE\",\"tag\":\"" + IMAGE + ":1.0\"}";

    var mapping = source().map(request(pushBody(data)));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored())
        .containsExactly(new IgnoredEvent("2070443601311540", "not an upload: action is DELETE"));
  }

  @Test
  void mismatchedNamesIgnored() {
    String other = "us-east1-docker.pkg.dev/my-project/my-repo/other";

    var mapping = source().map(request(pushBody(insert(IMAGE + "@" + DIGEST, other + ":1.0"))));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason()).contains("name different images");
  }

  @Test
  void invalidDataRejected() {
    String body = "{\"message\":{\"data\":\"%%%\",\"messageId\":\"1\"}}";

    assertThatThrownBy(() -> source().map(request(body)))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("message.data is not base64");
  }

  @Test
  void missingActionRejected() {
    assertThatThrownBy(() -> source().map(request(pushBody("{\"digest\":\"x\"}"))))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("action is missing");
  }

  @Test
  void malformedJsonRejected() {
    assertThatThrownBy(() -> source().map(request("{\"message\":")))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("the JSON ends early at line 1, column")
        .hasMessageNotContaining("REDACTED");
  }

  @Test
  void authenticateAcceptsValidToken() throws Exception {
    configureOidc();

    assertThatCode(() -> source().authenticate(bearer(validToken()))).doesNotThrowAnyException();
  }

  @Test
  void authenticateAcceptsPemKey() throws Exception {
    properties.setAudience(AUDIENCE);
    properties.setServiceAccountEmail(EMAIL);
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    properties.setPublicKeys(List.of(pem));

    assertThatCode(() -> source().authenticate(bearer(validToken()))).doesNotThrowAnyException();
  }

  @Test
  void authenticateRejectsOtherKey() throws Exception {
    configureOidc();
    String token = jwt("key-1", otherKeys, claims(AUDIENCE, EMAIL, NOW.plusSeconds(3000)));

    assertThatThrownBy(() -> source().authenticate(bearer(token)))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("signature matches no configured Google key");
  }

  @Test
  void authenticateRejectsWrongAudience() throws Exception {
    configureOidc();
    String token =
        jwt("key-1", keys, claims("https://other.example", EMAIL, NOW.plusSeconds(3000)));

    assertThatThrownBy(() -> source().authenticate(bearer(token)))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("aud");
  }

  @Test
  void authenticateRejectsWrongEmail() throws Exception {
    configureOidc();
    String token = jwt("key-1", keys, claims(AUDIENCE, "other@example.com", NOW.plusSeconds(3000)));

    assertThatThrownBy(() -> source().authenticate(bearer(token)))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("email is other@example.com");
  }

  @Test
  void authenticateRejectsExpiredToken() throws Exception {
    configureOidc();
    String token = jwt("key-1", keys, claims(AUDIENCE, EMAIL, NOW.minusSeconds(120)));

    assertThatThrownBy(() -> source().authenticate(bearer(token)))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void authenticateRejectsWrongIssuer() throws Exception {
    configureOidc();
    String claims =
        claims(AUDIENCE, EMAIL, NOW.plusSeconds(3000))
            .replace("https://accounts.google.com", "https://evil.example");

    assertThatThrownBy(() -> source().authenticate(bearer(jwt("key-1", keys, claims))))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("iss is https://evil.example");
  }

  @Test
  void authenticateRejectsUnsignedToken() throws Exception {
    configureOidc();
    String header = base64Url("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    String body =
        base64Url(claims(AUDIENCE, EMAIL, NOW.plusSeconds(3000)).getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> source().authenticate(bearer(header + "." + body + ".")))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("expected RS256");
  }

  @Test
  void authenticateRejectsGarbageToken() throws Exception {
    configureOidc();

    assertThatThrownBy(() -> source().authenticate(bearer("not-a-jwt")))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessage("invalid bearer token: not a JWT");
  }

  @Test
  void rotatedJwksFileReloaded() throws Exception {
    configureOidc();
    GarWebhookSource source = source();
    String rotated = jwt("key-2", otherKeys, claims(AUDIENCE, EMAIL, NOW.plusSeconds(3000)));

    Path path = writeJwks("key-2", otherKeys);
    Files.setLastModifiedTime(path, FileTime.from(Instant.now().plusSeconds(10)));

    assertThatCode(() -> source.authenticate(bearer(rotated))).doesNotThrowAnyException();
  }

  @Test
  void missingJwksFileFailsStartup() {
    properties.setJwksPath(temp.resolve("absent.json").toString());

    assertThatThrownBy(this::source)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("jwks-path");
  }

  @Test
  void authenticateAcceptsQueryToken() {
    properties.setToken("push-token");
    var request = request("{}", Map.of(), Map.of("token", List.of("push-token")));

    assertThatCode(() -> source().authenticate(request)).doesNotThrowAnyException();
  }

  @Test
  void authenticateRejectsWrongQueryToken() {
    properties.setToken("push-token");
    var request = request("{}", Map.of(), Map.of("token", List.of("guess")));

    assertThatThrownBy(() -> source().authenticate(request))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessage("wrong value in query parameter token");
  }

  @Test
  void authenticateRejectsMissingCredentials() throws IOException {
    configureOidc();

    assertThatThrownBy(() -> source().authenticate(request("{}")))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageStartingWith("missing credentials");
  }

  @Test
  void authenticateRejectsWhenUnconfigured() {
    var headers = new HashMap<String, List<String>>();

    assertThatThrownBy(() -> source().authenticate(request("{}", headers, Map.of())))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("rejects every delivery");
  }
}
