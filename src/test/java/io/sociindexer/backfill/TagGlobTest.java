package io.sociindexer.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TagGlobTest {

  @Test
  void globStar() {
    TagGlob glob = new TagGlob("v1.*");

    assertThat(glob.matches("v1.0")).isTrue();
    assertThat(glob.matches("v1.2.3")).isTrue();
    assertThat(glob.matches("v10")).isFalse();
    assertThat(glob.matches("xv1.0")).isFalse();
  }

  @Test
  void globQuestionMark() {
    assertThat(new TagGlob("v?").matches("v1")).isTrue();
    assertThat(new TagGlob("v?").matches("v12")).isFalse();
  }

  @Test
  void globRegexCharactersAreLiteral() {
    assertThat(new TagGlob("a+b").matches("a+b")).isTrue();
    assertThat(new TagGlob("a+b").matches("aab")).isFalse();
  }

  @Test
  void globOrAll() {
    assertThat(TagGlob.orAll(null)).isEqualTo(TagGlob.ALL);
    assertThat(TagGlob.orAll(" ")).isEqualTo(TagGlob.ALL);
    assertThat(TagGlob.ALL.matches("anything")).isTrue();
  }

  @Test
  void globEmpty() {
    assertThatThrownBy(() -> new TagGlob(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use * for every tag");
  }
}
