package io.sociindexer.soci;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A built SOCI index manifest with the zTOCs it references. Built by {@link SociIndexV2}.
 *
 * @param manifest the index manifest, whose {@code raw()} bytes are what gets pushed
 * @param artifactType {@link MediaType#SOCI_INDEX_V2} or {@link MediaType#SOCI_INDEX_V1}
 * @param ztocs the zTOCs in the order of the manifest's {@code layers}
 */
public record SociIndexManifest(ImageManifest manifest, MediaType artifactType, List<ZtocLayer> ztocs) {

  public SociIndexManifest {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(artifactType, "artifactType");
    ztocs = List.copyOf(ztocs);
  }

  /** Returns the exact manifest bytes. */
  public byte[] bytes() {
    return manifest.raw();
  }

  public Digest digest() {
    return manifest.digest();
  }

  /**
   * Returns the descriptor soci writes for a pushed SOCI index: OCI manifest media type, digest,
   * size and {@code artifactType}, without platform or annotations.
   */
  public Descriptor descriptor() {
    return Descriptor.of(MediaType.OCI_MANIFEST, manifest.digest(), manifest.size())
        .withArtifactType(artifactType.value());
  }

  /** Returns the zTOC blobs in layer order, each zTOC digest once. */
  public List<OutputBlob> ztocBlobs() {
    Map<Digest, OutputBlob> blobs = new LinkedHashMap<>();
    for (ZtocLayer ztoc : ztocs) {
      Descriptor descriptor = ztoc.ztocDescriptor();
      blobs.putIfAbsent(
          descriptor.digest(),
          new OutputBlob(OutputBlob.Kind.ZTOC, Descriptor.of(MediaType.OCTET_STREAM, descriptor.digest(), descriptor.size()), ztoc.ztocBytes()));
    }
    return new ArrayList<>(blobs.values());
  }

  /** Returns the {@code {}} config blob. */
  public OutputBlob configBlob() {
    return new OutputBlob(
        OutputBlob.Kind.SOCI_INDEX_CONFIG,
        SociIndexV2.configDescriptor(artifactType),
        SociIndexV2.EMPTY_CONFIG);
  }

  /** Returns this index manifest as a blob to push. */
  public OutputBlob manifestBlob() {
    return new OutputBlob(OutputBlob.Kind.SOCI_INDEX_MANIFEST, descriptor(), manifest.raw());
  }
}
