package io.sociindexer.job;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The child process of {@link EmbeddedStoreDurabilityTest}. It migrates the H2 database at the
 * JDBC URL given as the only argument, then enqueues jobs until it is killed. After each enqueue
 * returns, it prints {@code stored N}, so the parent can count the jobs reported as stored.
 */
final class EnqueueUntilKilled {

  private EnqueueUntilKilled() {}

  public static void main(String[] arguments) {
    HikariDataSource pool = JdbcJobStoreContract.migrate(arguments[0], "sa", "h2").pool();
    JdbcJobStore store = new JdbcJobStore(pool);
    for (int i = 1; ; i++) {
      store.enqueue(new ImageTarget("registry.test", "durability", "t" + i, null), "test");
      System.out.println("stored " + i);
      System.out.flush();
    }
  }
}
