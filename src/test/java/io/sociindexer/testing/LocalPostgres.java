package io.sociindexer.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL 15 server (Debian's {@code postgresql} package) on 127.0.0.1 with its
 * data in a temporary directory, trust authentication and one empty database. PostgreSQL does not
 * run as root, so under root the server runs as the {@code postgres} user through {@code
 * runuser}. Close it to stop the server and delete the directory.
 */
public final class LocalPostgres implements AutoCloseable {

  /** Directory of the PostgreSQL 15 server programs in the Debian package. */
  public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

  private static final String SUPERUSER = "postgres";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private final Path root;
  private final int port;
  private final String database;
  private final boolean asPostgresUser;

  private LocalPostgres(Path root, int port, String database, boolean asPostgresUser) {
    this.root = root;
    this.port = port;
    this.database = database;
    this.asPostgresUser = asPostgresUser;
  }

  /** Returns whether the PostgreSQL server programs are installed. */
  public static boolean isInstalled() {
    return Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_ctl"));
  }

  /** Initializes a cluster, starts the server and creates the database {@code soci_indexer}. */
  public static LocalPostgres start() throws IOException, InterruptedException {
    boolean asPostgresUser = isRoot();
    Path root = Files.createTempDirectory("soci-indexer-postgres");
    if (asPostgresUser) {
      run(List.of("chown", SUPERUSER, root.toString()), root);
    }

    LocalPostgres postgres = new LocalPostgres(root, freePort(), "soci_indexer", asPostgresUser);
    try {
      postgres.initdb();
      postgres.startServer();
      postgres.createDatabase();
    } catch (IOException | InterruptedException | RuntimeException e) {
      postgres.close();
      throw e;
    }
    return postgres;
  }

  /** Returns the JDBC URL of the database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Returns the user name to connect as; trust authentication needs no password. */
  public String username() {
    return SUPERUSER;
  }

  private Path dataDir() {
    return root.resolve("data");
  }

  private void initdb() throws IOException, InterruptedException {
    runAsServerUser(
        List.of(
            BIN.resolve("initdb").toString(),
            "--pgdata=" + dataDir(),
            "--username=" + SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C"));
  }

  private void startServer() throws IOException, InterruptedException {
    String options =
        "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories="
            + root + " -c fsync=off";
    runAsServerUser(
        List.of(
            BIN.resolve("pg_ctl").toString(),
            "--pgdata=" + dataDir(),
            "--log=" + root.resolve("server.log"),
            "--options=" + options,
            "--wait",
            "start"));
  }

  private void createDatabase() throws IOException {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection connection = DriverManager.getConnection(url, SUPERUSER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IOException("creating database " + database + " on " + url + " failed", e);
    }
  }

  /** Stops the server at once and deletes its directory. */
  @Override
  public void close() {
    try {
      if (Files.exists(dataDir().resolve("postmaster.pid"))) {
        runAsServerUser(
            List.of(
                BIN.resolve("pg_ctl").toString(),
                "--pgdata=" + dataDir(),
                "--mode=immediate",
                "--wait",
                "stop"));
      }
    } catch (IOException e) {
      // NOTE: a server that did not stop keeps running until someone kills it. Test results are
      // unaffected, because each server has its own directory and port.
      log.warn("stopping PostgreSQL in {} failed", root, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteRecursively(root);
  }

  private void runAsServerUser(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
    }
    full.addAll(command);
    run(full, root);
  }

  private static void run(List<String> command, Path workDir)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("soci-indexer-postgres-command", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " timed out after " + COMMAND_TIMEOUT);
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " failed with status " + process.exitValue() + ": "
                + Files.readString(output));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static boolean isRoot() throws IOException, InterruptedException {
    Process process = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
    String uid = new String(process.getInputStream().readAllBytes()).trim();
    process.waitFor();
    return uid.equals("0");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("deleting {} failed", root, e);
    }
  }
}
