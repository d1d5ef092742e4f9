package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.config.SociIndexerProperties.WebhookSourceSettings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SenderCredentialsTest {

  static WebhookRequest request(Map<String, List<String>> headers, String query) {
    return new WebhookRequest(
        new byte[0], headers, WebhookRequests.query(query), "application/json");
  }

  static WebhookSourceSettings settings(String secret) {
    WebhookSourceSettings settings = new WebhookSourceSettings();
    settings.setSecret(secret);
    return settings;
  }

  @Test
  void unsetSecretRejectsUnlessOpen() {
    var closed = SenderCredentials.header("harbor", settings(null), "Authorization", false);
    var open = SenderCredentials.header("distribution", settings(null), "Authorization", true);

    assertThatThrownBy(() -> closed.check(request(Map.of(), null)))
        .isInstanceOf(WebhookAuthenticationException.class)
        .hasMessageContaining("soci-indexer.webhook.sources.harbor.secret");
    assertThatCode(() -> open.check(request(Map.of(), null))).doesNotThrowAnyException();
  }

  @Test
  void allowUnauthenticatedOpensSource() {
    WebhookSourceSettings settings = settings(" ");
    settings.setAllowUnauthenticated(true);

    var credentials = SenderCredentials.queryToken("quay", settings);

    assertThatCode(() -> credentials.check(request(Map.of(), null))).doesNotThrowAnyException();
  }

  @Test
  void basicAuthFromUsernameAndPassword() throws Exception {
    WebhookSourceSettings settings = new WebhookSourceSettings();
    settings.setUsername("registry");
    settings.setPassword("pa:ss");
    var credentials = SenderCredentials.header("acr", settings, "Authorization", false);
    String basic =
        "Basic " + Base64.getEncoder().encodeToString("registry:pa:ss".getBytes(StandardCharsets.UTF_8));

    credentials.check(request(Map.of("authorization", List.of(basic)), null));
    assertThatThrownBy(
            () -> credentials.check(request(Map.of("authorization", List.of("Basic eDp5")), null)))
        .isInstanceOf(WebhookAuthenticationException.class);
  }

  @Test
  void queryTokenDecoded() throws Exception {
    var credentials = SenderCredentials.queryToken("dockerhub", settings("a b+c/="));

    credentials.check(request(Map.of(), "x=1&token=a%20b%2Bc%2F%3D"));
    credentials.check(request(Map.of(), "token=a+b%2Bc%2F%3D"));
    assertThatThrownBy(() -> credentials.check(request(Map.of(), "token=a%2Bb%2Bc%2F%3D")))
        .isInstanceOf(WebhookAuthenticationException.class);
  }

  @Test
  void messagesOmitSecrets() {
    var credentials = SenderCredentials.header("gitlab", settings("Bearer s3cret"), "Authorization", false);

    assertThatThrownBy(
            () -> credentials.check(request(Map.of("authorization", List.of("Bearer guess")), null)))
        .hasMessageNotContaining("s3cret")
        .hasMessageNotContaining("guess");
  }
}
