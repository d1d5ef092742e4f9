package io.sociindexer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.config.ApiProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {

  static final String FIRST = "first-token-0123456789";
  static final String SECOND = "second-token-0123456789";

  @TempDir Path dir;

  static ApiTokens tokens(List<String> configured, List<Path> files) {
    ApiProperties properties = new ApiProperties();
    properties.setTokens(configured);
    properties.setTokenFiles(files);
    return new ApiTokens(properties);
  }

  @Test
  void everyConfiguredTokenAccepted() {
    ApiTokens tokens = tokens(List.of(FIRST, SECOND), List.of());

    assertThat(tokens.isEmpty()).isFalse();
    assertThat(tokens.accepts(FIRST)).isTrue();
    assertThat(tokens.accepts(SECOND)).isTrue();
    assertThat(tokens.accepts(FIRST + " ")).isFalse();
    assertThat(tokens.accepts(FIRST.substring(1))).isFalse();
    assertThat(tokens.accepts("")).isFalse();
  }

  @Test
  void noTokensIsEmpty() {
    assertThat(tokens(List.of(), List.of()).isEmpty()).isTrue();
  }

  @Test
  void fileSkipsCommentsAndBlankLines() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "# rotated 2026-11\n\n  " + FIRST + "  \n");

    ApiTokens tokens = tokens(List.of(), List.of(file));

    assertThat(tokens.accepts(FIRST)).isTrue();
    assertThat(tokens.accepts("# rotated 2026-11")).isFalse();
  }

  @Test
  void fileShortTokenIgnored() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "changeme\n" + FIRST + "\n");

    ApiTokens tokens = tokens(List.of(), List.of(file));

    assertThat(tokens.accepts("changeme")).isFalse();
    assertThat(tokens.accepts(FIRST)).isTrue();
  }

  @Test
  void rotatedFileReread() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), FIRST + "\n");
    ApiTokens tokens = tokens(List.of(), List.of(file));
    assertThat(tokens.accepts(FIRST)).isTrue();

    Files.writeString(file, SECOND + "\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));

    assertThat(tokens.accepts(SECOND)).isTrue();
    assertThat(tokens.accepts(FIRST)).isFalse();
  }

  @Test
  void missingFileAddsNoToken() throws Exception {
    Path file = dir.resolve("not-mounted-yet");
    ApiTokens tokens = tokens(List.of(), List.of(file));

    assertThat(tokens.isEmpty()).isTrue();

    Files.writeString(file, FIRST + "\n");
    assertThat(tokens.accepts(FIRST)).isTrue();
  }
}
