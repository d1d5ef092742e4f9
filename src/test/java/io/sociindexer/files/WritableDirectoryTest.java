package io.sociindexer.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritableDirectoryTest {

  @TempDir Path work;

  @Test
  void missingDirectoryIsCreated() {
    Path directory = work.resolve("a/b");

    assertThat(WritableDirectory.check("--dir", directory)).isEmpty();
    assertThat(directory).isDirectory();
  }

  @Test
  void regularFileIsNotADirectory() throws Exception {
    Path file = Files.writeString(work.resolve("file"), "x");

    assertThat(WritableDirectory.check("--dir", file))
        .hasValue(
            "--dir " + file + ": not a directory; choose a directory, or a path where one can be"
                + " created");
  }

  @Test
  void directoryUnderAFileCannotBeCreated() throws Exception {
    Path file = Files.writeString(work.resolve("file"), "x");

    assertThat(WritableDirectory.check("--dir", file.resolve("sub")))
        .hasValueSatisfying(
            problem ->
                assertThat(problem)
                    .startsWith("--dir " + file.resolve("sub") + ": cannot be created (")
                    .endsWith("); create it yourself, or choose another directory"));
  }

  @Test
  void directoryWithoutWriteAccessIsReported() {
    assertThat(WritableDirectory.check("--dir", work, path -> false))
        .hasValueSatisfying(
            problem ->
                assertThat(problem)
                    .startsWith("--dir " + work + ": not writable by user ")
                    .endsWith("; give that user write access, or choose another directory"));
  }

  /** Checks real permissions, which root bypasses, so it is skipped when the tests run as root. */
  @Test
  void readOnlyDirectoryIsNotWritable() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere");
    Path readOnly = Files.createDirectory(work.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));

    assertThat(WritableDirectory.check("--dir", readOnly)).get().asString().contains("not writable");
    assertThat(WritableDirectory.check("--dir", readOnly.resolve("sub")))
        .get()
        .asString()
        .contains("cannot be created (permission denied)");
  }
}
