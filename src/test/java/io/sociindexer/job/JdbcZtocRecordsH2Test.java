package io.sociindexer.job;

import io.sociindexer.job.JdbcJobStoreContract.MigratedDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The zTOC records on the embedded H2 database, in a file as the service uses it. */
class JdbcZtocRecordsH2Test extends JdbcZtocRecordsContract {

  @TempDir static Path dataDir;

  private static MigratedDatabase database;

  @BeforeAll
  static void migrateH2() {
    String url =
        "jdbc:h2:file:" + dataDir.resolve("jobs") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    database = JdbcJobStoreContract.migrate(url, "sa", "h2");
  }

  @AfterAll
  static void closePool() {
    database.pool().close();
  }

  @Override
  MigratedDatabase database() {
    return database;
  }
}
