package io.sociindexer.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReferenceTest {

  @ParameterizedTest
  @CsvSource({
    "nginx, docker.io, library/nginx, latest",
    "nginx:1.27, docker.io, library/nginx, 1.27",
    "user/app:v1, docker.io, user/app, v1",
    "docker.io/nginx, docker.io, library/nginx, latest",
    "index.docker.io/library/nginx:1, docker.io, library/nginx, 1",
    "localhost/app, localhost, app, latest",
    "localhost:5000/app:dev, localhost:5000, app, dev",
    "127.0.0.1:5000/team/app:1.0, 127.0.0.1:5000, team/app, 1.0",
    "ghcr.io/org/sub/app:main, ghcr.io, org/sub/app, main",
  })
  void parseAppliesDockerDefaults(String text, String registry, String repository, String tag) {
    Reference reference = Reference.parse(text);

    assertThat(reference.registry()).isEqualTo(registry);
    assertThat(reference.repository()).isEqualTo(repository);
    assertThat(reference.tag()).isEqualTo(tag);
    assertThat(reference.digest()).isNull();
  }

  @Test
  void parseDigestReference() {
    String digest = "sha256:" + "ab".repeat(32);

    Reference reference = Reference.parse("127.0.0.1:5000/app@" + digest);

    assertThat(reference.tag()).isNull();
    assertThat(reference.digest()).isEqualTo(Digest.parse(digest));
    assertThat(reference.identifier()).isEqualTo(digest);
    assertThat(reference).hasToString("127.0.0.1:5000/app@" + digest);
  }

  @Test
  void parseTagAndDigestKeepsBoth() {
    String digest = "sha256:" + "cd".repeat(32);

    Reference reference = Reference.parse("ghcr.io/org/app:1.0@" + digest);

    assertThat(reference.tag()).isEqualTo("1.0");
    assertThat(reference.identifier()).isEqualTo(digest);
  }

  @Test
  void dockerHubApiHost() {
    assertThat(Reference.parse("nginx").apiHost()).isEqualTo("registry-1.docker.io");
    assertThat(Reference.parse("quay.io/a/b").apiHost()).isEqualTo("quay.io");
  }

  @ParameterizedTest
  @CsvSource({
    "'', empty",
    "UPPER/case, invalid repository name",
    "app@sha256:xyz, invalid sha256 digest",
    "app@md5:abcd, unsupported digest algorithm",
    "'app:bad tag', invalid",
    "'host:5000/app:-x', invalid tag",
  })
  void parseRejectsInvalidText(String text, String expectedMessagePart) {
    assertThatThrownBy(() -> Reference.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expectedMessagePart);
  }

  @ParameterizedTest
  @CsvSource({"http://127.0.0.1:5055/app:1", "https://ghcr.io/org/app", "oci://registry/app"})
  void parseRejectsScheme(String text) {
    assertThatThrownBy(() -> Reference.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid image reference '" + text
                + "': references take no scheme (http:// or https://), so remove it");
  }

  @Test
  void withTagDropsDigest() {
    Reference reference = Reference.parse("127.0.0.1:5000/app:1@sha256:" + "ef".repeat(32));

    assertThat(reference.withTag("1-soci")).hasToString("127.0.0.1:5000/app:1-soci");
  }
}
