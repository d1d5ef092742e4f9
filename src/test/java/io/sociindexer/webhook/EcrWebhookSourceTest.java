package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fixtures: {@code ecr-image-push.json} is the "Event for a completed image push" sample of the
 * Amazon ECR user guide (page "Amazon ECR events and EventBridge"), with a full-length digest and
 * the {@code manifest-media-type} and {@code artifact-media-type} fields that the EventBridge
 * schema of {@code ECR Image Action} lists. The two SNS files follow the HTTP/HTTPS notification
 * and subscription confirmation JSON of the Amazon SNS developer guide, with the push event as the
 * {@code Message}.
 */
class EcrWebhookSourceTest {

  static final String DIGEST =
      "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678";
  static final String REGISTRY = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
  static final ImageTarget PUSHED =
      new ImageTarget(REGISTRY, "my-repository-name", "latest", Digest.parse(DIGEST));

  EcrSourceProperties properties = new EcrSourceProperties();
  EcrWebhookSource source = new EcrWebhookSource(properties, JsonMapper.builder().build());

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = EcrWebhookSourceTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  static WebhookRequest request(byte[] body, Map<String, List<String>> headers) {
    return new WebhookRequest(body, headers, Map.of(), "application/json");
  }

  static WebhookRequest request(String body) {
    return request(body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static String event(String detailType, String detail) {
    return """
    {"version":"0","id":"e1","detail-type":"%s","source":"aws.ecr",
     "account":"123456789012","time":"2024-01-01T00:00:00Z","region":"%s",
     "resources":[],"detail":%s}
    """
        .formatted(detailType, "us-west-2", detail);
  }

  static String pushDetail(String tag) {
    return """
    {"result":"SUCCESS","repository-name":"team/app","image-digest":"%s",
     "action-type":"PUSH"%s}
    """
        .formatted(DIGEST, tag == null ? "" : ",\"image-tag\":\"" + tag + "\"");
  }

  @Test
  void eventBridgePushMapped() throws IOException {
    var mapping = source.map(request(fixture("ecr-image-push.json"), Map.of()));

    assertThat(mapping.ignored()).isEmpty();
    assertThat(mapping.images())
        .containsExactly(
            new WebhookSource.SourceImage("13cde686-328b-6117-af20-0e5566167482", PUSHED));
  }

  @Test
  void snsNotificationMapped() throws IOException {
    var mapping = source.map(request(fixture("ecr-sns-notification.json"), Map.of()));

    assertThat(mapping.images())
        .extracting(WebhookSource.SourceImage::target)
        .containsExactly(PUSHED);
  }

  @Test
  void batchArrayMapped() throws IOException {
    String one = new String(fixture("ecr-image-push.json"), StandardCharsets.UTF_8);
    String two = event(EcrWebhookSource.IMAGE_ACTION, pushDetail("2.0"));

    var mapping = source.map(request("[" + one + "," + two + "]"));

    assertThat(mapping.images()).hasSize(2);
    assertThat(mapping.images().get(1).target().repository()).isEqualTo("team/app");
    assertThat(mapping.images().get(1).target().tag()).isEqualTo("2.0");
  }

  @Test
  void untaggedPushHasDigestOnly() {
    var mapping = source.map(request(event(EcrWebhookSource.IMAGE_ACTION, pushDetail(null))));

    ImageTarget target = mapping.images().getFirst().target();
    assertThat(target.tag()).isNull();
    assertThat(target.digest()).isEqualTo(Digest.parse(DIGEST));
  }

  @Test
  void emptyTagHasDigestOnly() {
    var mapping = source.map(request(event(EcrWebhookSource.IMAGE_ACTION, pushDetail(""))));

    assertThat(mapping.images().getFirst().target().tag()).isNull();
  }

  @Test
  void chinaRegionGetsCnSuffix() {
    String body =
        event(EcrWebhookSource.IMAGE_ACTION, pushDetail("1")).replace("us-west-2", "cn-north-1");

    var mapping = source.map(request(body));

    assertThat(mapping.images().getFirst().target().registry())
        .isEqualTo("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn");
  }

  @Test
  void deleteIgnored() {
    String detail = pushDetail("1").replace("\"PUSH\"", "\"DELETE\"");

    var mapping = source.map(request(event(EcrWebhookSource.IMAGE_ACTION, detail)));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored())
        .containsExactly(new IgnoredEvent("e1", "not a push: action-type is DELETE"));
  }

  @Test
  void failedPushIgnored() {
    String detail = pushDetail("1").replace("\"SUCCESS\"", "\"FAILURE\"");

    var mapping = source.map(request(event(EcrWebhookSource.IMAGE_ACTION, detail)));

    assertThat(mapping.ignored().getFirst().reason())
        .isEqualTo("push did not succeed: result is FAILURE");
  }

  @Test
  void referrerActionIgnored() {
    var mapping = source.map(request(event("ECR Referrer Action", pushDetail("1"))));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason())
        .isEqualTo("not an image action: detail-type is ECR Referrer Action");
  }

  @Test
  void signatureArtifactIgnored() {
    String detail =
        pushDetail("sha256-abc.sig")
            .replace(
                "\"action-type\"",
                "\"manifest-media-type\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"artifact-media-type\":\"application/vnd.dev.cosign.artifact.sig.v1+json\","
                    + "\"action-type\"");

    var mapping = source.map(request(event(EcrWebhookSource.IMAGE_ACTION, detail)));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason()).startsWith("not a container image");
  }

  @Test
  void indexAcceptedWithoutArtifactType() {
    String detail =
        pushDetail("1")
            .replace(
                "\"action-type\"",
                "\"manifest-media-type\":\"application/vnd.oci.image.index.v1+json\","
                    + "\"action-type\"");

    var mapping = source.map(request(event(EcrWebhookSource.IMAGE_ACTION, detail)));

    assertThat(mapping.images()).hasSize(1);
  }

  @Test
  void invalidAccountIgnored() {
    String body =
        event(EcrWebhookSource.IMAGE_ACTION, pushDetail("1")).replace("123456789012", "evil.host");

    var mapping = source.map(request(body));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason()).contains("invalid AWS account 'evil.host'");
  }

  @Test
  void subscriptionConfirmationIgnored() throws IOException {
    var mapping = source.map(request(fixture("ecr-sns-subscription-confirmation.json"), Map.of()));

    assertThat(mapping.images()).isEmpty();
    assertThat(mapping.ignored().getFirst().reason()).startsWith("SNS subscription confirmation");
  }

  @Test
  void malformedJsonRejected() {
    assertThatThrownBy(() -> source.map(request("{\"detail-type\":")))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("the JSON ends early at line 1, column")
        .hasMessageNotContaining("REDACTED");
  }

  @Test
  void unknownShapeRejected() {
    assertThatThrownBy(() -> source.map(request("{\"events\":[]}")))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("neither an EventBridge event");
  }

  @Test
  void missingDigestRejected() {
    String detail = pushDetail("1").replace("\"image-digest\"", "\"other\"");

    assertThatThrownBy(() -> source.map(request(event(EcrWebhookSource.IMAGE_ACTION, detail))))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("body.detail.image-digest is missing");
  }

  @Test
  void authenticateAcceptsHeader() {
    properties.setHeaderName("x-api-key");
    properties.setHeaderValue("s3cret-key");

    var request = request(new byte[0], Map.of("x-api-key", List.of("s3cret-key")));

    assertThatCode(() -> source.authenticate(request)).doesNotThrowAnyException();
  }

  @Test
  void authenticateRejectsWrongHeader() {
    properties.setHeaderValue("s3cret-key");

    var request = request(new byte[0], Map.of("x-api-key", List.of("guess")));

    assertThatThrownBy(() -> source.authenticate(request))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessage("wrong value in header x-api-key")
        .hasMessageNotContaining("s3cret-key");
  }

  @Test
  void authenticateRejectsMissingHeader() {
    properties.setHeaderValue("s3cret-key");

    assertThatThrownBy(() -> source.authenticate(request("{}")))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageStartingWith("missing header x-api-key");
  }

  @Test
  void authenticateRejectsWhenUnconfigured() {
    var request = request(new byte[0], Map.of("x-api-key", List.of("")));

    assertThatThrownBy(() -> source.authenticate(request))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("header-value is not set");
  }

  @Test
  void authenticateOpenWhenAllowed() {
    properties.setAllowUnauthenticated(true);

    assertThatCode(() -> source.authenticate(request("{}"))).doesNotThrowAnyException();
  }
}
