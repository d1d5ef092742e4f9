package io.sociindexer.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code java -jar target/soci-indexer.jar}) as a child process on
 * 127.0.0.1, so that tests can stop it gracefully, kill it, and start it again on the same data.
 * It configures {@link #API_TOKEN} unless the arguments set {@code soci-indexer.api.*} settings,
 * and {@link #get} and {@link #postJson} send that token.
 */
public final class ServiceProcess implements AutoCloseable {

  /** The API token configured by default and sent by {@link #get} and {@link #postJson}. */
  public static final String API_TOKEN = "service-process-token-0123456789";

  /** Time to wait for readiness: 90 s, or {@code -Dservice.start-timeout-seconds}. */
  private static final Duration START_TIMEOUT =
      Duration.ofSeconds(Long.getLong("service.start-timeout-seconds", 90));
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final int port;
  private final Path log;

  private ServiceProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the service on {@code port} with the given {@code --name=value} arguments and waits
   * until its readiness probe reports UP.
   */
  public static ServiceProcess start(int port, Path logFile, List<String> arguments)
      throws IOException, InterruptedException {
    return start(List.of(), Path.of("target/soci-indexer.jar"), List.of(), port, logFile, arguments);
  }

  /**
   * Starts {@code jar} as {@link #start(int, Path, List)} does, with {@code launcher} (such as
   * {@code unshare ... --}) before the java command and {@code jvmOptions} before {@code -jar}.
   */
  public static ServiceProcess start(
      List<String> launcher,
      Path jar,
      List<String> jvmOptions,
      int port,
      Path logFile,
      List<String> arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    if (arguments.stream().noneMatch(argument -> argument.startsWith("--soci-indexer.api."))) {
      command.add("--soci-indexer.api.tokens=" + API_TOKEN);
    }
    command.addAll(arguments);
    Files.createDirectories(logFile.getParent());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    ServiceProcess service = new ServiceProcess(process, port, logFile);
    service.awaitReady();
    return service;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** Sends GET and returns the body; throws on a status other than 200. */
  public String get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .header("Authorization", "Bearer " + API_TOKEN)
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " returned " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** Sends a JSON POST and returns the response. */
  public HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + API_TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Stops the service with SIGTERM, which runs the graceful shutdown, and waits for it to exit. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Kills the service with SIGKILL, as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  private void awaitReady() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("the service exited with " + process.exitValue() + ":\n" + tail());
      }
      try {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      Thread.sleep(200);
    }
    kill();
    throw new IOException("the service was not ready within " + START_TIMEOUT + ":\n" + tail());
  }

  /** Returns the last lines of the service log, for failure messages. */
  public String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
