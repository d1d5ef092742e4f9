package io.sociindexer.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.api.IntakeServiceTest;
import io.sociindexer.api.TestHttp;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Loads the status page in headless Chromium, once with JavaScript enabled and once with it
 * disabled, and checks the rendered DOM, a screenshot and the reload without JavaScript. The
 * screenshots are kept in {@code target/status-page/}. Skipped when {@code /usr/bin/chromium} is
 * missing; {@code scripts/test.sh} installs Debian's {@code chromium} package.
 */
@IntakeServiceTest
class StatusPageChromiumTest {

  /** The fixtures render to a PNG of about 145 KB, and a blank page to a much smaller one. */
  static final long MIN_SCREENSHOT_BYTES = 20_000;

  static final String SCRIPT_PROBE =
      "data:text/html,"
          + URLEncoder.encode(
                  "<p>probe</p><script>document.body.dataset.js='ran'</script>",
                  StandardCharsets.UTF_8)
              .replace("+", "%20");

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @TempDir Path dir;

  @BeforeEach
  void setUp() {
    assumeTrue(
        Files.isExecutable(HeadlessChromium.BINARY),
        "Chromium is not installed at " + HeadlessChromium.BINARY);
    store.clear();
    StatusPageFixtures.store(store);
  }

  @Test
  void pageWithJavaScript() throws Exception {
    try (HeadlessChromium chromium = new HeadlessChromium(dir.resolve("profile"), true)) {
      assertThat(scriptsRun(chromium)).as("scripts run with JavaScript enabled").isTrue();

      chromium.navigate(pageUrl());

      assertJobRows(chromium.outerHtml());
      assertScreenshot(chromium.screenshot(), "status-page-js.png");
    }
  }

  @Test
  void pageWithoutJavaScript() throws Exception {
    try (HeadlessChromium chromium = new HeadlessChromium(dir.resolve("profile"), false)) {
      assertThat(scriptsRun(chromium)).as("scripts run with JavaScript disabled").isFalse();

      chromium.navigate(pageUrl());

      assertJobRows(chromium.outerHtml());
      assertScreenshot(chromium.screenshot(), "status-page-nojs.png");
    }
  }

  @Test
  void pageReloadsWithoutJavaScript() throws Exception {
    try (HeadlessChromium chromium = new HeadlessChromium(dir.resolve("profile"), false)) {
      chromium.navigate(pageUrl());
      store.put(
          StatusPageFixtures.job(
              JobState.SUCCEEDED, "team/late", 1, null, JobResult.message("late result"), null));

      chromium.awaitReload();

      assertThat(chromium.outerHtml()).contains("late result");
    }
  }

  /** Returns the page URL with the API token as the basic-authentication password. */
  String pageUrl() {
    return "http://status:" + TestHttp.API_TOKEN + "@127.0.0.1:" + port + "/";
  }

  /** Loads a page whose script marks the body, which shows whether the browser runs scripts. */
  static boolean scriptsRun(HeadlessChromium chromium) throws Exception {
    chromium.navigate(SCRIPT_PROBE);
    String dom = chromium.outerHtml();
    assertThat(dom).contains("<p>probe</p>");
    return dom.contains("data-js=\"ran\"");
  }

  static void assertJobRows(String dom) {
    assertThat(dom).contains("<title>soci-indexer status</title>");
    assertThat(dom).contains("127.0.0.1:5000/team/web:1.0@");
    assertThat(dom).contains("40.0 MiB / 160.0 MiB");
    assertThat(dom).contains("pushed 1.0-soci");
    assertThat(dom).contains("404 MANIFEST_UNKNOWN");
    assertThat(dom).contains("team/&lt;script&gt;alert(1)&lt;/script&gt;:1.0");
    assertThat(dom).doesNotContain("<script>alert(1)");
    // One running row, four recent results and two failures.
    assertThat(dom.split("<tr class=\"job\"", -1)).hasSize(1 + 1 + 4 + 2);
  }

  static void assertScreenshot(byte[] png, String name) throws IOException {
    Path target = Path.of("target", "status-page");
    Files.createDirectories(target);
    Files.write(target.resolve(name), png);

    assertThat(png.length).as("screenshot size in bytes").isGreaterThan((int) MIN_SCREENSHOT_BYTES);
    byte[] header = Arrays.copyOf(png, 8);
    assertThat(header).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
  }
}
