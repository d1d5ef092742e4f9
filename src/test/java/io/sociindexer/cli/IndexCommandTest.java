package io.sociindexer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.layer.LayerLimits;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexCommandTest {

  @Test
  void helpPrintsUsage() {
    Result result = run("--help");

    assertThat(result.status).isZero();
    assertThat(result.out).contains("Usage:").contains("--min-layer-size SIZE");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | missing image reference",
        "--bogus | unknown option --bogus",
        "app:1 --span-size | --span-size needs a value",
        "app:1 --span-size 0 | --span-size must be greater than zero",
        "app:1 --span-size lots | invalid size for --span-size: 'lots'",
        "app:1 --platform linux | invalid platform 'linux'",
        "app:1 --in-place --tag-suffix -x | cannot be used together",
        "app:1 --tag-suffix '' | invalid --tag-suffix '': the tag suffix must not be empty",
        "app:1 --tag-suffix /soci | invalid --tag-suffix '/soci': use only the tag characters",
        "app:1 --tag-suffix -só | invalid --tag-suffix '-só'",
        "app:1 --tag-suffix=a:b | invalid --tag-suffix 'a:b'",
        "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef --in-place"
            + " | --in-place moves a tag, but app@sha256:",
        "app:1 --plain-http=yes | --plain-http takes no value, but got 'yes'",
        "app:1 --span-size=0 | --span-size must be greater than zero",
        "app:1 --span-size= | invalid size for --span-size: ''",
        "app:1 --bogus=1 | unknown option --bogus",
        "app:1 --layer-concurrency 0 | invalid --layer-concurrency '0': expected a whole number"
            + " from 1 to 64",
        "app:1 --layer-concurrency=two | invalid --layer-concurrency 'two'",
        "http://127.0.0.1:5055/app:1 | references take no scheme (http:// or https://), so"
            + " remove it. Pass --plain-http for a registry that serves HTTP without TLS",
        "https://ghcr.io/app:1 | references take no scheme (http:// or https://), so remove it",
        "app:1 other:2 | more than one image reference",
        "Bad/Name | invalid repository name",
        "app:1 --tag v1 | --tag applies to --oci-layout",
        "--oci-layout /nonexistent/layout | OCI layout directory not found: /nonexistent/layout",
      })
  void usageErrorsExitTwo(String args, String message) {
    Result result = run(args.isBlank() ? new String[0] : args.split(" "));

    assertThat(result.status).isEqualTo(2);
    assertThat(result.err).contains(message);
  }

  @Test
  void longTagSuffixRejected() {
    Result result = run("app:1", "--tag-suffix", "-" + "s".repeat(127));

    assertThat(result.status).isEqualTo(2);
    assertThat(result.err).contains("invalid --tag-suffix: it has 128 characters, but at most 127");
  }

  @Test
  void longestTagSuffixAccepted() {
    IndexCommand.Arguments parsed =
        IndexCommand.Arguments.parse(List.of("app:1", "--tag-suffix", "-" + "s".repeat(126)));

    assertThat(parsed.options.tagSuffix()).hasSize(127);
  }

  @Test
  void equalsFormSetsValues() {
    IndexCommand.Arguments parsed =
        IndexCommand.Arguments.parse(
            List.of(
                "127.0.0.1:5000/app:1",
                "--span-size=2MiB",
                "--min-layer-size=0",
                "--platform=linux/arm64/v8",
                "--tag-suffix=.soci",
                "--docker-config=/tmp/config.json"));

    assertThat(parsed.options.spanSize()).isEqualTo(2L << 20);
    assertThat(parsed.options.minLayerSize()).isZero();
    assertThat(parsed.options.platforms()).extracting(Object::toString).containsExactly("linux/arm64/v8");
    assertThat(parsed.options.tagSuffix()).isEqualTo(".soci");
    assertThat(parsed.dockerConfig).hasToString("/tmp/config.json");
  }

  @Test
  void layerLimitOptionsSetLimits() {
    IndexCommand.Arguments parsed =
        IndexCommand.Arguments.parse(
            List.of(
                "127.0.0.1:5000/app:1",
                "--max-uncompressed-layer-size=8GiB",
                "--max-inflate-ratio",
                "0",
                "--inflate-ratio-check-above=512MiB",
                "--max-tar-entries=100000",
                "--max-ztoc-size=64MiB"));

    LayerLimits limits = parsed.options.layerLimits();
    assertThat(limits.maxUncompressedSize()).isEqualTo(8L << 30);
    assertThat(limits.maxInflateRatio()).isZero();
    assertThat(limits.ratioCheckAbove()).isEqualTo(512L << 20);
    assertThat(limits.maxEntries()).isEqualTo(100_000);
    assertThat(limits.maxZtocSize()).isEqualTo(64L << 20);
  }

  @Test
  void layerLimitDefaultsWithoutOptions() {
    IndexCommand.Arguments parsed = IndexCommand.Arguments.parse(List.of("app:1"));

    assertThat(parsed.options.layerLimits()).isEqualTo(LayerLimits.defaults());
  }

  @Test
  void negativeEntryLimitRejected() {
    assertThatThrownBy(
            () -> IndexCommand.Arguments.parse(List.of("app:1", "--max-tar-entries=-1")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--max-tar-entries")
        .hasMessageContaining("'-1'");
  }

  @Test
  void layerOptionsSetValues(@TempDir Path cache) {
    IndexCommand.Arguments parsed =
        IndexCommand.Arguments.parse(
            List.of("app:1", "--layer-concurrency", "3", "--ztoc-cache=" + cache));

    assertThat(parsed.layerConcurrency).isEqualTo(3);
    assertThat(parsed.ztocCache).isEqualTo(cache);
  }

  @Test
  void equalsFormSetsLayoutAndTag(@TempDir Path layout) {
    IndexCommand.Arguments parsed =
        IndexCommand.Arguments.parse(List.of("--oci-layout=" + layout, "--tag=v1"));

    assertThat(parsed.layout).isEqualTo(layout);
    assertThat(parsed.tag).isEqualTo("v1");
  }

  @Test
  void inPlaceAcceptsTagWithDigest() {
    String digest = "sha256:" + "ab".repeat(32);

    IndexCommand.Arguments parsed =
        IndexCommand.Arguments.parse(List.of("app:1@" + digest, "--in-place"));

    assertThat(parsed.tag).isEqualTo("1");
    assertThat(parsed.options.inPlace()).isTrue();
  }

  @Test
  void byteSizesAcceptUnits() {
    assertThat(ByteSizes.parse("--x", "4MiB")).isEqualTo(4L << 20);
    assertThat(ByteSizes.parse("--x", "512KiB")).isEqualTo(512L << 10);
    assertThat(ByteSizes.parse("--x", "1G")).isEqualTo(1L << 30);
    assertThat(ByteSizes.parse("--x", "4194304")).isEqualTo(4194304L);
  }

  @Test
  void byteSizesAcceptConfigurationUnits() {
    assertThat(ByteSizes.parse("--x", "10MB")).isEqualTo(10L << 20);
    assertThat(ByteSizes.parse("--x", "512KB")).isEqualTo(512L << 10);
    assertThat(ByteSizes.parse("--x", "2GB")).isEqualTo(2L << 30);
    assertThat(ByteSizes.parse("--x", "1TB")).isEqualTo(1L << 40);
    assertThat(ByteSizes.parse("--x", "1TiB")).isEqualTo(1L << 40);
  }

  @Test
  void byteSizesRejectUnknownUnit() {
    assertThatThrownBy(() -> ByteSizes.parse("--span-size", "4XB"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid size for --span-size: '4XB'")
        .hasMessageContaining("4MB");
  }

  @Test
  void ztocCacheFileNamesOption(@TempDir Path work) throws Exception {
    Path file = Files.writeString(work.resolve("file"), "x");

    Result result = run("--plain-http", "--ztoc-cache", file.toString(), "127.0.0.1:1/app:1.0");

    assertThat(result.status).isEqualTo(1);
    assertThat(result.err)
        .isEqualTo(
            "soci-indexer index: --ztoc-cache " + file + ": not a directory; choose a directory,"
                + " or a path where one can be created\n");
  }

  @Test
  void ociLayoutFileNamesOption(@TempDir Path work) throws Exception {
    Path file = Files.writeString(work.resolve("file"), "x");

    Result result = run("--oci-layout", file.toString());

    assertThat(result.status).isEqualTo(2);
    assertThat(result.err)
        .startsWith(
            "soci-indexer index: --oci-layout " + file + ": not a directory; give the directory"
                + " of an OCI image layout\n");
  }

  @Test
  void dockerConfigDirectoryNamesOption(@TempDir Path work) {
    Result result =
        run("--plain-http", "--docker-config", work.toString(), "127.0.0.1:1/app:1.0");

    assertThat(result.status).isEqualTo(1);
    assertThat(result.err)
        .isEqualTo(
            "soci-indexer index: --docker-config: docker config file " + work + " is a directory;"
                + " give the path of the config.json in it\n");
  }

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new IndexCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(List.of(args).stream().map(a -> a.replace("''", "")).toList());
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Result(int status, String out, String err) {}
}
