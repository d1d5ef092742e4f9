package io.sociindexer.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.junit.jupiter.api.Test;

class FileErrorsTest {

  @Test
  void exceptionsThatCarryOnlyThePathAreWorded() {
    assertThat(FileErrors.describe(new NoSuchFileException("/x/a")))
        .isEqualTo("/x/a: no such file or directory");
    assertThat(FileErrors.describe(new AccessDeniedException("/x/a")))
        .isEqualTo("/x/a: permission denied");
    assertThat(FileErrors.describe(new FileAlreadyExistsException("/x/a")))
        .isEqualTo("/x/a: already exists");
    assertThat(FileErrors.describe(new NotDirectoryException("/x/a")))
        .isEqualTo("/x/a: not a directory");
  }

  @Test
  void ownReasonAndSecondFileAreKept() {
    assertThat(FileErrors.describe(new FileSystemException("/x/a", "/x/b", "Read-only file system")))
        .isEqualTo("/x/a -> /x/b: Read-only file system");
  }

  @Test
  void wrappedFileExceptionIsFound() {
    NoSuchFileException missing = new NoSuchFileException("/x/a");

    assertThat(FileErrors.find(missing)).isSameAs(missing);
    assertThat(FileErrors.find(new UncheckedIOException(missing))).isSameAs(missing);
    assertThat(FileErrors.find(new IOException(missing))).isSameAs(missing);
    assertThat(FileErrors.find(new IOException("reading /x/a failed", missing))).isNull();
  }
}
