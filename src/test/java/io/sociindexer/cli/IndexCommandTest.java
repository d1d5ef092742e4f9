package io.sociindexer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

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
        "app:1 --tag-suffix '' | tag suffix must not be empty",
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
  void byteSizesAcceptUnits() {
    assertThat(ByteSizes.parse("--x", "4MiB")).isEqualTo(4L << 20);
    assertThat(ByteSizes.parse("--x", "512KiB")).isEqualTo(512L << 10);
    assertThat(ByteSizes.parse("--x", "1G")).isEqualTo(1L << 30);
    assertThat(ByteSizes.parse("--x", "4194304")).isEqualTo(4194304L);
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
