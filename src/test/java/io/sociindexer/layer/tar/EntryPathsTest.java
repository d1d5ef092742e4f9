package io.sociindexer.layer.tar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntryPathsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "inside",
      value = {
        "app/file | inside",
        "./app/ | inside",
        "./a/../b | inside",
        "a/.. | inside",
        "a/b/../../c | inside",
        "..a/b | inside",
        "a/..b | inside",
        ". | inside",
        ".. | climbs out of the layer root with \"..\"",
        "../x | climbs out of the layer root with \"..\"",
        "a/../../x | climbs out of the layer root with \"..\"",
        "./../x | climbs out of the layer root with \"..\"",
        "a//..//..//x | climbs out of the layer root with \"..\"",
        "/etc/passwd | is an absolute path",
        "/ | is an absolute path",
      })
  void escapeReasonMatchesCleanedPath(String path, String expected) {
    String reason = EntryPaths.escapeReason(path.getBytes(StandardCharsets.UTF_8));

    assertThat(reason).as("reason for %s", path).isEqualTo(expected);
  }
}
