package io.sociindexer.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.soci.SociIndexV2;
import io.sociindexer.testing.MemoryRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SOCI v1 output against in-memory registries with and without the referrers API. */
class SociV1PublishTest {

  private static final IndexOptions V1 =
      IndexOptions.defaults().withMinLayerSize(0).withSociVersion(SociVersion.V1);

  @Test
  void referrersApiWritesNoTag() throws IOException {
    try (MemoryRegistry registry = new MemoryRegistry(true)) {
      Digest image = registry.pushImage("app", "1.0", "a");

      IndexResult result = index(registry, "app:1.0");

      assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
      assertThat(registry.tags("app")).containsExactly("1.0");
      assertThat(Digest.sha256(registry.manifest("app", "1.0"))).isEqualTo(image);
      Descriptor soci = result.platforms().getFirst().sociIndex();
      ImageManifest pushed = ImageManifest.parse(registry.manifest("app", soci.digest().toString()));
      assertThat(pushed.subject().digest()).isEqualTo(image);
      assertThat(pushed.config().mediaType()).isEqualTo(MediaType.SOCI_INDEX_V1);
      assertThat(registry.requests()).noneMatch(r -> r.startsWith("PUT /v2/app/manifests/sha256-"));
      assertThat(registry.requests()).noneMatch(r -> r.startsWith("GET /v2/app/referrers/"));
    }
  }

  @Test
  void noReferrersApiWritesReferrersTag() throws IOException {
    try (MemoryRegistry registry = new MemoryRegistry(false)) {
      Digest image = registry.pushImage("app", "1.0", "a");

      IndexResult result = index(registry, "app:1.0");

      Descriptor soci = result.platforms().getFirst().sociIndex();
      ImageIndex fallback = ImageIndex.parse(registry.manifest("app", image.toTagForm()));
      assertThat(fallback.mediaType()).isEqualTo(MediaType.OCI_INDEX);
      Descriptor listed = fallback.manifests().getFirst();
      assertThat(fallback.manifests()).hasSize(1);
      assertThat(listed.digest()).isEqualTo(soci.digest());
      assertThat(listed.size()).isEqualTo(soci.size());
      assertThat(listed.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
      assertThat(listed.artifactType()).isEqualTo(MediaType.SOCI_INDEX_V1.value());
      assertThat(listed.annotations())
          .containsEntry(SociIndexV2.ANNOTATION_BUILD_TOOL_IDENTIFIER, "AWS SOCI CLI v0.2");
    }
  }

  @Test
  void referrersTagKeepsOtherDescriptors() throws IOException {
    try (MemoryRegistry registry = new MemoryRegistry(false)) {
      Digest image = registry.pushImage("app", "1.0", "a");
      Descriptor signature =
          Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[] {1}), 1)
              .withArtifactType("application/vnd.dev.cosign.artifact.sig.v1+json");
      ImageIndex before = ImageIndex.of(MediaType.OCI_INDEX, List.of(signature), null);
      registry.putManifest("app", image.toTagForm(), MediaType.OCI_INDEX, before.raw());

      index(registry, "app:1.0");
      index(registry, "app:1.0");

      ImageIndex after = ImageIndex.parse(registry.manifest("app", image.toTagForm()));
      assertThat(after.manifests()).hasSize(2);
      assertThat(after.manifests().getFirst()).isEqualTo(signature);
      assertThat(after.manifests().get(1).artifactType()).isEqualTo(MediaType.SOCI_INDEX_V1.value());
    }
  }

  @Test
  void referrersTagHoldingManifestFails() throws IOException {
    try (MemoryRegistry registry = new MemoryRegistry(false)) {
      Digest image = registry.pushImage("app", "1.0", "a");
      registry.putManifest("app", image.toTagForm(), MediaType.OCI_MANIFEST,
          registry.manifest("app", "1.0"));

      assertThatThrownBy(() -> index(registry, "app:1.0"))
          .hasMessageContaining("referrers tag " + image.toTagForm())
          .hasMessageContaining("not an image index");
    }
  }

  @Test
  void layoutRefusesV1() {
    assertThatThrownBy(() -> new ImageIndexer(V1).index(new LayoutStub(), "1.0", null))
        .hasMessageContaining("SOCI v1 output needs a registry");
  }

  @Test
  void optionsRefuseInPlaceWithV1() {
    assertThatThrownBy(() -> V1.withInPlace(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in-place");
  }

  private static IndexResult index(MemoryRegistry registry, String image) throws IOException {
    RegistryClient client =
        RegistryClient.builder().plainHttpRegistries(Set.of(registry.host())).build();
    Reference reference = Reference.parse(registry.host() + "/" + image);
    return new ImageIndexer(V1)
        .index(new RegistryImageStore(client, reference), reference.tag(), null);
  }

  /** A store without referrers, standing in for an OCI image layout. */
  private static final class LayoutStub implements ImageStore {
    @Override
    public StoredManifest fetchManifest(String tagOrDigest) throws IOException {
      throw new IOException("not reached");
    }

    @Override
    public java.util.Optional<Digest> resolveTag(String tag) {
      return java.util.Optional.empty();
    }

    @Override
    public java.io.InputStream openBlob(Descriptor blob) throws IOException {
      throw new IOException("not reached");
    }

    @Override
    public void pushBlob(Descriptor blob, byte[] content) {}

    @Override
    public void pushManifest(MediaType mediaType, byte[] bytes, String tag) {}

    @Override
    public String describe() {
      return "layout";
    }
  }
}
