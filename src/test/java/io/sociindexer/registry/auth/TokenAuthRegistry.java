package io.sociindexer.registry.auth;

import io.sociindexer.testing.LocalRegistry;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (CNCF Distribution 2.8) on 127.0.0.1 with token
 * authentication: {@code auth.token} names the realm, service, issuer and root certificate bundle
 * of a {@link TokenIssuer}. Storage is a temporary directory.
 */
final class TokenAuthRegistry implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path root;
  private final int port;

  private TokenAuthRegistry(Process process, Path root, int port) {
    this.process = process;
    this.root = root;
    this.port = port;
  }

  /** Starts the registry and waits until {@code /v2/} returns 401, which means it is serving. */
  static TokenAuthRegistry start(TokenIssuer issuer) throws IOException, InterruptedException {
    Path root = Files.createTempDirectory("soci-token-registry");
    int port = LocalRegistry.freePort();
    Path config = root.resolve("config.yml");
    Files.writeString(config, """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: 127.0.0.1:%d
        auth:
          token:
            realm: %s
            service: %s
            issuer: %s
            rootcertbundle: %s
        """.formatted(root.resolve("data"), port, issuer.realm(), TokenIssuer.SERVICE,
        TokenIssuer.ISSUER, issuer.rootCertificateBundle()));
    Process process = new ProcessBuilder("docker-registry", "serve", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(root.resolve("registry.log").toFile())
        .start();
    TokenAuthRegistry registry = new TokenAuthRegistry(process, root, port);
    registry.awaitReady();
    return registry;
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  Path logFile() {
    return root.resolve("registry.log");
  }

  private void awaitReady() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited with status " + process.exitValue() + ": "
            + Files.readString(logFile()));
      }
      try {
        HttpURLConnection connection =
            (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
        connection.setConnectTimeout(500);
        if (connection.getResponseCode() == 401) {
          return;
        }
      } catch (IOException notYet) {
        // The registry is still starting.
      }
      Thread.sleep(100);
    }
    close();
    throw new IOException("docker-registry did not answer on " + host() + " within " + START_TIMEOUT);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
