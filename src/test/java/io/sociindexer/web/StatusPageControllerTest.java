package io.sociindexer.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.api.IntakeServiceTest;
import io.sociindexer.api.TestHttp;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@IntakeServiceTest
class StatusPageControllerTest {

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  TestHttp http;

  @BeforeEach
  void setUp() {
    store.clear();
    http = TestHttp.authenticated(port);
  }

  @Test
  void pageIsHtmlWithHeaders() {
    HttpResponse<String> response = http.get("/");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .hasValue(StatusPageController.CONTENT_SECURITY_POLICY);
    assertThat(response.body()).startsWith("<!DOCTYPE html>");
    assertThat(response.body()).contains("<meta http-equiv=\"refresh\" content=\"5\">");
  }

  @Test
  void pageLoadsNothingExternal() {
    StatusPageFixtures.store(store);

    String body = http.get("/").body();

    assertThat(body).doesNotContain("<script");
    assertThat(body).doesNotContain("<link");
    assertThat(body).doesNotContain("src=");
    assertThat(body).doesNotContain("http://");
    assertThat(body).doesNotContain("https://");
  }

  @Test
  void emptyStoreShowsEmptySections() {
    String body = http.get("/").body();

    assertThat(body).contains("No job is running.");
    assertThat(body).contains("No job has finished yet.");
    assertThat(body).contains("No job has failed.");
    assertThat(body).contains("<td class=\"num queued\" data-state=\"queued\">0</td>");
  }

  @Test
  void queueShowsCountsByState() {
    StatusPageFixtures.store(store);

    String body = http.get("/").body();

    assertThat(body).contains("data-state=\"queued\">1</td>");
    assertThat(body).contains("data-state=\"running\">1</td>");
    assertThat(body).contains("data-state=\"succeeded\">1</td>");
    assertThat(body).contains("data-state=\"skipped\">1</td>");
    assertThat(body).contains("data-state=\"failed\">2</td>");
    assertThat(body).contains("data-state=\"cancelled\">0</td>");
  }

  @Test
  void runningJobShowsProgress() {
    StatusPageFixtures.store(store);

    String running = section(http.get("/").body(), "running");

    assertThat(running).contains("127.0.0.1:5000/team/web:1.0@" + StatusPageFixtures.DIGEST);
    assertThat(running).contains("<td class=\"nowrap\">node-a</td>");
    assertThat(running).contains("2 / 5");
    assertThat(running).contains("40.0 MiB / 160.0 MiB");
    assertThat(running).contains("25%");
    assertThat(running).doesNotContain("team/queued");
  }

  @Test
  void recentResultsShowFinishedJobs() {
    StatusPageFixtures.store(store);

    String recent = section(http.get("/").body(), "recent");

    assertThat(recent).contains("team/api:1.0");
    assertThat(recent).contains("pushed 1.0-soci");
    assertThat(recent).contains("nothing to index: every layer is under the minimum size");
    assertThat(recent).contains("team/broken:1.0");
    assertThat(recent).contains("2026-02-01 10:00:09 UTC");
    assertThat(recent).doesNotContain("team/web");
    assertThat(recent).doesNotContain("team/queued");
  }

  @Test
  void recentResultsKeepTwenty() {
    for (int i = 0; i < 25; i++) {
      store.put(
          StatusPageFixtures.job(
              JobState.SUCCEEDED, "team/app" + i, 1, null,
              JobResult.message("done"), null));
    }

    String recent = section(http.get("/").body(), "recent");

    assertThat(recent.split("<tr class=\"job\"", -1)).hasSize(StatusSnapshot.RECENT_LIMIT + 1);
  }

  @Test
  void failuresShowErrorDetails() {
    StatusPageFixtures.store(store);

    String failures = section(http.get("/").body(), "failures");

    assertThat(failures).contains("team/broken:1.0");
    assertThat(failures).contains("<td>fetch manifest</td>");
    assertThat(failures).contains("404 MANIFEST_UNKNOWN");
    assertThat(failures).contains("manifest 1.0 not found in 127.0.0.1:5000/team/broken");
    assertThat(failures).contains("no response");
  }

  @Test
  void imageNameIsEscaped() {
    StatusPageFixtures.store(store);

    String body = http.get("/").body();

    assertThat(body).doesNotContain("<script>");
    assertThat(body).contains("team/&lt;script&gt;alert(1)&lt;/script&gt;:1.0");
  }

  @Test
  void errorMessageIsEscaped() {
    StatusPageFixtures.store(store);

    String body = http.get("/").body();

    assertThat(body).doesNotContain("<b>bold</b>");
    assertThat(body).contains("bad layer &lt;b&gt;bold&lt;/b&gt; &amp; more");
  }

  /** Returns the table with the given id, which fails the test when the section has no table. */
  static String section(String body, String id) {
    int start = body.indexOf("<table id=\"" + id + "\">");
    assertThat(start).as("table #%s in the page", id).isNotNegative();
    int end = body.indexOf("</table>", start);
    return body.substring(start, end);
  }
}
