package io.sociindexer.job;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The job store contract on the embedded H2 database, in a file as the service uses it. */
class JdbcJobStoreH2Test extends JdbcJobStoreContract {

  @TempDir static Path dataDir;

  private static MigratedDatabase database;

  @BeforeAll
  static void migrateH2() {
    String url =
        "jdbc:h2:file:" + dataDir.resolve("jobs") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    database = migrate(url, "sa", "h2");
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
