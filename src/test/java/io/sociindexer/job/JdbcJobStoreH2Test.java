package io.sociindexer.job;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The job store contract on the embedded H2 database, in a file as the service uses it. */
class JdbcJobStoreH2Test extends JdbcJobStoreContract {

  @TempDir static Path dataDir;

  private static HikariDataSource pool;

  @BeforeAll
  static void migrate() {
    String url =
        "jdbc:h2:file:" + dataDir.resolve("jobs") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    pool = useDatabase(url, "sa", "h2");
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }
}
