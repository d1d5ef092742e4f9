package io.sociindexer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Indexes one image through the job API of the packaged service, then reads the metrics twice:
 * from {@code /actuator/prometheus} directly, and with a PromQL query over the latency histogram
 * to Debian's Prometheus server, which scrapes the service every second.
 */
class MetricsIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration PROMETHEUS_TIMEOUT = Duration.ofSeconds(60);
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final String LATENCY = "soci_indexing_latency_seconds";

  @TempDir Path work;

  private LocalRegistry registry;
  private ServiceProcess service;
  private Process prometheus;

  @BeforeEach
  void start() throws Exception {
    registry = LocalRegistry.start();
    service = ServiceProcess.start(
        LocalRegistry.freePort(),
        work.resolve("service.log"),
        List.of(
            "--soci-indexer.data-dir=" + work.resolve("data"),
            "--soci-indexer.plain-http-registries=" + registry.host(),
            "--soci-indexer.min-layer-size=1MB",
            "--soci-indexer.workers.count=1",
            "--soci-indexer.workers.poll-interval=200ms"));
  }

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor();
      }
    }
    service.close();
    registry.close();
  }

  @Test
  void scrapeCountsIndexedImage() throws Exception {
    indexOneImage();

    String scrape = service.get("/actuator/prometheus");

    assertThat(scrape).contains("# TYPE " + LATENCY + " histogram");
    assertThat(scrape).containsPattern("(?m)^# TYPE soci_stage_duration_seconds histogram$");
    assertThat(scrape).containsPattern("(?m)^# TYPE soci_jobs_outcomes(_total)? counter$");
    assertThat(scrape).containsPattern("(?m)^# TYPE soci_registry_requests(_total)? counter$");
    assertThat(scrape).containsPattern("(?m)^# TYPE soci_layer_read_bytes(_total)? counter$");
    assertThat(scrape).containsPattern("(?m)^# TYPE soci_queue_depth gauge$");
    assertThat(scrape).containsPattern("(?m)^# TYPE soci_queue_oldest_age_seconds gauge$");
    assertThat(scrape).containsPattern("(?m)^# TYPE soci_jobs gauge$");
    assertThat(sample(scrape, LATENCY + "_count")).isEqualTo(1.0);
    assertThat(sample(scrape, "soci_jobs_outcomes_total{outcome=\"succeeded\",reason=\"none\"}"))
        .isEqualTo(1.0);
    assertThat(sample(scrape, "soci_layer_read_bytes_total")).isPositive();
    assertThat(scrape).containsPattern(
        "soci_registry_requests_total\\{operation=\"push_manifest\",registry=\"127\\.0\\.0\\.1:\\d+\","
            + "status=\"201\"}");
    assertThat(scrape).doesNotContain("sha256:");
  }

  @Test
  void prometheusQueryReturnsJob() throws Exception {
    assumeTrue(Files.isExecutable(PROMETHEUS),
        "Debian's prometheus is missing at " + PROMETHEUS + "; scripts/test.sh installs it");
    indexOneImage();
    int prometheusPort = startPrometheus();

    double count = awaitQuery(prometheusPort, LATENCY + "_count");
    double median = awaitQuery(
        prometheusPort, "histogram_quantile(0.5, sum by (le) (" + LATENCY + "_bucket))");

    assertThat(count).isEqualTo(1.0);
    assertThat(median).isPositive().isFinite();
  }

  /** Pushes a small image, queues a job for it through the API and waits until it succeeded. */
  private void indexOneImage() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer layer =
        image.layerFromDirectory(Path.of("/usr/share/i18n"), "gzip -c -n");
    image.tag(image.manifest("linux", "amd64", List.of(layer)), "1.0");
    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/metrics:1.0");

    HttpResponse<String> created = service.postJson(
        "/api/v1/jobs", "{\"image\":\"" + registry.host() + "/metrics:1.0\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = JSON.readTree(created.body()).get("id").asString();

    Instant deadline = Instant.now().plus(JOB_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      JsonNode job = JSON.readTree(service.get("/api/v1/jobs/" + id));
      String state = job.get("state").asString();
      if (!state.equals("queued") && !state.equals("running")) {
        assertThat(state).as(service.tail()).isEqualTo("succeeded");
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + id + " did not finish within " + JOB_TIMEOUT + ":\n"
        + service.tail());
  }

  /** Starts Prometheus on 127.0.0.1, scraping the service every second, and returns its port. */
  private int startPrometheus() throws Exception {
    int port = LocalRegistry.freePort();
    URI serviceUri = URI.create(service.baseUrl());
    Path config = work.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: soci-indexer
            metrics_path: /actuator/prometheus
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """.formatted(serviceUri.getPort()));

    prometheus = new ProcessBuilder(
            PROMETHEUS.toString(),
            "--config.file=" + config,
            "--storage.tsdb.path=" + work.resolve("prometheus-data"),
            "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("prometheus.log").toFile())
        .start();
    return port;
  }

  /** Runs an instant query until it returns one finite sample, and returns that sample. */
  private double awaitQuery(int port, String query) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8));
    Instant deadline = Instant.now().plus(PROMETHEUS_TIMEOUT);
    String last = "no response";
    while (Instant.now().isBefore(deadline)) {
      try {
        HttpResponse<String> response =
            HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        last = response.body();
        JsonNode result = JSON.readTree(last).path("data").path("result");
        if (response.statusCode() == 200 && result.size() == 1) {
          double value = Double.parseDouble(result.get(0).get("value").get(1).asString());
          if (Double.isFinite(value)) {
            return value;
          }
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("Prometheus query " + query + " returned no finite sample within "
        + PROMETHEUS_TIMEOUT + "; last response: " + last + "\n"
        + Files.readString(work.resolve("prometheus.log")));
  }

  /** Returns the value of the sample line that starts with {@code series}. */
  private static double sample(String scrape, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(scrape);
    assertThat(matcher.find()).as("sample %s in:\n%s", series, scrape).isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
