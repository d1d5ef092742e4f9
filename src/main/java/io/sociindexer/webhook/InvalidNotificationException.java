package io.sociindexer.webhook;

/**
 * Thrown when a notification cannot be read at all: malformed JSON, a field every event must have
 * is missing, or the body has the wrong content type. The whole delivery is rejected and no job is
 * stored, so the sender can fix it and send it again.
 */
public class InvalidNotificationException extends RuntimeException {

  public InvalidNotificationException(String message) {
    super(message);
  }

  public InvalidNotificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
