package io.sociindexer.soci;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferrersTagTest {

  private static final Digest SUBJECT = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));

  private static SociIndexManifest soci() {
    Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(new byte[] {7}), 20);
    ZtocLayer ztoc = new ZtocLayer(layer, new byte[] {1, 2, 3}, 4 << 20);
    Descriptor subject = Descriptor.of(MediaType.OCI_MANIFEST, SUBJECT, 500);
    return SociIndexV2.buildV1(List.of(ztoc), subject, SociIndexV2.DEFAULT_BUILD_TOOL_IDENTIFIER);
  }

  @Test
  void tagForDigest() {
    assertThat(ReferrersTag.tagFor(SUBJECT)).isEqualTo("sha256-" + SUBJECT.hex());
  }

  @Test
  void referrerDescriptorOfSociIndex() {
    SociIndexManifest soci = soci();

    Descriptor descriptor = ReferrersTag.referrerDescriptor(soci.manifest());

    assertThat(descriptor.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(descriptor.digest()).isEqualTo(soci.digest());
    assertThat(descriptor.size()).isEqualTo(soci.bytes().length);
    assertThat(descriptor.artifactType()).isEqualTo(MediaType.SOCI_INDEX_V1.value());
    assertThat(descriptor.annotations())
        .containsExactlyEntriesOf(soci.manifest().annotations());
  }

  @Test
  void withReferrerCreatesIndex() {
    Descriptor referrer = ReferrersTag.referrerDescriptor(soci().manifest());

    ImageIndex index = ReferrersTag.withReferrer(null, referrer);

    assertThat(new String(index.raw(), StandardCharsets.UTF_8))
        .startsWith("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"");
    assertThat(index.manifests()).containsExactly(referrer);
  }

  @Test
  void withReferrerKeepsOthersAndDedupes() {
    Descriptor other = Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[] {9}), 9)
        .withArtifactType("application/example");
    ImageIndex existing = ImageIndex.of(null, List.of(other), null);
    Descriptor referrer = ReferrersTag.referrerDescriptor(soci().manifest());

    ImageIndex once = ReferrersTag.withReferrer(existing, referrer);
    ImageIndex twice = ReferrersTag.withReferrer(once, referrer);

    assertThat(once.manifests()).containsExactly(other, referrer);
    assertThat(once.mediaType()).isEqualTo(MediaType.OCI_INDEX);
    assertThat(twice).isSameAs(once);
  }
}
