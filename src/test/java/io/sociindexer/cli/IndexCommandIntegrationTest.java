package io.sociindexer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.RegistryReader;
import io.sociindexer.testing.SociOutputChecks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code soci-indexer index} against a real registry (Debian's docker-registry) holding
 * images made from real files and pushed with skopeo, then reads the output back from the registry
 * and checks it the way soci's snapshotter would use it.
 */
class IndexCommandIntegrationTest {

  private static final Path JDK = Path.of(System.getProperty("java.home"));

  private static LocalRegistry registry;

  @TempDir Path work;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void multiLayerImageFromRealFiles() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer jdk = image.layerFromDirectory(JDK, "pigz -c");
    OciImageBuilder.Layer perl = image.layerFromDirectory(Path.of("/usr/share/perl"), null);
    OciImageBuilder.Layer zoneinfo = image.layerFromDirectory(Path.of("/usr/share/zoneinfo"), "gzip -c -n");
    image.tag(image.manifest("linux", "amd64", List.of(jdk, perl, zoneinfo)), "1.0");
    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/jdk:1.0");
    RegistryReader reader = new RegistryReader(registry.host(), "jdk");
    byte[] sourceBefore = reader.manifest("1.0").orElseThrow().bytes();

    Run run = index(registry.host() + "/jdk:1.0", "--plain-http");

    assertThat(run.status).as(run.err).isZero();
    assertThat(run.out).contains("layer " + jdk.digest() + " indexed");
    assertThat(run.out).contains("layer " + perl.digest() + " indexed");
    assertThat(run.out).contains("layer " + zoneinfo.digest() + " skipped: size");
    assertThat(run.out).contains("tagged 1.0-soci");
    SociOutputChecks.Checked checked = SociOutputChecks.verify(reader, "1.0-soci");
    assertThat(checked.ztocLayerDigests()).containsExactly(jdk.digest().toString(), perl.digest().toString());
    assertThat(reader.manifest("1.0").orElseThrow().bytes()).as("source tag untouched").isEqualTo(sourceBefore);
  }

  @Test
  void twoPlatformImage() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer python = image.layerFromDirectory(Path.of("/usr/lib/python3"), "gzip -c -n");
    OciImageBuilder.Layer i18n = image.layerFromDirectory(Path.of("/usr/share/i18n"), "pigz -c");
    OciImageBuilder.Manifest amd64 = image.manifest("linux", "amd64", List.of(python));
    OciImageBuilder.Manifest arm64 = image.manifest("linux", "arm64", List.of(i18n));
    image.tagIndex(List.of(amd64, arm64), "multi");
    Commands.skopeoPush(image.layout(), "multi", registry.host() + "/multi:multi");

    Run run = index(registry.host() + "/multi:multi", "--plain-http", "--min-layer-size", "1MiB");

    assertThat(run.status).as(run.err).isZero();
    SociOutputChecks.Checked checked =
        SociOutputChecks.verify(new RegistryReader(registry.host(), "multi"), "multi-soci");
    assertThat(checked.sociIndexes()).isEqualTo(2);
    assertThat(checked.ztocLayerDigests())
        .containsExactly(python.digest().toString(), i18n.digest().toString());
  }

  @Test
  void smallImageHasNothingToIndex() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer small = image.layerFromDirectory(Path.of("/usr/share/zoneinfo"), "gzip -c -n");
    image.tag(image.manifest("linux", "amd64", List.of(small)), "small");
    Commands.skopeoPush(image.layout(), "small", registry.host() + "/small:small");

    Run run = index(registry.host() + "/small:small", "--plain-http");

    assertThat(run.status).as(run.err).isZero();
    assertThat(run.out).contains("nothing to index");
    assertThat(run.out).contains("is below the minimum layer size of 10485760 bytes (10 MiB)");
    RegistryReader reader = new RegistryReader(registry.host(), "small");
    assertThat(reader.manifest("small-soci")).isEmpty();
  }

  @Test
  void ociLayoutIsIndexedInPlace() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer python = image.layerFromDirectory(Path.of("/usr/lib/python3"), "pigz -c");
    image.tag(image.manifest("linux", "amd64", List.of(python)), "v1");

    Run run = index("--oci-layout", image.layout().toString());

    assertThat(run.status).as(run.err).isZero();
    String indexJson = Files.readString(image.layout().resolve("index.json"));
    assertThat(indexJson).contains("\"v1-soci\"").contains("\"v1\"");
    assertThat(run.out).contains("layer " + python.digest() + " indexed");
  }

  @Test
  void packagedJarRunsTheCommand() throws Exception {
    Path jar = Path.of("target/soci-indexer.jar");
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer perl = image.layerFromDirectory(Path.of("/usr/share/perl"), "gzip -c -n");
    image.tag(image.manifest("linux", "amd64", List.of(perl)), "jar");
    Commands.skopeoPush(image.layout(), "jar", registry.host() + "/jar:jar");

    String output =
        Commands.run(
            List.of(
                JDK.resolve("bin/java").toString(),
                "-jar",
                jar.toString(),
                "index",
                registry.host() + "/jar:jar",
                "--plain-http",
                "--min-layer-size",
                "1MiB"));

    assertThat(output).contains("tagged jar-soci").doesNotContain("WARNING");
    SociOutputChecks.verify(new RegistryReader(registry.host(), "jar"), "jar-soci");
  }

  @Test
  void unknownRegistryFailsWithOneLine() {
    Run run = index("127.0.0.1:1/missing:1", "--plain-http");

    assertThat(run.status).isEqualTo(1);
    assertThat(run.err.strip().lines()).hasSize(1);
    assertThat(run.err).contains("127.0.0.1:1");
  }

  private static Run index(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new IndexCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(List.of(args));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int status, String out, String err) {}
}
