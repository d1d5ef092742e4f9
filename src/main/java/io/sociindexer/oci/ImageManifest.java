package io.sociindexer.oci;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * An OCI image manifest or Docker schema 2 manifest together with its exact bytes.
 *
 * <p>{@link #raw()} and {@link #digest()} always describe the exact bytes of this manifest: the
 * input of {@link #parse} (unknown fields included), or the {@link #toGoJson()} output for an
 * instance built with {@link #of} or a {@code with...} method. {@link #toGoJson()} is what Go's
 * {@code json.Marshal} writes for an {@code ocispec.Manifest} holding the same values, so fields
 * that {@code ocispec.Manifest} does not know are dropped there, as soci's convert drops them.
 *
 * <p>Instances are immutable.
 */
public final class ImageManifest {

  private final int schemaVersion;
  private final MediaType mediaType;
  private final String artifactType;
  private final Descriptor config;
  private final List<Descriptor> layers;
  private final Descriptor subject;
  private final SortedMap<String, String> annotations;
  private final byte[] raw;
  private final Digest digest;

  private ImageManifest(
      int schemaVersion,
      MediaType mediaType,
      String artifactType,
      Descriptor config,
      List<Descriptor> layers,
      Descriptor subject,
      Map<String, String> annotations,
      byte[] raw) {
    this.schemaVersion = schemaVersion;
    this.mediaType = mediaType;
    this.artifactType = artifactType == null || artifactType.isEmpty() ? null : artifactType;
    this.config = Objects.requireNonNull(config, "config");
    this.layers = List.copyOf(layers);
    this.subject = subject;
    this.annotations = annotations == null ? new TreeMap<>() : new TreeMap<>(annotations);
    this.raw = raw != null ? raw.clone() : encode();
    this.digest = Digest.sha256(this.raw);
  }

  /**
   * Creates a manifest with schemaVersion 2 whose bytes are its Go JSON.
   *
   * @param mediaType null to omit the field
   * @param artifactType null or empty to omit the field
   * @param subject null to omit the field
   * @param annotations null or empty to omit the field
   */
  public static ImageManifest of(
      MediaType mediaType,
      String artifactType,
      Descriptor config,
      List<Descriptor> layers,
      Descriptor subject,
      Map<String, String> annotations) {
    return new ImageManifest(2, mediaType, artifactType, config, layers, subject, annotations, null);
  }

  /**
   * Parses manifest bytes and keeps them as {@link #raw()}.
   *
   * @throws ManifestFormatException when the bytes are not JSON, {@code schemaVersion} is not 2,
   *     {@code config} or {@code layers} is missing, a descriptor is invalid, or the document
   *     is an index (it has a {@code manifests} field or an index media type)
   */
  public static ImageManifest parse(byte[] json) {
    JsonNode root = DescriptorJson.readTree(json, "image manifest");
    DescriptorJson.requireObject(root, "image manifest");
    int schemaVersion = DescriptorJson.requiredSchemaVersion(root, "image manifest");

    String mediaTypeText = DescriptorJson.optionalString(root, "mediaType", "image manifest");
    MediaType mediaType = mediaTypeText == null ? null : MediaType.of(mediaTypeText);
    if ((mediaType != null && mediaType.isIndex()) || root.has("manifests")) {
      throw new ManifestFormatException(
          "expected an image manifest but got an image index (media type " + mediaTypeText
              + "): resolve the index to a platform manifest first");
    }

    JsonNode configNode = root.get("config");
    if (DescriptorJson.isAbsent(configNode)) {
      throw new ManifestFormatException("missing field 'config' in image manifest");
    }
    return new ImageManifest(
        schemaVersion,
        mediaType,
        DescriptorJson.optionalString(root, "artifactType", "image manifest"),
        DescriptorJson.read(configNode, "config"),
        DescriptorJson.requiredDescriptorList(root, "layers", "image manifest"),
        DescriptorJson.optionalDescriptor(root, "subject"),
        DescriptorJson.optionalStringMap(root, "annotations", "image manifest"),
        json);
  }

  /** Returns Go's {@code json.Marshal} of this manifest as an {@code ocispec.Manifest}. */
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
    json.name("config");
    DescriptorJson.write(json, config);
    json.name("layers").beginArray();
    for (Descriptor layer : layers) {
      DescriptorJson.write(json, layer);
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
  public ImageManifest withMediaType(MediaType newMediaType) {
    return new ImageManifest(
        schemaVersion, newMediaType, artifactType, config, layers, subject, annotations, null);
  }

  /** Returns a copy with another config descriptor, serialized as Go JSON. */
  public ImageManifest withConfig(Descriptor newConfig) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, newConfig, layers, subject, annotations, null);
  }

  /** Returns a copy with {@code newAnnotations} replacing all annotations, serialized as Go JSON. */
  public ImageManifest withAnnotations(Map<String, String> newAnnotations) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, newAnnotations, null);
  }

  /** Returns the descriptor of {@link #raw()} with the given media type and no other fields. */
  public Descriptor descriptor() {
    MediaType type = mediaType != null ? mediaType : MediaType.OCI_MANIFEST;
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

  public Descriptor config() {
    return config;
  }

  public List<Descriptor> layers() {
    return layers;
  }

  /** Returns the subject descriptor, or null when absent. */
  public Descriptor subject() {
    return subject;
  }

  /** Returns an unmodifiable view of the annotations, empty when absent. */
  public SortedMap<String, String> annotations() {
    return Collections.unmodifiableSortedMap(annotations);
  }

  /** Returns a copy of the exact bytes of this manifest. */
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
    return other instanceof ImageManifest that && Arrays.equals(raw, that.raw);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "ImageManifest[" + digest + ", " + layers.size() + " layers]";
  }
}
