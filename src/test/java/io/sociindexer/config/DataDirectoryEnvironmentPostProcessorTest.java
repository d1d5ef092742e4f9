package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DataDirectoryEnvironmentPostProcessorTest {

  @TempDir Path work;

  @Test
  void missingDirectoryIsCreated() {
    Path data = work.resolve("data");

    String published = absoluteDataDir(data);

    assertThat(published).isEqualTo(data.toAbsolutePath().normalize().toString());
    assertThat(data).isDirectory();
  }

  @Test
  void regularFileFailsNamingSetting() throws Exception {
    Path file = Files.writeString(work.resolve("file"), "x");

    IllegalArgumentException failure =
        catchThrowableOfType(
            IllegalArgumentException.class, () -> absoluteDataDir(file));

    assertThat(failure)
        .hasMessage(
            "soci-indexer.data-dir " + file + ": not a directory; choose a directory, or a path"
                + " where one can be created");
    FailureAnalysis analysis = new InvalidSettingFailureAnalyzer().analyze(failure);
    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription()).startsWith("soci-indexer.data-dir " + file);
  }

  @Test
  void directoryUnderAFileCannotBeCreated() throws Exception {
    Path file = Files.writeString(work.resolve("file"), "x");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> absoluteDataDir(file.resolve("data")))
        .withMessageStartingWith("soci-indexer.data-dir " + file.resolve("data") + ": cannot be created");
  }

  private static String absoluteDataDir(Path dataDir) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(new MapPropertySource("test", Map.of("soci-indexer.data-dir", dataDir.toString())));
    new DataDirectoryEnvironmentPostProcessor()
        .postProcessEnvironment(environment, new SpringApplication());
    return environment.getProperty(DataDirectoryEnvironmentPostProcessor.ABSOLUTE_PROPERTY);
  }
}
