package io.sociindexer.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sociindexer.api.InMemoryJobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Collects the Prometheus sample names that the service's metrics components export. */
final class ExportedMetrics {

  private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)");

  private ExportedMetrics() {}

  /**
   * Returns every sample name in a scrape of a Prometheus registry populated by {@link
   * IndexingMetrics} and {@link JobStoreMetrics}, with one registry request recorded because that
   * counter appears only after the first request.
   */
  static Set<String> sampleNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IndexingMetrics metrics = new IndexingMetrics(registry);
    metrics.requestFinished("registry.example", "fetch manifest", 200);
    new JobStoreMetrics(new InMemoryJobStore(), Clock.systemUTC(), Duration.ofSeconds(5))
        .bindTo(registry);
    return sampleNames(registry.scrape());
  }

  /** Returns the sample names of a Prometheus text exposition, without comment lines. */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      Matcher matcher = SAMPLE_NAME.matcher(line);
      if (!line.startsWith("#") && matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }
}
