package io.sociindexer.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {

  @Test
  void sha256OfEmptyJsonObject() {
    Digest digest = Digest.sha256("{}".getBytes(StandardCharsets.UTF_8));

    assertThat(digest)
        .hasToString("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  }

  @Test
  void parseRoundTrips() {
    String text = "sha256:" + "0123456789abcdef".repeat(4);

    assertThat(Digest.parse(text)).hasToString(text);
  }

  @Test
  void parseRejectsUppercaseHex() {
    assertThatThrownBy(() -> Digest.parse("sha256:" + "AB".repeat(32)))
        .hasMessageContaining("lowercase hex");
  }

  @Test
  void parseRejectsMissingAlgorithm() {
    assertThatThrownBy(() -> Digest.parse("abc")).hasMessageContaining("expected algorithm:hex");
  }
}
