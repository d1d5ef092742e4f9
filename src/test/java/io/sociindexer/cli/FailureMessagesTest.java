package io.sociindexer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FailureMessagesTest {

  private final FailureMessages messages =
      new FailureMessages()
          .withPath("--oci-layout", Path.of("/work/layout"))
          .withPath("--ztoc-cache", Path.of("/work/cache"))
          .withPath("--docker-config", null);

  @Test
  void fileInOptionDirectoryNamesOption() {
    AccessDeniedException denied = new AccessDeniedException("/work/layout/blobs/sha256/.tmp-1");

    assertThat(messages.oneLine(denied))
        .isEqualTo("--oci-layout /work/layout: /work/layout/blobs/sha256/.tmp-1: permission denied");
  }

  @Test
  void optionPathItselfNamesOption() {
    assertThat(messages.oneLine(new UncheckedIOException(new NotDirectoryException("/work/cache"))))
        .isEqualTo("--ztoc-cache /work/cache: not a directory");
  }

  @Test
  void otherFileIsWordedWithoutOption() {
    assertThat(messages.oneLine(new NoSuchFileException("/etc/other")))
        .isEqualTo("/etc/other: no such file or directory");
  }

  @Test
  void wrapperMessageGetsCauseReason() {
    IOException wrapper =
        new IOException("cannot read /work/x", new AccessDeniedException("/work/x"));

    assertThat(messages.oneLine(wrapper)).isEqualTo("cannot read /work/x: permission denied");
  }

  @Test
  void otherFailureKeepsItsMessageOnOneLine() {
    assertThat(messages.oneLine(new IllegalStateException("first\nsecond")))
        .isEqualTo("first second");
    assertThat(messages.oneLine(new IllegalStateException())).isEqualTo("IllegalStateException");
  }
}
