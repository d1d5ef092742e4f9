package io.sociindexer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainCommandTest {

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void helpPrintsCommands(String option) {
    Result result = run(option);

    assertThat(result.status).hasValue(0);
    assertThat(result.out).contains("Usage:").contains("soci-indexer index REFERENCE");
    assertThat(result.out).contains("--server.port=9090");
    assertThat(result.err).isEmpty();
  }

  @Test
  void helpIndexPrintsIndexUsage() {
    Result result = run("help", "index");

    assertThat(result.status).hasValue(0);
    assertThat(result.out).contains("--min-layer-size SIZE");
  }

  @Test
  void unknownCommandExitsTwo() {
    Result result = run("indx", "foo");

    assertThat(result.status).hasValue(2);
    assertThat(result.err).contains("unknown command 'indx'").contains("--help");
    assertThat(result.out).isEmpty();
  }

  @Test
  void indexCommandRuns() {
    Result result = run("index", "--help");

    assertThat(result.status).hasValue(0);
    assertThat(result.out).contains("--min-layer-size SIZE");
  }

  @Test
  void noArgumentsStartService() {
    assertThat(run().status).isEmpty();
    assertThat(MainCommand.startsService(List.of())).isTrue();
  }

  @Test
  void springOptionsStartService() {
    List<String> args = List.of("--server.port=9090", "--soci-indexer.x=y");

    assertThat(MainCommand.startsService(args)).isTrue();
    assertThat(run(args.toArray(String[]::new)).status).isEmpty();
  }

  @Test
  void helpDoesNotStartService() {
    assertThat(MainCommand.startsService(List.of("--help"))).isFalse();
    assertThat(MainCommand.startsService(List.of("-h"))).isFalse();
    assertThat(MainCommand.startsService(List.of("help"))).isFalse();
    assertThat(MainCommand.startsService(List.of("indx"))).isFalse();
  }

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    OptionalInt status =
        new MainCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(List.of(args));
    return new Result(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Result(OptionalInt status, String out, String err) {}
}
