package io.sociindexer.job;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.job.JdbcJobStoreContract.MigratedDatabase;
import io.sociindexer.testing.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The zTOC records on a throwaway PostgreSQL 15 server on 127.0.0.1. */
class JdbcZtocRecordsPostgresTest extends JdbcZtocRecordsContract {

  private static LocalPostgres postgres;
  private static MigratedDatabase database;

  @BeforeAll
  static void startPostgres() throws Exception {
    assumeTrue(
        LocalPostgres.isInstalled(),
        "PostgreSQL 15 is not installed in " + LocalPostgres.BIN + ": apt-get install postgresql");
    postgres = LocalPostgres.start();
    database = JdbcJobStoreContract.migrate(postgres.jdbcUrl(), postgres.username(), "postgresql");
  }

  @AfterAll
  static void stopPostgres() {
    if (database != null) {
      database.pool().close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  MigratedDatabase database() {
    return database;
  }
}
