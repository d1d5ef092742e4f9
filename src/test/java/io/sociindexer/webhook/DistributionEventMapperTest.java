package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.oci.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistributionEventMapperTest {

  static final String DIGEST =
      "sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  static DistributionEnvelope.Event push(String mediaType, String tag, String host, String url) {
    return new DistributionEnvelope.Event(
        "e1",
        "push",
        new DistributionEnvelope.Target(mediaType, DIGEST, "app", url, tag),
        host == null ? null : new DistributionEnvelope.Request(host));
  }

  static DistributionEventMapper.Mapping map(
      DistributionEventMapper mapper, DistributionEnvelope.Event event) {
    return mapper.map(new DistributionEnvelope(List.of(event)));
  }

  DistributionEventMapper defaults = new DistributionEventMapper("-soci", false, false);

  @Test
  void taggedIndexPushAccepted() {
    var mapping = map(defaults, push(OCI_INDEX, "1.0", "registry.example:5000", null));

    assertThat(mapping.ignored()).isEmpty();
    assertThat(mapping.accepted())
        .containsExactly(
            new DistributionEventMapper.Accepted(
                "e1", new ImageTarget("registry.example:5000", "app", "1.0", Digest.parse(DIGEST))));
  }

  @Test
  void untaggedAcceptedWhenEnabled() {
    var mapper = new DistributionEventMapper("-soci", false, true);

    var mapping = map(mapper, push(OCI_INDEX, null, "registry.example", null));

    assertThat(mapping.accepted()).singleElement()
        .satisfies(accepted -> assertThat(accepted.target().tag()).isNull());
  }

  @Test
  void suffixTagIgnoredUnlessInPlace() {
    var event = push(OCI_INDEX, "1.0-soci", "registry.example", null);

    assertThat(map(defaults, event).ignored()).singleElement()
        .satisfies(ignored -> assertThat(ignored.reason()).startsWith("output of soci-indexer"));
    var inPlace = new DistributionEventMapper("-soci", true, false);
    assertThat(map(inPlace, event).accepted()).hasSize(1);
  }

  @Test
  void untaggedOutputTagIgnored() {
    String outputTag = Digest.parse(DIGEST).toTagForm() + "-soci";

    var mapping = map(defaults, push(OCI_INDEX, outputTag, "registry.example", null));

    assertThat(mapping.accepted()).isEmpty();
  }

  @Test
  void manifestUrlDecidesWithoutMediaType() {
    String manifestUrl = "https://registry.example/v2/app/manifests/" + DIGEST;
    String blobUrl = "https://registry.example/v2/app/blobs/" + DIGEST;

    assertThat(map(defaults, push(null, "1.0", "registry.example", manifestUrl)).accepted())
        .hasSize(1);
    assertThat(map(defaults, push("", "1.0", "registry.example", blobUrl)).ignored()).hasSize(1);
  }

  @Test
  void otherManifestTypeIgnored() {
    String schema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    var mapping = map(defaults, push(schema1, "1.0", "registry.example", null));

    assertThat(mapping.ignored()).singleElement()
        .satisfies(ignored -> assertThat(ignored.reason()).contains(schema1));
  }

  @Test
  void registryFromUrlWithoutRequestHost() {
    String url = "http://10.0.0.7:5000/v2/app/manifests/" + DIGEST;

    var mapping = map(defaults, push(OCI_INDEX, "1.0", null, url));

    assertThat(mapping.accepted()).singleElement()
        .satisfies(accepted -> assertThat(accepted.target().registry()).isEqualTo("10.0.0.7:5000"));
  }

  @Test
  void registryUnknownRejected() {
    assertThatThrownBy(() -> map(defaults, push(OCI_INDEX, "1.0", "", null)))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("events[0].request.host is missing");
  }

  @Test
  void eventWithoutIdNamedByPosition() {
    var event =
        new DistributionEnvelope.Event(
            null, "pull", new DistributionEnvelope.Target(OCI_INDEX, DIGEST, "app", null, "1.0"), null);

    var mapping = map(defaults, event);

    assertThat(mapping.ignored()).containsExactly(
        new IgnoredEvent("events[0]", "not a push: action is pull"));
  }

  @Test
  void signatureTagIgnored() {
    var event =
        push(OCI_INDEX, "sha256-" + DIGEST.substring("sha256:".length()) + ".sig", "r.example", null);

    assertThat(map(defaults, event).ignored()).singleElement()
        .satisfies(ignored -> assertThat(ignored.reason()).startsWith("signature or referrers tag"));
  }
}
