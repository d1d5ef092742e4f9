package io.sociindexer.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GoJsonTest {

  /** Expected values follow appendString in Go 1.25 src/encoding/json/encode.go (not run in Go). */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "plain | \"plain\"",
        "a\"b | \"a\\\"b\"",
        "a\\b | \"a\\\\b\"",
        "<tag> & | \"\\u003ctag\\u003e \\u0026\"",
        "é ü 日本 | \"é ü 日本\"",
        "/slash' | \"/slash'\"",
      })
  void quotePrintableText(String input, String expected) {
    assertThat(GoJson.quote(input.strip())).isEqualTo(expected.strip());
  }

  @Test
  void quoteControlCharacters() {
    assertThat(GoJson.quote("\n\r\t")).isEqualTo("\"\\n\\r\\t\"");
    assertThat(GoJson.quote("\b\f")).isEqualTo("\"\\b\\f\"");
    assertThat(GoJson.quote("\u0000\u0001\u001f")).isEqualTo("\"\\u0000\\u0001\\u001f\"");
    assertThat(GoJson.quote("\u000b")).isEqualTo("\"\\u000b\"");
    assertThat(GoJson.quote("\u007f")).isEqualTo("\"\u007f\"");
  }

  @Test
  void quoteLineSeparators() {
    assertThat(GoJson.quote("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
    assertThat(GoJson.quote("\u2027\u202a")).isEqualTo("\"\u2027\u202a\"");
  }

  @Test
  void quoteSupplementaryCharacter() {
    assertThat(GoJson.quote("\uD83D\uDE00")).isEqualTo("\"\uD83D\uDE00\"");
  }

  @Test
  void quoteLoneSurrogateAsReplacement() {
    assertThat(GoJson.quote("a\uD800b")).isEqualTo("\"a\uFFFDb\"");
  }

  @Test
  void quoteInvalidUtf8Bytes() {
    byte[] input = {'a', (byte) 0xFF, 'b', (byte) 0xC3};
    assertThat(new String(GoJson.quote(input), StandardCharsets.UTF_8))
        .isEqualTo("\"a\\ufffdb\\ufffd\"");
  }

  @Test
  void quoteUtf8EncodedSurrogateAsThreeReplacements() {
    byte[] input = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
    assertThat(new String(GoJson.quote(input), StandardCharsets.UTF_8))
        .isEqualTo("\"\\ufffd\\ufffd\\ufffd\"");
  }

  @Test
  void quoteOverlongEncodingRejected() {
    byte[] input = {(byte) 0xC0, (byte) 0xAF, (byte) 0xE0, (byte) 0x80, (byte) 0xAF};
    assertThat(new String(GoJson.quote(input), StandardCharsets.UTF_8))
        .isEqualTo("\"" + "\\ufffd".repeat(5) + "\"");
  }

  @Test
  void quoteValidMultibyteBytesKept() {
    byte[] input = "ä€\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
    assertThat(GoJson.quote(input)).isEqualTo(("\"ä€\uD83D\uDE00\"").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writerObjectAndArray() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("b", "2");
    map.put("a", "1");
    byte[] json =
        new GoJson()
            .beginObject()
            .name("n").value(-9_223_372_036_854_775_808L)
            .name("s").value("x")
            .name("t").value(true)
            .name("z").nullValue()
            .name("list").stringArray(List.of("p", "q"))
            .name("empty").beginArray().endArray()
            .name("map").stringMap(map)
            .endObject()
            .toByteArray();

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"n\":-9223372036854775808,\"s\":\"x\",\"t\":true,\"z\":null,"
                + "\"list\":[\"p\",\"q\"],\"empty\":[],\"map\":{\"a\":\"1\",\"b\":\"2\"}}");
  }

  @Test
  void mapKeysSortedByUtf8Bytes() {
    // In UTF-16 order U+1F600 (high surrogate D83D) sorts before U+FF5E. Go compares UTF-8
    // bytes, where EF BD 9E sorts before F0 9F 98 80.
    Map<String, String> map = Map.of("\uD83D\uDE00", "emoji", "\uFF5E", "tilde", "Z", "z");
    assertThat(GoJson.sortedKeys(map)).containsExactly("Z", "\uFF5E", "\uD83D\uDE00");

    Map<String, String> surrogateOrder = Map.of("\uD83D\uDE00", "emoji", "\uE000", "private");
    assertThat(GoJson.sortedKeys(surrogateOrder)).containsExactly("\uE000", "\uD83D\uDE00");
  }

  @Test
  void writerRejectsValueWithoutName() {
    GoJson json = new GoJson().beginObject();
    assertThatThrownBy(() -> json.value("x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void writerRejectsIncompleteDocument() {
    GoJson json = new GoJson().beginObject().name("a");
    assertThatThrownBy(json::toByteArray).isInstanceOf(IllegalStateException.class);
  }
}
