package io.sociindexer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GrafanaDashboardTest {

  private static final Path DASHBOARD = Path.of("config/grafana/soci-indexer-dashboard.json");

  /** PromQL words that look like identifiers but are no metric names. */
  private static final Set<String> KEYWORDS = Set.of(
      "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
      "unless", "offset");

  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

  @Test
  void dashboardNamesOnlyExportedMetrics() throws IOException {
    Set<String> exported = ExportedMetrics.sampleNames();
    List<String> expressions = expressions();

    assertThat(expressions).isNotEmpty();
    for (String expression : expressions) {
      assertThat(metricNames(expression))
          .as("metrics in %s", expression)
          .isNotEmpty()
          .isSubsetOf(exported);
    }
  }

  @Test
  void dashboardCoversRequiredPanels() throws IOException {
    String all = String.join("\n", expressions());

    assertThat(all).contains("histogram_quantile(0.5,", "histogram_quantile(0.95,",
        "histogram_quantile(0.99,");
    assertThat(all).contains("soci_indexing_latency_seconds_bucket");
    assertThat(all).contains("soci_layer_read_bytes_total");
    assertThat(all).contains("soci_queue_depth", "soci_queue_oldest_age_seconds");
    assertThat(all).contains("outcome=\"failed\"");
    assertThat(all).contains("soci_registry_requests_total");
    assertThat(all).contains("soci_layers_total");
  }

  @Test
  void chartShipsSameDashboard() throws IOException {
    Path chartCopy = Path.of("helm/soci-indexer/files/soci-indexer-dashboard.json");

    assertThat(Files.readString(chartCopy))
        .as(chartCopy + " must be a copy of " + DASHBOARD)
        .isEqualTo(Files.readString(DASHBOARD));
  }

  @Test
  void metricNamesSkipsLabelsAndFunctions() {
    String expression = "histogram_quantile(0.5, sum by (le) (rate(a_bucket{job=~\"$job\","
        + " status!~\"2..\"}[$__rate_interval]))) * 60 + max(b)";

    assertThat(metricNames(expression)).containsExactlyInAnyOrder("a_bucket", "b");
  }

  private static List<String> expressions() throws IOException {
    JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        expressions.add(target.get("expr").asString());
      }
    }
    return expressions;
  }

  /**
   * Returns the metric names of a PromQL expression: identifiers outside label matchers, range
   * selectors and grouping lists that are not followed by a parenthesis, which marks a function.
   */
  static Set<String> metricNames(String expression) {
    String stripped = expression
        .replaceAll("\"[^\"]*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher matcher = IDENTIFIER.matcher(stripped);
    while (matcher.find()) {
      String name = matcher.group(1);
      if (matcher.group(2) == null && !KEYWORDS.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }
}
