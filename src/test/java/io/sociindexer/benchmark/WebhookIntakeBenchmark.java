package io.sociindexer.benchmark;

import io.sociindexer.testing.LocalPostgres;
import io.sociindexer.testing.ServiceProcess;
import io.sociindexer.testing.WebhookLoadDriver;
import io.sociindexer.testing.WebhookLoadDriver.Result;
import io.sociindexer.testing.WebhookLoadDriver.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures webhook intake of the packaged service: a warm-up, then {@code duration} seconds of
 * Distribution notifications at a fixed rate while the workers run the jobs they create. Prints
 * the intake rate, p50, p95, p99 and max latency, and the CPU time the service used.
 *
 * <p>The events name a registry on a closed port of 127.0.0.1, so each job's attempt fails fast
 * and the workers keep claiming, failing and retrying jobs during the run, which loads the job
 * store as indexing would. With {@code --url=...} the benchmark sends to a service started
 * elsewhere, such as one recording a JFR profile, instead of starting one.
 *
 * <p>Options ({@code --name=value}): those of {@link WebhookLoadDriver#main}, plus {@code workers}
 * (default 2), {@code postgres} ({@code true} keeps the jobs in a throwaway PostgreSQL 15 server
 * started with {@link LocalPostgres}, default the embedded H2 file) and {@code service-arg} (one
 * extra {@code --name=value} for the service, repeatable as {@code service-arg2} and so on).
 */
public final class WebhookIntakeBenchmark {

  private WebhookIntakeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = WebhookLoadDriver.parseOptions(args);
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "15"));
    String closedRegistry = "127.0.0.1:" + closedPort();
    options.putIfAbsent("registry", closedRegistry);

    LocalPostgres postgres = null;
    ServiceProcess service = null;
    if (Boolean.parseBoolean(options.getOrDefault("postgres", "false"))) {
      postgres = LocalPostgres.start();
      options.put("service-arg-db-url", "--spring.datasource.url=" + postgres.jdbcUrl());
      options.put("service-arg-db-user", "--spring.datasource.username=" + postgres.username());
      options.put("service-arg-db-password", "--spring.datasource.password=");
    }
    if (!options.containsKey("url")) {
      service = startService(options);
      options.put("url", service.baseUrl());
    }
    try {
      String run = "b" + Long.toString(System.currentTimeMillis(), 36);
      Settings settings = WebhookLoadDriver.settings(options, run);
      System.out.printf(
          Locale.ROOT,
          "webhook intake: rate=%.0f/s duration=%s concurrency=%d repeat.share=%.2f workers=%s"
              + " store=%s%n",
          settings.rate(), settings.duration(), settings.concurrency(), settings.repeatShare(),
          options.getOrDefault("workers", "2"), postgres == null ? "h2" : "postgresql");

      if (warmup > 0) {
        Result warm = WebhookLoadDriver.run(settings.withDuration(Duration.ofSeconds(warmup), run + "w"));
        System.out.println("warm-up:  " + warm.summary());
      }
      long cpuBefore = service == null ? -1 : cpuMillis(service.pid());
      Result result = WebhookLoadDriver.run(settings);
      long cpuAfter = service == null ? -1 : cpuMillis(service.pid());
      System.out.println("measured: " + result.summary());
      if (service != null) {
        System.out.printf(
            Locale.ROOT,
            "service cpu: %.1f s over %.1f s (%.2f cores)%n",
            (cpuAfter - cpuBefore) / 1000.0,
            result.elapsed().toMillis() / 1000.0,
            (cpuAfter - cpuBefore) / (double) result.elapsed().toMillis());
      }
    } finally {
      if (service != null) {
        service.stop();
      }
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  private static ServiceProcess startService(Map<String, String> options)
      throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("soci-indexer-intake");
    List<String> arguments = new ArrayList<>();
    arguments.add("--soci-indexer.data-dir=" + work.resolve("data"));
    arguments.add("--soci-indexer.plain-http-registries=" + options.get("registry"));
    arguments.add("--soci-indexer.workers.count=" + options.getOrDefault("workers", "2"));
    options.forEach(
        (name, value) -> {
          if (name.startsWith("service-arg")) {
            arguments.add(value);
          }
        });
    int port = freePort();
    System.out.println("service log: " + work.resolve("service.log"));
    return ServiceProcess.start(port, work.resolve("service.log"), arguments);
  }

  /** Returns a port of 127.0.0.1 that nothing listened on when checked, so connections are refused. */
  private static int closedPort() throws IOException {
    return freePort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Returns the user and system CPU time of process {@code pid} from /proc, in milliseconds.
   * NOTE: assumes 100 clock ticks per second, the value on x86-64 Linux.
   */
  private static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 10;
  }
}
