package io.sociindexer.oci;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An OCI content descriptor. {@code annotations} is kept sorted, the order Go's encoding/json
 * writes map keys in (byte-wise, which equals UTF-16 order for the ASCII keys annotations use).
 * Absent optional fields are null ({@code platform}, {@code artifactType}) or empty.
 */
public record Descriptor(
    MediaType mediaType,
    Digest digest,
    long size,
    List<String> urls,
    SortedMap<String, String> annotations,
    Platform platform,
    String artifactType) {

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size must not be negative: " + size);
    }
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations = annotations == null ? new TreeMap<>() : new TreeMap<>(annotations);
    artifactType = artifactType == null || artifactType.isEmpty() ? null : artifactType;
  }

  public static Descriptor of(MediaType mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, List.of(), null, null, null);
  }

  /** Describes {@code content} with the given media type. */
  public static Descriptor of(MediaType mediaType, byte[] content) {
    return of(mediaType, Digest.sha256(content), content.length);
  }

  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(
        mediaType, digest, size, urls, new TreeMap<>(newAnnotations), platform, artifactType);
  }

  public Descriptor withMediaType(MediaType newMediaType) {
    return new Descriptor(newMediaType, digest, size, urls, annotations, platform, artifactType);
  }

  public Descriptor withPlatform(Platform newPlatform) {
    return new Descriptor(mediaType, digest, size, urls, annotations, newPlatform, artifactType);
  }

  public Descriptor withArtifactType(String newArtifactType) {
    return new Descriptor(mediaType, digest, size, urls, annotations, platform, newArtifactType);
  }

  public String annotation(String key) {
    return annotations.get(key);
  }
}
