package io.sociindexer.oci;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An OCI content descriptor. {@code annotations} is kept sorted, the order Go's encoding/json
 * writes map keys in (byte-wise, which equals UTF-16 order for the ASCII keys annotations use).
 * Absent optional fields are null ({@code platform}, {@code artifactType}, {@code data}) or empty.
 *
 * @param data the embedded content of the {@code data} field, decoded from base64
 */
public record Descriptor(
    MediaType mediaType,
    Digest digest,
    long size,
    List<String> urls,
    SortedMap<String, String> annotations,
    Platform platform,
    String artifactType,
    byte[] data) {

  /** Creates a descriptor without embedded data, which is what nearly every descriptor is. */
  public Descriptor(
      MediaType mediaType,
      Digest digest,
      long size,
      List<String> urls,
      SortedMap<String, String> annotations,
      Platform platform,
      String artifactType) {
    this(mediaType, digest, size, urls, annotations, platform, artifactType, null);
  }

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size must not be negative: " + size);
    }
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations = annotations == null ? new TreeMap<>() : new TreeMap<>(annotations);
    artifactType = artifactType == null || artifactType.isEmpty() ? null : artifactType;
    data = data == null || data.length == 0 ? null : data.clone();
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
        mediaType, digest, size, urls, new TreeMap<>(newAnnotations), platform, artifactType, data);
  }

  public Descriptor withMediaType(MediaType newMediaType) {
    return new Descriptor(
        newMediaType, digest, size, urls, annotations, platform, artifactType, data);
  }

  public Descriptor withPlatform(Platform newPlatform) {
    return new Descriptor(mediaType, digest, size, urls, annotations, newPlatform, artifactType, data);
  }

  public Descriptor withArtifactType(String newArtifactType) {
    return new Descriptor(mediaType, digest, size, urls, annotations, platform, newArtifactType, data);
  }

  /** Returns a copy of the embedded data, or null when the descriptor has none. */
  @Override
  public byte[] data() {
    return data == null ? null : data.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Descriptor that
        && mediaType.equals(that.mediaType)
        && digest.equals(that.digest)
        && size == that.size
        && urls.equals(that.urls)
        && annotations.equals(that.annotations)
        && Objects.equals(platform, that.platform)
        && Objects.equals(artifactType, that.artifactType)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mediaType, digest, size, urls, annotations, platform, artifactType)
        + Arrays.hashCode(data);
  }

  public String annotation(String key) {
    return annotations.get(key);
  }
}
