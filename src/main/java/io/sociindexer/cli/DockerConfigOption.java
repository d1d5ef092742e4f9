package io.sociindexer.cli;

import io.sociindexer.registry.auth.DockerConfigCredentialProvider;
import java.nio.file.Path;

/** The {@code --docker-config FILE} option that the commands share. */
final class DockerConfigOption {

  private DockerConfigOption() {}

  /**
   * Reads the credentials in {@code file}, or in the docker CLI's default file when null. A file
   * that cannot be used fails with a message that starts with the option name.
   */
  static DockerConfigCredentialProvider credentials(Path file) {
    if (file == null) {
      return DockerConfigCredentialProvider.fromEnvironment();
    }
    try {
      return DockerConfigCredentialProvider.fromFile(file);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--docker-config: " + e.getMessage(), e);
    }
  }
}
