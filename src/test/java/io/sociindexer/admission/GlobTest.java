package io.sociindexer.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GlobTest {

  @ParameterizedTest(name = "{0} on ''{1}'' is {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "app          | app              | true",
        "app          | apps             | false",
        "app          | team/app         | false",
        "*            | app              | true",
        "*            | team/app         | false",
        "*            | ''               | true",
        "*            | NULL             | true",
        "**           | team/sub/app     | true",
        "**           | ''               | true",
        "team/*       | team/app         | true",
        "team/*       | team/sub/app     | false",
        "team/**      | team/sub/app     | true",
        "team/**      | team             | false",
        "team/**      | team/            | true",
        "**/app       | a/b/app          | true",
        "**/app       | app              | false",
        "v?           | v1               | true",
        "v?           | v10              | false",
        "v?           | v/               | false",
        "*-rc*        | 1.0-rc2          | true",
        "*-rc*        | 1.0              | false",
        "1.0          | 1x0              | false",
        "v1.*         | v1.2.3           | true",
        "a+b          | a+b              | true",
        "a+b          | aab              | false",
        "Tag          | tag              | false",
        "v*           | NULL             | false",
      })
  void globTable(String glob, String value, boolean expected) {
    assertThat(Glob.compile(glob, false).matches(value)).isEqualTo(expected);
  }

  @Test
  void globCaseInsensitive() {
    assertThat(Glob.compile("*.Example.COM", true).matches("registry.example.com")).isTrue();
    assertThat(Glob.compile("*.example.com", false).matches("registry.EXAMPLE.com")).isFalse();
  }

  @Test
  void globEmptyRejected() {
    assertThatThrownBy(() -> Glob.compile("", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use * to match any value");
  }

  @Test
  void globKeepsText() {
    assertThat(Glob.compile("team/**", false)).hasToString("team/**");
  }
}
