package io.sociindexer.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialProviderTest {

  @TempDir Path directory;

  private Path write(String json) throws IOException {
    Path file = directory.resolve("config.json");
    Files.writeString(file, json);
    return file;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void authField() throws IOException {
    Path file = write("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + base64("me:pa:ss") + "\"}}}");

    DockerConfigCredentialProvider provider = DockerConfigCredentialProvider.fromFile(file);

    assertThat(provider.credentialsFor("ghcr.io")).contains(new Credential("me", "pa:ss"));
    assertThat(provider.credentialsFor("quay.io")).isEmpty();
  }

  @Test
  void usernamePasswordFields() throws IOException {
    Path file = write("{\"auths\":{\"127.0.0.1:5000\":{\"username\":\"u\",\"password\":\"p\"}}}");

    assertThat(DockerConfigCredentialProvider.fromFile(file).credentialsFor("127.0.0.1:5000"))
        .contains(new Credential("u", "p"));
  }

  @Test
  void identityToken() throws IOException {
    Path file = write("{\"auths\":{\"myacr.azurecr.io\":{\"auth\":\"" + base64("user:")
        + "\",\"identitytoken\":\"refresh-1\"}}}");

    Credential credential =
        DockerConfigCredentialProvider.fromFile(file).credentialsFor("myacr.azurecr.io").orElseThrow();

    assertThat(credential.isIdentityToken()).isTrue();
    assertThat(credential.username()).isEqualTo("<token>");
    assertThat(credential.secret()).isEqualTo("refresh-1");
  }

  @Test
  void dockerHubAliases() throws IOException {
    Path file = write("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + base64("hub:pw")
        + "\"},\"https://Registry.Example.com/v2/\":{\"auth\":\"" + base64("ex:pw") + "\"}}}");
    DockerConfigCredentialProvider provider = DockerConfigCredentialProvider.fromFile(file);

    assertThat(provider.credentialsFor("docker.io")).contains(new Credential("hub", "pw"));
    assertThat(provider.credentialsFor("registry-1.docker.io")).contains(new Credential("hub", "pw"));
    assertThat(provider.credentialsFor("index.docker.io")).contains(new Credential("hub", "pw"));
    assertThat(provider.credentialsFor("registry.example.com")).contains(new Credential("ex", "pw"));
  }

  @Test
  void normaliseHost() {
    assertThat(DockerConfigCredentialProvider.normaliseHost("https://index.docker.io/v1/"))
        .isEqualTo("docker.io");
    assertThat(DockerConfigCredentialProvider.normaliseHost("http://localhost:5000/v2"))
        .isEqualTo("localhost:5000");
    assertThat(DockerConfigCredentialProvider.normaliseHost("GHCR.io")).isEqualTo("ghcr.io");
  }

  @Test
  void credentialHelpersResolved() throws IOException {
    Path file = write("{\"auths\":{\"ghcr.io\":{}},\"credsStore\":\"desktop\","
        + "\"credHelpers\":{\"123.dkr.ecr.us-east-1.amazonaws.com\":\"ecr-login\"}}");
    DockerConfigCredentialProvider provider = DockerConfigCredentialProvider.fromFile(file);

    assertThat(provider.credentialHelperFor("123.dkr.ecr.us-east-1.amazonaws.com")).contains("ecr-login");
    assertThat(provider.credentialHelperFor("ghcr.io")).contains("desktop");
  }

  @Test
  void invalidAuthSkipped() throws IOException {
    Path file = write("{\"auths\":{\"a.io\":{\"auth\":\"!!!\"},\"b.io\":{\"auth\":\""
        + base64("nocolon") + "\"},\"c.io\":{\"auth\":\"" + base64("c:pw") + "\"}}}");
    DockerConfigCredentialProvider provider = DockerConfigCredentialProvider.fromFile(file);

    assertThat(provider.credentialsFor("a.io")).isEmpty();
    assertThat(provider.credentialsFor("b.io")).isEmpty();
    assertThat(provider.credentialsFor("c.io")).contains(new Credential("c", "pw"));
  }

  @Test
  void rereadsChangedFile() throws IOException {
    Path file = write("{\"auths\":{}}");
    DockerConfigCredentialProvider provider = DockerConfigCredentialProvider.fromFile(file);
    assertThat(provider.credentialsFor("ghcr.io")).isEmpty();

    write("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + base64("new:pw") + "\"}}}");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(provider.credentialsFor("ghcr.io")).contains(new Credential("new", "pw"));
  }

  @Test
  void environmentLocation() throws IOException {
    Path file = write("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + base64("env:pw") + "\"}}}");

    DockerConfigCredentialProvider fromVariable = DockerConfigCredentialProvider.fromEnvironment(
        Map.of("DOCKER_CONFIG", directory.toString()), Path.of("/nonexistent-home"));
    DockerConfigCredentialProvider fromHome =
        DockerConfigCredentialProvider.fromEnvironment(Map.of(), directory.resolve("home"));

    assertThat(fromVariable.path()).isEqualTo(file);
    assertThat(fromVariable.credentialsFor("ghcr.io")).contains(new Credential("env", "pw"));
    assertThat(fromHome.path()).isEqualTo(directory.resolve("home/.docker/config.json"));
    assertThat(fromHome.credentialsFor("ghcr.io")).isEmpty();
  }

  @Test
  void missingExplicitFile() {
    assertThatThrownBy(() -> DockerConfigCredentialProvider.fromFile(directory.resolve("none.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not found");
  }

  @Test
  void directoryInsteadOfFile() {
    assertThatThrownBy(() -> DockerConfigCredentialProvider.fromFile(directory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "docker config file " + directory + " is a directory; give the path of the config.json"
                + " in it");
  }

  @Test
  void invalidJson() throws IOException {
    Path file = write("{\"auths\":");

    assertThatThrownBy(() -> DockerConfigCredentialProvider.fromFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid docker config file");
  }

  @Test
  void credentialToStringRedacted() {
    assertThat(new Credential("me", "hunter2").toString())
        .contains("me")
        .doesNotContain("hunter2");
  }
}
