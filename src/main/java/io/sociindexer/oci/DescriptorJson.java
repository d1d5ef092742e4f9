package io.sociindexer.oci;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes OCI descriptors and platforms as the JSON of Go's {@code ocispec.Descriptor}
 * and {@code ocispec.Platform} (image-spec v1.1.1). Writing follows Go's struct field order and
 * {@code omitempty} rules: Descriptor is {@code mediaType, digest, size, urls?, annotations?,
 * data?, platform?, artifactType?} and Platform is {@code architecture, os, os.version?,
 * os.features?, variant?}.
 *
 * <p>Reading is stricter than Go: {@code mediaType}, {@code digest} and {@code size} are required
 * by the OCI image spec, the digest must be a valid sha256 or sha512 digest, and a field of
 * the wrong JSON type is an error. A JSON {@code null} counts as an absent field, as in Go.
 */
public final class DescriptorJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private DescriptorJson() {}

  /** Parses one descriptor document. */
  public static Descriptor parse(byte[] json) {
    return read(readTree(json, "descriptor"), "descriptor");
  }

  /** Returns the Go {@code json.Marshal} bytes of {@code descriptor}. */
  public static byte[] toGoJson(Descriptor descriptor) {
    GoJson json = new GoJson();
    write(json, descriptor);
    return json.toByteArray();
  }

  /**
   * Reads a descriptor from a parsed JSON node.
   *
   * @param path where the node sits in its document, such as {@code layers[2]}, for messages
   * @throws ManifestFormatException when a required field is missing or a field is invalid
   */
  public static Descriptor read(JsonNode node, String path) {
    requireObject(node, path);
    MediaType mediaType = MediaType.of(requiredString(node, "mediaType", path));
    Digest digest = readDigest(requiredString(node, "digest", path), path + ".digest");
    long size = requiredLong(node, "size", path);
    List<String> urls = optionalStringList(node, "urls", path);
    TreeMap<String, String> annotations = optionalStringMap(node, "annotations", path);
    JsonNode platformNode = node.get("platform");
    Platform platform =
        isAbsent(platformNode) ? null : readPlatform(platformNode, path + ".platform");
    String artifactType = optionalString(node, "artifactType", path);
    byte[] data = optionalBase64(node, "data", path);
    try {
      return new Descriptor(
          mediaType, digest, size, urls, annotations, platform, artifactType, data);
    } catch (IllegalArgumentException e) {
      throw new ManifestFormatException("invalid descriptor at " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a base64 field the way Go decodes a {@code []byte}: standard alphabet with padding, and
   * null or empty as absent.
   */
  private static byte[] optionalBase64(JsonNode node, String field, String path) {
    String text = optionalString(node, field, path);
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new ManifestFormatException(
          "invalid base64 in " + path + "." + field + ": " + e.getMessage(), e);
    }
  }

  /** Reads a platform object; missing {@code architecture} or {@code os} read as empty. */
  public static Platform readPlatform(JsonNode node, String path) {
    requireObject(node, path);
    String architecture = optionalString(node, "architecture", path);
    String os = optionalString(node, "os", path);
    return new Platform(
        architecture == null ? "" : architecture,
        os == null ? "" : os,
        optionalString(node, "os.version", path),
        optionalStringList(node, "os.features", path),
        optionalString(node, "variant", path));
  }

  /** Writes {@code descriptor} as Go writes an {@code ocispec.Descriptor}. */
  public static void write(GoJson json, Descriptor descriptor) {
    json.beginObject();
    json.name("mediaType").value(descriptor.mediaType().value());
    json.name("digest").value(descriptor.digest().toString());
    json.name("size").value(descriptor.size());
    if (!descriptor.urls().isEmpty()) {
      json.name("urls").stringArray(descriptor.urls());
    }
    if (!descriptor.annotations().isEmpty()) {
      json.name("annotations").stringMap(descriptor.annotations());
    }
    if (descriptor.data() != null) {
      json.name("data").value(Base64.getEncoder().encodeToString(descriptor.data()));
    }
    if (descriptor.platform() != null) {
      json.name("platform");
      writePlatform(json, descriptor.platform());
    }
    if (descriptor.artifactType() != null) {
      json.name("artifactType").value(descriptor.artifactType());
    }
    json.endObject();
  }

  /** Writes {@code platform} as Go writes an {@code ocispec.Platform}. */
  public static void writePlatform(GoJson json, Platform platform) {
    json.beginObject();
    json.name("architecture").value(platform.architecture());
    json.name("os").value(platform.os());
    if (!platform.osVersion().isEmpty()) {
      json.name("os.version").value(platform.osVersion());
    }
    if (!platform.osFeatures().isEmpty()) {
      json.name("os.features").stringArray(platform.osFeatures());
    }
    if (!platform.variant().isEmpty()) {
      json.name("variant").value(platform.variant());
    }
    json.endObject();
  }

  // Field helpers shared with ImageManifest and ImageIndex.

  static JsonNode readTree(byte[] json, String what) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || tree.isMissingNode()) {
        throw new ManifestFormatException("invalid " + what + " JSON: the document is empty");
      }
      return tree;
    } catch (JacksonException e) {
      throw new ManifestFormatException(
          "invalid " + what + " JSON: " + e.getOriginalMessage(), e);
    }
  }

  static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull();
  }

  static void requireObject(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new ManifestFormatException(
          "invalid " + path + ": expected a JSON object, got " + node.getNodeType());
    }
  }

  static String requiredString(JsonNode parent, String field, String path) {
    String value = optionalString(parent, field, path);
    if (value == null) {
      throw new ManifestFormatException("missing field '" + field + "' in " + path);
    }
    return value;
  }

  static String optionalString(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (isAbsent(node)) {
      return null;
    }
    if (!node.isString()) {
      throw wrongType(path, field, "string", node);
    }
    return node.stringValue();
  }

  static long requiredLong(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (isAbsent(node)) {
      throw new ManifestFormatException("missing field '" + field + "' in " + path);
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw wrongType(path, field, "64-bit integer", node);
    }
    return node.longValue();
  }

  static List<String> optionalStringList(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (isAbsent(node)) {
      return List.of();
    }
    if (!node.isArray()) {
      throw wrongType(path, field, "array of strings", node);
    }
    List<String> values = new ArrayList<>();
    for (JsonNode element : node) {
      if (!element.isString()) {
        throw wrongType(path, field, "array of strings", node);
      }
      values.add(element.stringValue());
    }
    return values;
  }

  static TreeMap<String, String> optionalStringMap(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    TreeMap<String, String> map = new TreeMap<>();
    if (isAbsent(node)) {
      return map;
    }
    if (!node.isObject()) {
      throw wrongType(path, field, "object of strings", node);
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isString()) {
        throw wrongType(path, field + "." + entry.getKey(), "string", entry.getValue());
      }
      map.put(entry.getKey(), entry.getValue().stringValue());
    }
    return map;
  }

  static List<Descriptor> requiredDescriptorList(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (isAbsent(node)) {
      throw new ManifestFormatException("missing field '" + field + "' in " + path);
    }
    if (!node.isArray()) {
      throw wrongType(path, field, "array of descriptors", node);
    }
    List<Descriptor> descriptors = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      descriptors.add(read(node.get(i), field + "[" + i + "]"));
    }
    return descriptors;
  }

  static Descriptor optionalDescriptor(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    return isAbsent(node) ? null : read(node, field);
  }

  static int requiredSchemaVersion(JsonNode root, String what) {
    long version = requiredLong(root, "schemaVersion", what);
    if (version != 2) {
      throw new ManifestFormatException(
          "unsupported schemaVersion " + version + " in " + what + ": expected 2");
    }
    return 2;
  }

  private static Digest readDigest(String text, String path) {
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ManifestFormatException("invalid " + path + ": " + e.getMessage(), e);
    }
  }

  private static ManifestFormatException wrongType(
      String path, String field, String expected, JsonNode actual) {
    return new ManifestFormatException(
        "invalid field '" + field + "' in " + path + ": expected " + expected + ", got "
            + actual.getNodeType());
  }
}
