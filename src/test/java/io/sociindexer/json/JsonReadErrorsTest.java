package io.sociindexer.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class JsonReadErrorsTest {

  final JsonMapper json = JsonMapper.builder().build();

  String describe(String text) {
    JacksonException e =
        catchThrowableOfType(
            JacksonException.class, () -> json.readTree(text.getBytes(StandardCharsets.UTF_8)));
    assertThat(e).as(text).isNotNull();
    return JsonReadErrors.describe(e);
  }

  @Test
  void truncatedArrayEndsEarly() {
    assertThat(describe("{\"events\": [")).isEqualTo("the JSON ends early at line 1, column 13");
  }

  @Test
  void truncatedObjectEndsEarly() {
    assertThat(describe("{\"image\":")).isEqualTo("the JSON ends early at line 1, column 10");
  }

  @Test
  void unexpectedCharacterNamesPosition() {
    assertThat(describe("{\n  \"image\" x")).isEqualTo("invalid JSON syntax at line 2, column 11");
  }

  @Test
  void bareWordIsSyntaxError() {
    assertThat(describe("not json")).startsWith("invalid JSON syntax at line 1, column ");
  }

  @Test
  void deepNestingNamesLimit() {
    assertThat(describe("[".repeat(5000))).contains("exceeds a parser limit on nesting depth");
  }

  @Test
  void descriptionsHideJacksonInternals() {
    for (String text : new String[] {"{\"events\": [", "{\"a\" x", "[".repeat(5000), "tru"}) {
      assertThat(describe(text))
          .as(text)
          .doesNotContain("Source", "REDACTED", "StreamReadFeature", "JsonToken", "`", "code ");
    }
  }
}
