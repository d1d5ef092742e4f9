package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Kills (SIGKILL) a process that enqueues jobs into the embedded H2 store with the JDBC URL of
 * {@code application.yml}, and checks that every job whose enqueue returned before the kill is
 * still stored. The webhook intake sends 202 right after the enqueue returns, so a job lost here
 * is a notification lost after it was accepted.
 */
class EmbeddedStoreDurabilityTest {

  private static final Pattern CONFIGURED_URL = Pattern.compile("url: (jdbc:h2:file:\\S+)");
  private static final int STORED_BEFORE_KILL = 300;

  @TempDir Path dataDir;

  @Test
  void enqueueSurvivesKill() throws Exception {
    String url = configuredUrl().replace("${soci-indexer.data-dir-absolute}", dataDir.toString());
    Process child = startChild(url);
    // Lines still in the pipe when the child dies are not counted, so the check can only get
    // weaker. The kill follows the last counted line at once.
    int stored = readUntil(reader(child.getInputStream()), STORED_BEFORE_KILL);
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child ended after SIGKILL").isTrue();

    assertThat(stored).as("jobs the child reported as stored").isGreaterThan(0);
    assertThat(countJobs(url)).as("jobs in the store after the kill").isGreaterThanOrEqualTo(stored);
  }

  /** Returns the embedded H2 URL that the packaged service uses. */
  private static String configuredUrl() throws IOException {
    try (InputStream yaml = EmbeddedStoreDurabilityTest.class.getResourceAsStream("/application.yml")) {
      Matcher matcher = CONFIGURED_URL.matcher(new String(yaml.readAllBytes(), StandardCharsets.UTF_8));
      assertThat(matcher.find()).as("an H2 file URL in application.yml").isTrue();
      return matcher.group(1);
    }
  }

  private static Process startChild(String url) throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            EnqueueUntilKilled.class.getName(),
            url);
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** Reads {@code stored N} lines until N reaches {@code limit} or the output ends, and returns N. */
  private static int readUntil(BufferedReader out, int limit) throws IOException {
    int stored = 0;
    String line;
    while (stored < limit && (line = out.readLine()) != null) {
      if (line.startsWith("stored ")) {
        stored = Integer.parseInt(line.substring("stored ".length()));
      }
    }
    return stored;
  }

  private static long countJobs(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("sa");
    config.setPassword("");
    try (HikariDataSource pool = new HikariDataSource(config)) {
      return JdbcClient.create(pool).sql("SELECT COUNT(*) FROM jobs").query(Long.class).single();
    }
  }
}
