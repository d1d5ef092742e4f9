package io.sociindexer.job;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.sociindexer.testing.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The job store contract on a throwaway PostgreSQL 15 server on 127.0.0.1. */
class JdbcJobStorePostgresTest extends JdbcJobStoreContract {

  private static LocalPostgres postgres;
  private static HikariDataSource pool;

  @BeforeAll
  static void startPostgres() throws Exception {
    assumeTrue(
        LocalPostgres.isInstalled(),
        "PostgreSQL 15 is not installed in " + LocalPostgres.BIN + ": apt-get install postgresql");
    postgres = LocalPostgres.start();
    pool = useDatabase(postgres.jdbcUrl(), postgres.username(), "postgresql");
  }

  @AfterAll
  static void stopPostgres() {
    if (pool != null) {
      pool.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
