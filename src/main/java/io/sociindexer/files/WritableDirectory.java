package io.sociindexer.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Checks a directory that the program is about to write into, creating it when it is missing,
 * so that a wrong path is reported before anything else fails on it.
 */
public final class WritableDirectory {

  private WritableDirectory() {}

  /**
   * Creates {@code directory} and its parents when missing, and returns what keeps it from being
   * used, as a message that starts with {@code name} and the path and ends with what to do.
   * Returns empty when the directory can be written to.
   *
   * @param name the setting or option that gave the path, such as {@code --ztoc-cache}
   */
  public static Optional<String> check(String name, Path directory) {
    return check(name, directory, Files::isWritable);
  }

  /** Like {@link #check(String, Path)}, with the test for write access given. */
  static Optional<String> check(String name, Path directory, Predicate<Path> writable) {
    String subject = name + " " + directory;
    if (Files.isDirectory(directory)) {
      if (writable.test(directory)) {
        return Optional.empty();
      }
      return Optional.of(
          subject + ": not writable by user " + System.getProperty("user.name")
              + "; give that user write access, or choose another directory");
    }
    if (Files.exists(directory)) {
      return Optional.of(
          subject + ": not a directory; choose a directory, or a path where one can be created");
    }
    try {
      Files.createDirectories(directory);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(
          subject + ": cannot be created (" + cause(directory, e)
              + "); create it yourself, or choose another directory");
    }
  }

  private static String cause(Path directory, IOException e) {
    if (e instanceof FileSystemException file) {
      boolean samePath = directory.toString().equals(file.getFile()) && file.getOtherFile() == null;
      return samePath ? FileErrors.reason(file) : FileErrors.describe(file);
    }
    return String.valueOf(e.getMessage());
  }
}
