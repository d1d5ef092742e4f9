package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RawManifest;
import io.sociindexer.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** An {@link ImageStore} over one repository of a registry, with its referrers operations. */
public final class RegistryImageStore implements ImageStore, ReferrersStore {

  private final RegistryClient client;
  private final Reference repository;

  /** Uses the registry and repository of {@code image}; its tag and digest are ignored. */
  public RegistryImageStore(RegistryClient client, Reference image) {
    this.client = client;
    this.repository = image;
  }

  @Override
  public StoredManifest fetchManifest(String tagOrDigest) throws IOException {
    RawManifest manifest = client.fetchManifest(at(tagOrDigest));
    return new StoredManifest(manifest.mediaType(), manifest.bytes(), manifest.digest());
  }

  @Override
  public Optional<Digest> resolveTag(String tag) throws IOException {
    return client.headManifest(repository.withTag(tag)).map(Descriptor::digest);
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    return client.openBlob(repository, blob.digest(), blob.size());
  }

  @Override
  public InputStream openLayer(Descriptor layer) throws IOException {
    return client.openBlobUnverified(repository, layer.digest(), layer.size());
  }

  @Override
  public void pushBlob(Descriptor blob, byte[] content) throws IOException {
    client.pushBlob(repository, blob.digest(), content);
  }

  @Override
  public void pushManifest(MediaType mediaType, byte[] bytes, String tag) throws IOException {
    Reference target = tag != null ? repository.withTag(tag) : repository.withDigest(Digest.sha256(bytes)).withoutTag();
    client.pushManifest(target, mediaType, bytes);
  }

  @Override
  public boolean pushManifestWithSubject(MediaType mediaType, byte[] bytes, Digest subject)
      throws IOException {
    Reference target = repository.withDigest(Digest.sha256(bytes)).withoutTag();
    Optional<Digest> acknowledged = client.pushManifestWithSubject(target, mediaType, bytes);
    return acknowledged.isPresent() && acknowledged.get().equals(subject);
  }

  @Override
  public Optional<ImageIndex> referrers(Digest subject) throws IOException {
    return client.listReferrers(repository, subject, null);
  }

  @Override
  public Optional<Reference> repository() {
    return Optional.of(repository);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The new store keeps this store's registry host, so its requests and credentials go to the
   * same registry, and its token requests are scoped to {@code repository}.
   */
  @Override
  public Optional<ImageStore> otherRepository(String repository) {
    Reference other = new Reference(this.repository.registry(), repository, "latest", null);
    return Optional.of(new RegistryImageStore(client, other));
  }

  @Override
  public String describe() {
    return repository.repositoryName();
  }

  private Reference at(String tagOrDigest) {
    if (tagOrDigest == null) {
      return repository;
    }
    if (tagOrDigest.contains(":")) {
      return repository.withDigest(Digest.parse(tagOrDigest)).withoutTag();
    }
    return repository.withTag(tagOrDigest);
  }
}
