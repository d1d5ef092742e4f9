package io.sociindexer.web;

import io.sociindexer.job.JobStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the status page at {@code GET /}: the queue, the running jobs with their progress, the
 * recent results and the failures, read from the {@link JobStore} on every request. The page is
 * plain server-rendered HTML that reloads itself every {@value StatusPageRenderer#REFRESH_SECONDS}
 * seconds with a meta refresh, so it needs no JavaScript and loads nothing from other hosts.
 *
 * <p>The page needs an API token, which {@code ApiAuthenticationFilter} checks before this
 * controller runs. A browser sends it as the password of HTTP basic authentication.
 *
 * <p>The Content-Security-Policy header allows only inline styles. Image names come from webhooks,
 * so the renderer escapes every value, and the policy blocks scripts even if escaping were missed.
 */
@RestController
public class StatusPageController {

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
          + " form-action 'none'; frame-ancestors 'none'";

  private final JobStore jobStore;
  private final StatusPageRenderer renderer = new StatusPageRenderer();
  private final Clock clock = Clock.systemUTC();

  public StatusPageController(JobStore jobStore) {
    this.jobStore = jobStore;
  }

  /** Renders the status page from the job store's current state. */
  @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
  public ResponseEntity<String> statusPage() {
    StatusSnapshot snapshot = StatusSnapshot.load(jobStore, clock.instant());
    String html = renderer.render(snapshot);

    return ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .cacheControl(CacheControl.noStore())
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .body(html);
  }
}
