package io.sociindexer.job;

import java.util.Locale;

/** The stage of a job. {@code QUEUED} and {@code RUNNING} are active, and the rest are final. */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  SKIPPED,
  FAILED,
  CANCELLED;

  public boolean isActive() {
    return this == QUEUED || this == RUNNING;
  }

  /** Returns the lowercase name used in the API and the database, such as {@code queued}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a lowercase or uppercase state name; throws {@link IllegalArgumentException}. */
  public static JobState fromWireName(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid job state '" + name
              + "': expected queued, running, succeeded, skipped, failed or cancelled");
    }
  }
}
