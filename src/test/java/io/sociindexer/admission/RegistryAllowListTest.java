package io.sociindexer.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryAllowListTest {

  private static final RegistryAllowList LIST =
      RegistryAllowList.of(
          List.of(
              "registry.example:5000",
              "Plain.Example",
              "127.0.0.1:5000",
              "[::1]:5001",
              "*.corp.example",
              "*.mirror.example:8443",
              "registry-1.docker.io",
              "ghcr.io"));

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Exact entries, with their port written the same.
        "registry.example:5000       | true",
        "REGISTRY.example:5000       | true",
        "registry.example            | false",
        "registry.example:5001       | false",
        "registry.example:05000      | false",
        "plain.example               | true",
        "plain.example:443           | false",
        "plain.example:80            | false",
        "evil.example:443            | false",
        // IP literals.
        "127.0.0.1:5000              | true",
        "127.0.0.1                   | false",
        "127.0.0.1:5001              | false",
        "127.0.0.2:5000              | false",
        "[::1]:5001                  | true",
        "[0:0:0:0:0:0:0:1]:5001      | true",
        "[::1]:5000                  | false",
        "[::2]:5001                  | false",
        // Wildcards cover subdomains at any depth, not the domain itself, and only their port.
        "a.corp.example              | true",
        "a.b.corp.example            | true",
        "A.Corp.Example              | true",
        "corp.example                | false",
        "evilcorp.example            | false",
        "a.corp.example:5000         | false",
        "a.corp.example.evil.test    | false",
        "m.mirror.example:8443       | true",
        "m.mirror.example            | false",
        // Docker Hub is checked as docker.io, whichever of its names the entry uses.
        "docker.io                   | true",
        "index.docker.io             | true",
        "registry-1.docker.io        | true",
        "auth.docker.io              | false",
        "ghcr.io                     | true",
        // Names that are not a plain host[:port] never pass, even with an allowed suffix.
        "evil.test/a.corp.example    | false",
        "user@a.corp.example         | false",
        "evil.test#.corp.example     | false",
        "evil.test?.corp.example     | false",
        "a.corp.example:0            | false",
        "a.corp.example:99999        | false",
        "''                          | false",
      })
  void allowListTable(String registry, boolean expected) {
    assertThat(LIST.allows(registry)).isEqualTo(expected);
  }

  @Test
  void allowListNullRejected() {
    assertThat(LIST.allows(null)).isFalse();
  }

  @Test
  void allowListEmptyRejectsAll() {
    RegistryAllowList empty = RegistryAllowList.of(List.of("", "  "));

    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.allows("registry.example")).isFalse();
    assertThat(empty.allows("127.0.0.1:5000")).isFalse();
    assertThat(empty.allows("docker.io")).isFalse();
  }

  @Test
  void allowListHubByItsName() {
    RegistryAllowList hub = RegistryAllowList.of(List.of("docker.io"));

    assertThat(hub.allows("docker.io")).isTrue();
    assertThat(hub.allows("registry-1.docker.io")).isTrue();
    assertThat(hub.allows("index.docker.io")).isTrue();
    assertThat(hub.entries()).containsExactly("docker.io");
  }

  @Test
  void allowListEntriesCanonical() {
    assertThat(LIST.entries())
        .containsExactly(
            "127.0.0.1:5000",
            "[0:0:0:0:0:0:0:1]:5001",
            "docker.io",
            "ghcr.io",
            "plain.example",
            "registry.example:5000",
            "*.corp.example",
            "*.mirror.example:8443");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://registry.example   | without a scheme or path",
        "registry.example/team      | without a scheme or path",
        "registry.example:port      | expected host[:port]",
        "registry.example:70000     | expected host[:port]",
        "*                          | expected host[:port]",
        "reg*.example               | expected host[:port]",
        "*.0.0.1                    | not an IP address",
        "*.[::1]                    | not an IP address",
        "[zz::1]                    | expected host[:port]",
        "[127.0.0.1]                | expected host[:port]",
      })
  void allowListInvalidEntry(String entry, String messagePart) {
    assertThatThrownBy(() -> RegistryAllowList.of(List.of(entry)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + entry + "'")
        .hasMessageContaining(messagePart);
  }
}
