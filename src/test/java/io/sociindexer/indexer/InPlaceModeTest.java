package io.sociindexer.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.testing.OciImageBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InPlaceModeTest {

  private static final IndexOptions IN_PLACE =
      IndexOptions.defaults().withMinLayerSize(0).withInPlace(true);

  @TempDir Path work;

  private OciImageBuilder image;
  private OciImageBuilder.Manifest manifest;

  @BeforeEach
  void buildImage() throws Exception {
    image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer layer = image.layerFromDirectory(Path.of("/usr/share/zoneinfo"), "gzip -c -n");
    manifest = image.manifest("linux", "amd64", List.of(layer));
    image.tag(manifest, "app");
  }

  @Test
  void inPlaceMovesTheSourceTag() throws Exception {
    try (OciLayoutImageStore store = OciLayoutImageStore.open(image.layout())) {
      IndexResult result = new ImageIndexer(IN_PLACE).index(store, "app", null);

      assertThat(result.outputTag()).isEqualTo("app");
      assertThat(store.resolveTag("app")).contains(result.imageIndex().digest());
    }
  }

  @Test
  void inPlaceRejectsTagThatMoved() throws Exception {
    Digest newerPush = Digest.sha256("a newer image".getBytes());
    try (OciLayoutImageStore layout = OciLayoutImageStore.open(image.layout())) {
      ImageStore store = new TagMovedStore(layout, newerPush);

      assertThatThrownBy(() -> new ImageIndexer(IN_PLACE).index(store, "app", null))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("tag app")
          .hasMessageContaining("now points at " + newerPush)
          .hasMessageContaining("not at the indexed " + manifest.digest())
          .hasMessageContaining("the tag was not moved");
      assertThat(layout.resolveTag("app")).contains(manifest.digest());
    }
  }

  @Test
  void inPlaceNeedsATag() throws Exception {
    try (OciLayoutImageStore store = OciLayoutImageStore.open(image.layout())) {
      assertThatThrownBy(() -> new ImageIndexer(IN_PLACE).index(store, null, manifest.digest()))
          .hasMessageContaining("in-place mode needs a tag");
    }
  }

  @Test
  void digestOnlyReferenceGetsDigestTag() throws Exception {
    IndexOptions options = IndexOptions.defaults().withMinLayerSize(0);
    try (OciLayoutImageStore store = OciLayoutImageStore.open(image.layout())) {
      IndexResult result = new ImageIndexer(options).index(store, null, manifest.digest());

      assertThat(result.outputTag()).isEqualTo(manifest.digest().toTagForm() + "-soci");
      assertThat(store.resolveTag("app")).contains(manifest.digest());
    }
  }

  /** A store whose tag moves to another digest after the image was read, as a concurrent push would. */
  private static final class TagMovedStore implements ImageStore {
    private final ImageStore delegate;
    private final Digest movedTo;

    TagMovedStore(ImageStore delegate, Digest movedTo) {
      this.delegate = delegate;
      this.movedTo = movedTo;
    }

    @Override
    public StoredManifest fetchManifest(String tagOrDigest) throws IOException {
      return delegate.fetchManifest(tagOrDigest);
    }

    @Override
    public Optional<Digest> resolveTag(String tag) {
      return Optional.of(movedTo);
    }

    @Override
    public InputStream openBlob(Descriptor blob) throws IOException {
      return delegate.openBlob(blob);
    }

    @Override
    public byte[] readBlob(Descriptor blob, int maxBytes) throws IOException {
      return delegate.readBlob(blob, maxBytes);
    }

    @Override
    public void pushBlob(Descriptor blob, byte[] content) throws IOException {
      delegate.pushBlob(blob, content);
    }

    @Override
    public void pushManifest(MediaType mediaType, byte[] bytes, String tag) throws IOException {
      delegate.pushManifest(mediaType, bytes, tag);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }
  }
}
