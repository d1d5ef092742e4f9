package io.sociindexer.job;

import java.sql.DatabaseMetaData;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.simple.JdbcClient.StatementSpec;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/** The SQL that differs between the job store's two databases, H2 and PostgreSQL. */
enum SqlDialect {
  H2 {
    @Override
    String plusMillis(String millisParameter) {
      return "DATEADD(MILLISECOND, " + millisParameter + ", CURRENT_TIMESTAMP)";
    }

    /**
     * Reads the row ids of the batch, then deletes those rows while they still match. H2 2.4.240
     * deleted fewer rows than matched when the DELETE chose the batch itself, with {@code FETCH
     * FIRST n ROWS ONLY} or with a sub-select of row ids. In one test the second statement of a
     * sweep deleted 1 row while 36 matched. The embedded database serves one JVM, so no other
     * sweep competes for the rows.
     *
     * <p>The index is named because H2 2.4.240 chose jobs_claim_idx for the state condition of
     * the jobs sweep, and EXPLAIN ANALYZE then showed 15,112 rows read to find 1,000 in a table of
     * 20,000; along jobs_finished_idx it read 1,400.
     */
    @Override
    int deleteBatch(
        JdbcClient jdbc,
        String table,
        String index,
        String condition,
        UnaryOperator<StatementSpec> params,
        int batchSize) {
      List<Long> rowIds =
          params
              .apply(
                  jdbc.sql(
                      "SELECT _ROWID_ FROM " + table + " USE INDEX (" + index + ") WHERE "
                          + condition
                          + " FETCH FIRST :batchSize ROWS ONLY"))
              .param("batchSize", batchSize)
              .query(Long.class)
              .list();
      if (rowIds.isEmpty()) {
        return 0;
      }
      String delete =
          "DELETE FROM " + table + " WHERE _ROWID_ IN (:rowIds) AND " + condition;
      return params.apply(jdbc.sql(delete)).param("rowIds", rowIds).update();
    }
  },

  POSTGRESQL {
    @Override
    String plusMillis(String millisParameter) {
      return "CURRENT_TIMESTAMP + " + millisParameter + " * INTERVAL '1 millisecond'";
    }

    /**
     * PostgreSQL has no LIMIT on DELETE, so the batch is the physical row ids ({@code ctid}) of the
     * rows that a sub-select locks. {@code SKIP LOCKED} lets replicas that sweep at the same time
     * take different rows instead of waiting for each other. The rows stay locked until the
     * DELETE commits, so their ctid cannot change in between.
     */
    @Override
    int deleteBatch(
        JdbcClient jdbc,
        String table,
        String index,
        String condition,
        UnaryOperator<StatementSpec> params,
        int batchSize) {
      String delete =
          "DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table
              + " WHERE " + condition + " LIMIT :batchSize FOR UPDATE SKIP LOCKED))";
      return params.apply(jdbc.sql(delete)).param("batchSize", batchSize).update();
    }
  };

  /** Returns an SQL expression for the current database time plus a number of milliseconds. */
  abstract String plusMillis(String millisParameter);

  /**
   * Deletes at most {@code batchSize} rows of {@code table} that match {@code condition} and
   * returns how many, so that one statement holds its row locks only briefly. {@code index} names
   * the index that the condition's range is on, which only H2 gets as a hint.
   */
  abstract int deleteBatch(
      JdbcClient jdbc,
      String table,
      String index,
      String condition,
      UnaryOperator<StatementSpec> params,
      int batchSize);

  /**
   * Deletes the rows of {@code table} that match {@code condition} in statements of at most
   * {@code batchSize} rows, each committed on its own, until a statement deletes fewer. Returns
   * the rows deleted. Stops early, with the rows deleted so far, when the thread is interrupted.
   */
  int deleteInBatches(
      JdbcClient jdbc,
      String table,
      String index,
      String condition,
      UnaryOperator<StatementSpec> params,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "invalid batch size " + batchSize + ": expected 1 or more");
    }

    int total = 0;
    int deleted;
    do {
      deleted = deleteBatch(jdbc, table, index, condition, params, batchSize);
      total += deleted;
    } while (deleted == batchSize && !Thread.currentThread().isInterrupted());
    return total;
  }

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
