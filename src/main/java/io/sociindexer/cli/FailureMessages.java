package io.sociindexer.cli;

import io.sociindexer.files.FileErrors;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the one-line message that a command prints for a failure. A file failure is worded with
 * {@link FileErrors}, because several JDK file exceptions carry only the path, and is prefixed
 * with the option that gave the path, such as {@code --oci-layout DIR}, when the file is in it.
 */
final class FailureMessages {

  /** Bounds the walk along the cause chain, which a faulty exception could make circular. */
  private static final int MAX_CAUSES = 20;

  private final Map<String, Path> pathOptions = new LinkedHashMap<>();

  /** Adds an option that names a file or directory, unless {@code path} is null. */
  FailureMessages withPath(String option, Path path) {
    if (path != null) {
      pathOptions.put(option, path);
    }
    return this;
  }

  /** Returns the message for {@code failure} on one line. */
  String oneLine(Throwable failure) {
    return text(failure).replace('\n', ' ');
  }

  private String text(Throwable failure) {
    FileSystemException direct = FileErrors.find(failure);
    if (direct != null) {
      return withOption(direct, FileErrors.describe(direct));
    }
    String message = failure.getMessage() == null
        ? failure.getClass().getSimpleName()
        : failure.getMessage();
    FileSystemException cause = fileCause(failure);
    if (cause == null) {
      return message;
    }
    boolean named = cause.getFile() != null && message.contains(cause.getFile());
    return message + ": " + (named ? FileErrors.reason(cause) : FileErrors.describe(cause));
  }

  /** Returns "--option PATH: ..." for a file given by an option or inside its directory. */
  private String withOption(FileSystemException failure, String described) {
    if (failure.getFile() == null) {
      return described;
    }
    Path file = normalized(Path.of(failure.getFile()));
    for (Map.Entry<String, Path> option : pathOptions.entrySet()) {
      Path optionPath = normalized(option.getValue());
      if (file.equals(optionPath)) {
        return option.getKey() + " " + described;
      }
      if (file.startsWith(optionPath)) {
        return option.getKey() + " " + option.getValue() + ": " + described;
      }
    }
    return described;
  }

  private static FileSystemException fileCause(Throwable failure) {
    Throwable cause = failure.getCause();
    for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
      if (cause instanceof FileSystemException file) {
        return file;
      }
      cause = cause.getCause();
    }
    return null;
  }

  private static Path normalized(Path path) {
    return path.toAbsolutePath().normalize();
  }
}
