package io.sociindexer.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * Words the JDK's file exceptions for people. Several of them, such as {@link
 * NoSuchFileException} and {@link AccessDeniedException}, carry only the path as their message,
 * so the message alone names the file but not the failure.
 */
public final class FileErrors {

  private FileErrors() {}

  /** Returns "PATH: REASON", or "PATH -> OTHER: REASON" for a failure that names two files. */
  public static String describe(FileSystemException e) {
    String files = e.getOtherFile() == null ? e.getFile() : e.getFile() + " -> " + e.getOtherFile();
    return files == null ? reason(e) : files + ": " + reason(e);
  }

  /**
   * Returns what went wrong: the exception's own reason, such as "Read-only file system", or one
   * that its type implies.
   */
  public static String reason(FileSystemException e) {
    if (e.getReason() != null) {
      return e.getReason();
    }
    return switch (e) {
      case NoSuchFileException missing -> "no such file or directory";
      case AccessDeniedException denied -> "permission denied";
      case FileAlreadyExistsException exists -> "already exists";
      case NotDirectoryException notDirectory -> "not a directory";
      case DirectoryNotEmptyException notEmpty -> "directory not empty";
      case NotLinkException notLink -> "not a symbolic link";
      default -> e.getClass().getSimpleName();
    };
  }

  /**
   * Returns the file exception that {@code failure} is or wraps directly, as {@link
   * UncheckedIOException} does, or null.
   */
  public static FileSystemException find(Throwable failure) {
    if (failure instanceof FileSystemException file) {
      return file;
    }
    if (failure instanceof UncheckedIOException unchecked) {
      return find(unchecked.getCause());
    }
    if (failure instanceof IOException && failure.getCause() instanceof FileSystemException file
        && String.valueOf(failure.getMessage()).equals(file.toString())) {
      return file;
    }
    return null;
  }
}
