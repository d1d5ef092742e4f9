package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ImageStore} over an OCI image layout directory: blobs under {@code blobs/}, tags in
 * {@code index.json}.
 */
public final class OciLayoutImageStore implements ImageStore {

  private final OciLayout layout;

  private OciLayoutImageStore(OciLayout layout) {
    this.layout = layout;
  }

  public static OciLayoutImageStore open(Path root) throws IOException {
    return new OciLayoutImageStore(OciLayout.open(root));
  }

  /** Returns the layout's only tag; throws when it has none or several. */
  public String onlyTag() throws IOException {
    List<String> tags = layout.tags();
    if (tags.size() != 1) {
      throw new IOException(
          "OCI layout " + layout.root() + " has " + (tags.isEmpty() ? "no tags" : "the tags " + tags)
              + "; choose one with --tag");
    }
    return tags.getFirst();
  }

  @Override
  public StoredManifest fetchManifest(String tagOrDigest) throws IOException {
    Descriptor descriptor = descriptorOf(tagOrDigest);
    byte[] bytes = layout.readManifest(descriptor);
    return new StoredManifest(descriptor.mediaType(), bytes, Digest.sha256(bytes));
  }

  @Override
  public Optional<Digest> resolveTag(String tag) throws IOException {
    if (!layout.tags().contains(tag)) {
      return Optional.empty();
    }
    return Optional.of(layout.resolve(tag).digest());
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    return layout.openBlob(blob.digest());
  }

  @Override
  public void pushBlob(Descriptor blob, byte[] content) throws IOException {
    layout.writeBlob(content);
  }

  @Override
  public void pushManifest(MediaType mediaType, byte[] bytes, String tag) throws IOException {
    Digest digest = layout.writeBlob(bytes);
    if (tag != null) {
      layout.tag(tag, Descriptor.of(mediaType, digest, bytes.length));
    }
  }

  @Override
  public String describe() {
    return "oci-layout:" + layout.root();
  }

  private Descriptor descriptorOf(String tagOrDigest) throws IOException {
    if (tagOrDigest != null && tagOrDigest.startsWith("sha256:")) {
      Digest digest = Digest.parse(tagOrDigest);
      if (!layout.hasBlob(digest)) {
        throw new IOException("manifest " + digest + " not found in " + describe());
      }
      // A blob read by digest carries no media type. Only the root's type matters to the caller,
      // and the root comes from index.json, so manifests named by digest are read as manifests.
      return Descriptor.of(MediaType.OCI_MANIFEST, digest, layout.blobSize(digest));
    }
    return layout.resolve(tagOrDigest);
  }
}
