package io.sociindexer.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WwwAuthenticateParserTest {

  @Test
  void bearerParameters() {
    List<AuthChallenge> challenges = WwwAuthenticateParser.parse(
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
            + "scope=\"repository:library/nginx:pull\"");

    assertThat(challenges).hasSize(1);
    AuthChallenge bearer = challenges.getFirst();
    assertThat(bearer.isBearer()).isTrue();
    assertThat(bearer.realm()).isEqualTo("https://auth.docker.io/token");
    assertThat(bearer.service()).isEqualTo("registry.docker.io");
    assertThat(bearer.scopes()).containsExactly("repository:library/nginx:pull");
  }

  @Test
  void escapedQuotesAndSpaces() {
    AuthChallenge challenge = WwwAuthenticateParser.parse(
        "bearer  Realm = \"https://a/t\" , error=\"say \\\"no\\\", twice\" ,scope=\"a:b:pull c:d:push\"")
        .getFirst();

    assertThat(challenge.scheme()).isEqualTo("bearer");
    assertThat(challenge.realm()).isEqualTo("https://a/t");
    assertThat(challenge.parameter("ERROR")).isEqualTo("say \"no\", twice");
    assertThat(challenge.scopes()).containsExactly("a:b:pull", "c:d:push");
  }

  @Test
  void severalChallenges() {
    List<AuthChallenge> challenges = WwwAuthenticateParser.parse(
        "Negotiate abc123==, Basic realm=\"Registry Realm\", Bearer realm=\"https://t\",service=s");

    assertThat(challenges).extracting(AuthChallenge::scheme)
        .containsExactly("negotiate", "basic", "bearer");
    assertThat(challenges.get(0).token68()).isEqualTo("abc123==");
    assertThat(challenges.get(1).realm()).isEqualTo("Registry Realm");
    assertThat(challenges.get(2).service()).isEqualTo("s");
  }

  @Test
  void severalHeaderValues() {
    List<AuthChallenge> challenges =
        WwwAuthenticateParser.parse(List.of("Basic realm=x", "Bearer realm=\"https://t\""));

    assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
  }

  @Test
  void schemeWithoutParameters() {
    List<AuthChallenge> challenges = WwwAuthenticateParser.parse("Basic, Bearer realm=\"r\"");

    assertThat(challenges).hasSize(2);
    assertThat(challenges.get(0).parameters()).isEmpty();
    assertThat(challenges.get(1).realm()).isEqualTo("r");
  }

  @Test
  void emptyHeader() {
    assertThat(WwwAuthenticateParser.parse("  ")).isEmpty();
  }

  @Test
  void unterminatedQuote() {
    assertThatThrownBy(() -> WwwAuthenticateParser.parse("Bearer realm=\"https://t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unterminated quoted string");
  }

  @Test
  void missingParameterName() {
    assertThatThrownBy(() -> WwwAuthenticateParser.parse("Bearer realm=\"r\", =\"x\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a parameter name");
  }
}
