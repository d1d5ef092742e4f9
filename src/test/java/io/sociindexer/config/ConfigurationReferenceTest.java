package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.IndexOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks that docs/configuration/reference.md matches the configuration metadata of this build,
 * and that the defaults declared by hand in additional-spring-configuration-metadata.json match
 * the code.
 */
class ConfigurationReferenceTest {

  static final Path SCRIPT = Path.of("scripts", "config-reference.py");
  static final Path REFERENCE = Path.of("docs", "configuration", "reference.md");
  static final Path ADDITIONAL_METADATA =
      Path.of("src", "main", "resources", "META-INF", "additional-spring-configuration-metadata.json");

  @Test
  void referenceIsCurrent() throws Exception {
    Process process =
        new ProcessBuilder("python3", SCRIPT.toString(), "--stdout")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String generated = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("script finished within 60 s").isTrue();
    assertThat(process.exitValue()).as("exit status of python3 " + SCRIPT).isZero();

    String committed = Files.readString(REFERENCE, StandardCharsets.UTF_8);
    assertThat(committed)
        .as(REFERENCE + " is stale: run scripts/config-reference.py and commit the result")
        .isEqualTo(generated);
  }

  @Test
  void referenceHasKnownRows() throws IOException {
    String reference = Files.readString(REFERENCE, StandardCharsets.UTF_8);

    assertThat(reference).contains("| `soci-indexer.workers.count` | `Integer` | `2` |");
    assertThat(reference).contains("| `soci-indexer.tag-suffix` | `String` | `-soci` |");
  }

  @Test
  void additionalDefaultsMatchCode() throws IOException {
    Map<String, String> defaults = additionalDefaults();

    assertThat(DataSize.parse(defaults.get("soci-indexer.span-size")).toBytes())
        .isEqualTo(IndexOptions.DEFAULT_SPAN_SIZE);
    assertThat(DataSize.parse(defaults.get("soci-indexer.min-layer-size")).toBytes())
        .isEqualTo(IndexOptions.DEFAULT_MIN_LAYER_SIZE);
    assertThat(defaults.get("soci-indexer.tag-suffix")).isEqualTo(IndexOptions.DEFAULT_TAG_SUFFIX);
  }

  static Map<String, String> additionalDefaults() throws IOException {
    JsonNode metadata =
        JsonMapper.builder().build().readTree(Files.readString(ADDITIONAL_METADATA));
    Map<String, String> defaults = new HashMap<>();
    for (JsonNode property : metadata.get("properties")) {
      JsonNode value = property.get("defaultValue");
      if (value != null) {
        defaults.put(property.get("name").asString(), value.asString());
      }
    }
    return defaults;
  }
}
