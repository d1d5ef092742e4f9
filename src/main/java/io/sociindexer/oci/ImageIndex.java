package io.sociindexer.oci;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * An OCI image index or Docker manifest list together with its exact bytes.
 *
 * <p>{@link #raw()} and {@link #digest()} describe the input of {@link #parse} (unknown fields
 * included), or the {@link #toGoJson()} output for an instance built with {@link #of} or a
 * {@code with...} method. {@link #toGoJson()} is Go's {@code json.Marshal} of an
 * {@code ocispec.Index} holding the same values: {@code schemaVersion, mediaType?,
 * artifactType?, manifests, subject?, annotations?}.
 *
 * <p>Instances are immutable.
 */
public final class ImageIndex {

  private final int schemaVersion;
  private final MediaType mediaType;
  private final String artifactType;
  private final List<Descriptor> manifests;
  private final Descriptor subject;
  private final SortedMap<String, String> annotations;
  private final byte[] raw;
  private final Digest digest;

  private ImageIndex(
      int schemaVersion,
      MediaType mediaType,
      String artifactType,
      List<Descriptor> manifests,
      Descriptor subject,
      Map<String, String> annotations,
      byte[] raw) {
    this.schemaVersion = schemaVersion;
    this.mediaType = mediaType;
    this.artifactType = artifactType == null || artifactType.isEmpty() ? null : artifactType;
    this.manifests = List.copyOf(manifests);
    this.subject = subject;
    this.annotations = annotations == null ? new TreeMap<>() : new TreeMap<>(annotations);
    this.raw = raw != null ? raw.clone() : encode();
    this.digest = Digest.sha256(this.raw);
  }

  /**
   * Creates an index with schemaVersion 2 whose bytes are its Go JSON.
   *
   * @param mediaType null to omit the field
   * @param annotations null or empty to omit the field
   */
  public static ImageIndex of(
      MediaType mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
    return new ImageIndex(2, mediaType, null, manifests, null, annotations, null);
  }

  /**
   * Parses index bytes and keeps them as {@link #raw()}.
   *
   * @throws ManifestFormatException when the bytes are not JSON, {@code schemaVersion} is not 2,
   *     {@code manifests} is missing, a descriptor is invalid, or the document is an image
   *     manifest (it has {@code config} or {@code layers}, or a manifest media type)
   */
  public static ImageIndex parse(byte[] json) {
    JsonNode root = DescriptorJson.readTree(json, "image index");
    DescriptorJson.requireObject(root, "image index");
    int schemaVersion = DescriptorJson.requiredSchemaVersion(root, "image index");

    String mediaTypeText = DescriptorJson.optionalString(root, "mediaType", "image index");
    MediaType mediaType = mediaTypeText == null ? null : MediaType.of(mediaTypeText);
    if ((mediaType != null && mediaType.isManifest())
        || root.has("config")
        || root.has("layers")) {
      throw new ManifestFormatException(
          "expected an image index but got an image manifest (media type " + mediaTypeText + ")");
    }

    return new ImageIndex(
        schemaVersion,
        mediaType,
        DescriptorJson.optionalString(root, "artifactType", "image index"),
        DescriptorJson.requiredDescriptorList(root, "manifests", "image index"),
        DescriptorJson.optionalDescriptor(root, "subject"),
        DescriptorJson.optionalStringMap(root, "annotations", "image index"),
        json);
  }

  /** Returns Go's {@code json.Marshal} of this index as an {@code ocispec.Index}. */
  public byte[] toGoJson() {
    return encode();
  }

  private byte[] encode() {
    GoJson json = new GoJson().beginObject();
    json.name("schemaVersion").value(schemaVersion);
    if (mediaType != null && !mediaType.value().isEmpty()) {
      json.name("mediaType").value(mediaType.value());
    }
    if (artifactType != null) {
      json.name("artifactType").value(artifactType);
    }
    json.name("manifests").beginArray();
    for (Descriptor manifest : manifests) {
      DescriptorJson.write(json, manifest);
    }
    json.endArray();
    if (subject != null) {
      json.name("subject");
      DescriptorJson.write(json, subject);
    }
    if (!annotations.isEmpty()) {
      json.name("annotations").stringMap(annotations);
    }
    return json.endObject().toByteArray();
  }

  /** Returns a copy with another media type, serialized as Go JSON. */
  public ImageIndex withMediaType(MediaType newMediaType) {
    return new ImageIndex(
        schemaVersion, newMediaType, artifactType, manifests, subject, annotations, null);
  }

  /** Returns a copy with another manifest list, serialized as Go JSON. */
  public ImageIndex withManifests(List<Descriptor> newManifests) {
    return new ImageIndex(
        schemaVersion, mediaType, artifactType, newManifests, subject, annotations, null);
  }

  /** Returns the descriptor of {@link #raw()}, typed as an OCI index when no media type is set. */
  public Descriptor descriptor() {
    MediaType type = mediaType != null ? mediaType : MediaType.OCI_INDEX;
    return Descriptor.of(type, digest, raw.length);
  }

  public int schemaVersion() {
    return schemaVersion;
  }

  /** Returns the top-level media type, or null when the document has none. */
  public MediaType mediaType() {
    return mediaType;
  }

  /** Returns the top-level artifact type, or null when absent. */
  public String artifactType() {
    return artifactType;
  }

  public List<Descriptor> manifests() {
    return manifests;
  }

  /** Returns the subject descriptor, or null when absent. */
  public Descriptor subject() {
    return subject;
  }

  /** Returns an unmodifiable view of the annotations, empty when absent. */
  public SortedMap<String, String> annotations() {
    return Collections.unmodifiableSortedMap(annotations);
  }

  /** Returns a copy of the exact bytes of this index. */
  public byte[] raw() {
    return raw.clone();
  }

  /** Returns the sha256 digest of {@link #raw()}. */
  public Digest digest() {
    return digest;
  }

  /** Returns the length of {@link #raw()} in bytes. */
  public long size() {
    return raw.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ImageIndex that && Arrays.equals(raw, that.raw);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "ImageIndex[" + digest + ", " + manifests.size() + " manifests]";
  }
}
