package io.sociindexer.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real CNCF Distribution registry (Debian's {@code docker-registry}) on 127.0.0.1 with storage in
 * a temporary directory. Start one per test class and close it afterwards.
 */
public final class LocalRegistry implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path root;
  private final int port;

  private LocalRegistry(Process process, Path root, int port) {
    this.process = process;
    this.root = root;
    this.port = port;
  }

  /** Starts the registry and waits until {@code /v2/} answers. */
  public static LocalRegistry start() throws IOException, InterruptedException {
    return start(List.of());
  }

  /**
   * Starts the registry with notifications sent to {@code notificationUrl} and waits until
   * {@code /v2/} answers. Blob events are filtered out on the registry side.
   */
  public static LocalRegistry start(String notificationUrl) throws IOException, InterruptedException {
    return start(List.of(notificationUrl));
  }

  /** Starts the registry with one notification endpoint per URL, each sent every event. */
  public static LocalRegistry start(List<String> notificationUrls)
      throws IOException, InterruptedException {
    Path root = Files.createTempDirectory("soci-indexer-registry");
    int port = freePort();
    Path config = root.resolve("config.yml");
    StringBuilder notifications = new StringBuilder();
    if (!notificationUrls.isEmpty()) {
      notifications.append("notifications:\n  endpoints:\n");
    }
    for (int i = 0; i < notificationUrls.size(); i++) {
      notifications.append(
          """
            - name: soci-indexer-%d
              url: %s
              timeout: 3s
              threshold: 5
              backoff: 1s
              ignoredmediatypes:
                - application/octet-stream
          """
              .formatted(i, notificationUrls.get(i)));
    }
    Files.writeString(
        config,
        """
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:%d
        %s"""
            .formatted(root.resolve("data"), port, notifications));
    Process process =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("registry.log").toFile())
            .start();
    LocalRegistry registry = new LocalRegistry(process, root, port);
    registry.awaitReady();
    return registry;
  }

  /** Returns {@code 127.0.0.1:<port>}, the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public Path logFile() {
    return root.resolve("registry.log");
  }

  private void awaitReady() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(
            "docker-registry exited with status " + process.exitValue() + ": "
                + Files.readString(logFile()));
      }
      try {
        HttpURLConnection connection =
            (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
        connection.setConnectTimeout(500);
        if (connection.getResponseCode() == 200) {
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

  /** Returns a port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
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
