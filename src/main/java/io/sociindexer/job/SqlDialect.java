package io.sociindexer.job;

import java.sql.DatabaseMetaData;
import javax.sql.DataSource;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/** The SQL that differs between the job store's two databases, H2 and PostgreSQL. */
enum SqlDialect {
  H2 {
    @Override
    String plusMillis(String millisParameter) {
      return "DATEADD(MILLISECOND, " + millisParameter + ", CURRENT_TIMESTAMP)";
    }
  },

  POSTGRESQL {
    @Override
    String plusMillis(String millisParameter) {
      return "CURRENT_TIMESTAMP + " + millisParameter + " * INTERVAL '1 millisecond'";
    }
  };

  /** Returns an SQL expression for the current database time plus a number of milliseconds. */
  abstract String plusMillis(String millisParameter);

  /**
   * Returns the dialect of the database behind {@code dataSource}, from its product name; throws
   * {@link IllegalStateException} for a database other than H2 or PostgreSQL.
   */
  static SqlDialect of(DataSource dataSource) {
    String product;
    try {
      product =
          JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
    } catch (MetaDataAccessException e) {
      throw new IllegalStateException(
          "reading the database product name for the job store failed: " + e.getMessage(), e);
    }
    return switch (product) {
      case "H2" -> H2;
      case "PostgreSQL" -> POSTGRESQL;
      default ->
          throw new IllegalStateException(
              "unsupported job store database '" + product
                  + "': set spring.datasource.url to an H2 or PostgreSQL database");
    };
  }
}
