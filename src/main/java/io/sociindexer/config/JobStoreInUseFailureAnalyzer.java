package io.sociindexer.config;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains a startup that failed because another process has the embedded H2 job store open, as
 * when a second service starts with the same data directory. H2's own advice, its server mode,
 * does not apply here, because several replicas share a PostgreSQL store instead.
 */
public final class JobStoreInUseFailureAnalyzer implements FailureAnalyzer {

  /** H2's error code for a database file that another process has open. */
  static final int H2_DATABASE_ALREADY_OPEN = 90020;

  private static final Pattern QUOTED_PATH = Pattern.compile("\"([^\"]+)\"");

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    SQLException inUse = findInUse(failure);
    if (inUse == null) {
      return null;
    }

    String description =
        "The embedded job store " + databaseFile(inUse) + " is open in another process,"
            + " probably another soci-indexer that uses the same soci-indexer.data-dir.";
    String action =
        "Stop the other process, or give this one its own directory with"
            + " --soci-indexer.data-dir=DIR. To run several replicas on one job store, set"
            + " spring.datasource.url to the jdbc:postgresql:// URL of one PostgreSQL database,"
            + " with spring.datasource.username and spring.datasource.password, on every replica."
            + " The source repository has an example in config/application-postgresql.yml.";
    return new FailureAnalysis(description, action, inUse);
  }

  private static SQLException findInUse(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
        return sql;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  private static String databaseFile(SQLException inUse) {
    String message = inUse.getMessage();
    Matcher quoted = message == null ? null : QUOTED_PATH.matcher(message);
    return quoted != null && quoted.find() ? quoted.group(1) : "(file not named by H2)";
  }
}
