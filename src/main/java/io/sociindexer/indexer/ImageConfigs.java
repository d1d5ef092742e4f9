package io.sociindexer.indexer;

import io.sociindexer.oci.Platform;
import java.io.IOException;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the platform fields of an OCI or Docker image config. */
final class ImageConfigs {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ImageConfigs() {}

  /** Returns the config's os, architecture and variant; throws when os or architecture is missing. */
  static Platform platform(byte[] config) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(config);
    } catch (JacksonException e) {
      throw new IOException("image config is not valid JSON: " + e.getOriginalMessage(), e);
    }
    String os = text(root, "os");
    String architecture = text(root, "architecture");
    if (os.isEmpty() || architecture.isEmpty()) {
      throw new IOException("image config has no os or architecture field");
    }
    return new Platform(architecture, os, text(root, "os.version"), List.of(), text(root, "variant"));
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || !node.isString() ? "" : node.asString();
  }
}
