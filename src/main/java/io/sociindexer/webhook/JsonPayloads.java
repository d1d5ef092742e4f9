package io.sociindexer.webhook;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.json.JsonReadErrors;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Helpers the JSON-based webhook sources share to read payloads and build image targets. */
final class JsonPayloads {

  private JsonPayloads() {}

  /**
   * Parses {@code body} as one JSON object.
   *
   * @param format the payload format for messages, such as "Harbor"
   * @throws InvalidNotificationException when it is malformed or not an object
   */
  static JsonNode parseObject(JsonMapper jsonMapper, byte[] body, String format) {
    JsonNode root;
    try {
      root = jsonMapper.readTree(body);
    } catch (JacksonException e) {
      throw new InvalidNotificationException(
          "malformed " + format + " notification JSON: " + JsonReadErrors.describe(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidNotificationException(
          "invalid " + format + " notification: expected a JSON object");
    }
    return root;
  }

  /** Returns the non-blank string value of {@code field}, or null. */
  static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    if (value == null || !value.isString() || value.stringValue().isBlank()) {
      return null;
    }
    return value.stringValue();
  }

  /** Returns the object {@code field} of {@code node}, or null. */
  static JsonNode object(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isObject() ? value : null;
  }

  static InvalidNotificationException missing(String format, String field) {
    return new InvalidNotificationException(
        "invalid " + format + " notification: " + field + " is missing");
  }

  /**
   * Returns the {@code host[:port]} an image URL or reference starts with, such as
   * {@code harbor.example.com} for {@code harbor.example.com/library/app:1.0} or
   * {@code https://quay.example.com:8443/ns/app}.
   */
  static String host(String urlOrReference) {
    String rest = urlOrReference.strip();
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      rest = rest.substring(scheme + 3);
    }
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /**
   * Builds an image target, validating every part.
   *
   * @param tag the tag, or null
   * @param digest the manifest digest text, or null
   * @throws IllegalArgumentException naming the invalid part
   */
  static ImageTarget target(String registry, String repository, String tag, String digest) {
    Digest parsed = digest == null ? null : Digest.parse(digest);
    return ImageTarget.of(new Reference(registry, repository, tag, parsed));
  }

  /** Returns whether {@code tag} is really a digest, as Harbor sends for pushes by digest. */
  static boolean isDigest(String tag) {
    return tag != null && tag.contains(":") && tag.startsWith("sha");
  }
}
